package main

import (
	"slices"
	"testing"
	"time"
)

func TestScanFeedReadsWhatAViewShows(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start feedState
		in    string
		want  feedState
		found bool
	}{
		{
			name:  "a connected render sets the version and every row",
			in:    `{"t":"render","html":"<section>\n<h1>Feed</h1>\n<p id=\"feed-version\">version 0</p>\n<ol id=\"feed\"><li id=\"feed-1\">row 1 v0</li><li id=\"feed-2\">row 2 v0</li><li id=\"feed-3\">row 3 v0</li></ol>\n</section>","title":"Feed"}`,
			want:  feedState{Version: 0, Rows: []int64{0, 0, 0}},
			found: true,
		},
		{
			name:  "text ops set the version and one row",
			start: feedState{Version: 6, Rows: []int64{1, 2, 3}},
			in:    `{"t":"ops","ops":[["t",[0,4,0],"version 7"],["t",[0,6,0,0],"row 1 v7"]]}`,
			want:  feedState{Version: 7, Rows: []int64{7, 2, 3}},
			found: true,
		},
		{
			name:  "a frame that shows two updates at once sets both rows",
			start: feedState{Version: 3, Rows: []int64{1, 2, 3}},
			in:    `{"t":"ops","ops":[["t",[0,4,0],"version 5"],["t",[0,6,0,0],"row 1 v4"],["t",[0,6,1,0],"row 2 v5"]]}`,
			want:  feedState{Version: 5, Rows: []int64{4, 5, 3}},
			found: true,
		},
		{
			name:  "a later text wins over an earlier one in the same frame",
			start: feedState{Rows: []int64{0}},
			in:    `{"t":"ops","ops":[["h",[],"<p>version 8</p><ol><li>row 1 v8</li></ol>"],["t",[0,0],"version 9"],["t",[1,0,0],"row 1 v9"]]}`,
			want:  feedState{Version: 9, Rows: []int64{9}},
			found: true,
		},
		{
			name:  "a row beyond the known ones extends the state",
			start: feedState{Rows: []int64{1}},
			in:    `row 3 v12`,
			want:  feedState{Rows: []int64{1, 0, 12}},
			found: true,
		},
		{
			name:  "words that end in the marks are not feed texts",
			start: feedState{Version: 2, Rows: []int64{2}},
			in:    `arrow 1 v99 subversion 99 throw 1 v5`,
			want:  feedState{Version: 2, Rows: []int64{2}},
		},
		{
			name:  "marks without numbers, row 0 and huge rows are ignored",
			start: feedState{Version: 2, Rows: []int64{2}},
			in:    `version x row 1 vx row v1 row 0 v4 row 5000 v4 version 99999999999999999999999`,
			want:  feedState{Version: 2, Rows: []int64{2}},
		},
		{
			name:  "a heartbeat holds nothing",
			start: feedState{Version: 2, Rows: []int64{2}},
			in:    `{"t":"h"}`,
			want:  feedState{Version: 2, Rows: []int64{2}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := feedState{Version: tc.start.Version, Rows: slices.Clone(tc.start.Rows)}
			found := scanFeed([]byte(tc.in), &st)
			if found != tc.found || !st.equal(tc.want) {
				t.Errorf("scanFeed(%q) = %v, state %+v; want %v, %+v", tc.in, found, st, tc.found, tc.want)
			}
		})
	}
}

func TestFeedViewIsFinalOnlyWithEveryRow(t *testing.T) {
	f, err := newFeedView([]byte(`<p id="feed-version">version 0</p><li>row 1 v0</li><li>row 2 v0</li>`))
	if err != nil {
		t.Fatal(err)
	}
	ms := time.Millisecond
	f.observe([]byte(`["t",[0],"version 1"],["t",[1],"row 1 v1"]`), 5*ms)
	f.observe([]byte(`{"t":"h"}`), 6*ms)
	f.observe([]byte(`["t",[0],"version 2"]`), 9*ms) // row 2's op lost
	want := feedState{Version: 2, Rows: []int64{1, 2}}
	if f.state.equal(want) {
		t.Errorf("state %+v equals %+v although row 2 never changed", f.state, want)
	}
	if !f.reached(2) || f.reached(3) {
		t.Errorf("reached(2), reached(3) = %v, %v; want true, false", f.reached(2), f.reached(3))
	}
	if f.frames != 2 {
		t.Errorf("frames = %d, want 2 (the heartbeat holds no feed text)", f.frames)
	}
	if want := []arrival{{1, 5 * ms}, {2, 9 * ms}}; !slices.Equal(f.arrivals, want) {
		t.Errorf("arrivals = %v, want %v", f.arrivals, want)
	}
	if _, err := newFeedView([]byte(`{"t":"render","html":"<b id=\"count\">0</b>"}`)); err == nil {
		t.Error("a counter's render was taken for a feed")
	}
}

func TestUpdateLatenciesCountSkippedAndMissingUpdates(t *testing.T) {
	ms := time.Millisecond
	pubs := []published{{1, 0}, {2, 20 * ms}, {3, 40 * ms}}
	views := [][]arrival{
		{{1, 3 * ms}, {2, 25 * ms}, {3, 41 * ms}}, // every update on its own
		{{1, 10 * ms}, {3, 50 * ms}},              // 2 and 3 in one frame
		{{2, 30 * ms}},                            // 1 and 2 at once, then dropped
		nil,                                       // dropped before any update
	}
	lat, missed := updateLatencies(pubs, views)
	want := []time.Duration{3 * ms, 5 * ms, 1 * ms, 10 * ms, 30 * ms, 10 * ms, 30 * ms, 10 * ms}
	if !slices.Equal(lat, want) || missed != 4 {
		t.Errorf("updateLatencies = %v, missed %d; want %v, missed 4", lat, missed, want)
	}

	arr := views[1]
	for _, tc := range []struct {
		v    int64
		want time.Duration
		ok   bool
	}{{1, 10 * ms, true}, {2, 50 * ms, true}, {3, 50 * ms, true}, {4, 0, false}} {
		if got, ok := timeToVersion(arr, tc.v); got != tc.want || ok != tc.ok {
			t.Errorf("timeToVersion(%v, %d) = %v, %v; want %v, %v", arr, tc.v, got, ok, tc.want, tc.ok)
		}
	}
}
