package main

import (
	"bytes"
	"errors"
	"slices"
	"sync"
	"time"
)

// What a view of the example's /feed page shows, read from the frames it received.
//
// The feed's rows are fixed; an update changes the text of one row and the version line,
// and the runtime sends that as text ops, which set whole text nodes. The feed's texts say
// what they are ("version 132", "row 7 v132": row 7 was last changed by update 132), so a
// view's state follows from scanning each frame for them, in order, with no DOM, no paths
// and no JSON decoding. The same scan reads the connected render's HTML, an inner-HTML op
// and the dead render the tool takes as the expected final state. A patch that removed or
// moved rows would go unseen; the feed never sends one.

// feedState is what a view of the feed shows: its version and, for each row, the update
// that last changed it (Rows[i] is row i+1).
type feedState struct {
	Version int64
	Rows    []int64
}

var (
	versionMark = []byte("version ")
	rowMark     = []byte("row ")
)

// maxFeedRows bounds the rows a scan accepts, so that a stray number cannot grow a state.
const maxFeedRows = 1024

// scanFeed updates st with the feed texts in b, later ones over earlier ones, and reports
// whether b held any.
func scanFeed(b []byte, st *feedState) bool {
	found := false
	for off := 0; ; {
		i := bytes.Index(b[off:], versionMark)
		if i < 0 {
			break
		}
		at := off + i
		off = at + len(versionMark)
		if wordStart(b, at) {
			if v, n := leadingInt(b[off:]); n > 0 {
				st.Version, found = v, true
				off += n
			}
		}
	}
	for off := 0; ; {
		i := bytes.Index(b[off:], rowMark)
		if i < 0 {
			break
		}
		at := off + i
		off = at + len(rowMark)
		if !wordStart(b, at) {
			continue
		}
		id, n := leadingInt(b[off:])
		if n == 0 || id < 1 || id > maxFeedRows || !bytes.HasPrefix(b[off+n:], []byte(" v")) {
			continue
		}
		v, m := leadingInt(b[off+n+2:])
		if m == 0 {
			continue
		}
		if int(id) > len(st.Rows) {
			st.Rows = append(st.Rows, make([]int64, int(id)-len(st.Rows))...)
		}
		st.Rows[id-1], found = v, true
		off += n + 2 + m
	}
	return found
}

// wordStart reports whether the text at b[i:] does not continue a word.
func wordStart(b []byte, i int) bool {
	if i == 0 {
		return true
	}
	c := b[i-1] | 0x20 // lower case for letters
	return !(c >= 'a' && c <= 'z')
}

// leadingInt parses the decimal digits at the start of b and returns the number and how
// many bytes it took; 0 bytes when b does not start with a digit or the number overflows.
func leadingInt(b []byte) (int64, int) {
	var v int64
	n := 0
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		if v > (1<<62)/10 {
			return 0, 0
		}
		v = v*10 + int64(b[n]-'0')
		n++
	}
	return v, n
}

func (s feedState) equal(o feedState) bool {
	return s.Version == o.Version && slices.Equal(s.Rows, o.Rows)
}

// arrival is a frame that brought a view to a newer version of the feed, and when it
// arrived (on the client's clock, client.since).
type arrival struct {
	version int64
	at      time.Duration
}

// feedView follows one view of the feed. Its reader observes every frame; the scenario
// reads it under mu.
type feedView struct {
	mu       sync.Mutex
	state    feedState
	frames   int       // frames after the render that held feed texts
	arrivals []arrival // the frames that raised the version, in order
}

var errNotFeed = errors.New("the connected render shows no feed: is the page the example's /feed?")

// newFeedView starts following a view from its connected render.
func newFeedView(render []byte) (*feedView, error) {
	f := &feedView{}
	if !scanFeed(render, &f.state) || len(f.state.Rows) == 0 {
		return nil, errNotFeed
	}
	return f, nil
}

// observe applies one frame received at at.
func (f *feedView) observe(data []byte, at time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	before := f.state.Version
	if !scanFeed(data, &f.state) {
		return
	}
	f.frames++
	if f.state.Version > before {
		f.arrivals = append(f.arrivals, arrival{version: f.state.Version, at: at})
	}
}

// reached reports whether the view shows version v or a later one.
func (f *feedView) reached(v int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state.Version >= v
}

// published is an update the tool asked for: the version it produced and when the
// request was written (on the client's clock).
type published struct {
	version int64
	at      time.Duration
}

// updateLatencies returns, for every view and every update in pubs (sorted by version),
// the time from the update's publish to the first frame that brought the view to that
// version or a later one. A frame that skips versions (the server rendered two updates
// at once) counts for every version it skipped. missed counts the (view, update) pairs
// that never arrived.
func updateLatencies(pubs []published, views [][]arrival) (lat []time.Duration, missed int) {
	lat = make([]time.Duration, 0, len(pubs)*len(views))
	for _, arr := range views {
		j := 0
		for k, p := range pubs {
			for j < len(arr) && arr[j].version < p.version {
				j++
			}
			if j == len(arr) {
				missed += len(pubs) - k
				break
			}
			lat = append(lat, arr[j].at-p.at)
		}
	}
	return lat, missed
}

// timeToVersion returns when the view first showed version v or a later one, and whether
// it did.
func timeToVersion(arr []arrival, v int64) (time.Duration, bool) {
	i, _ := slices.BinarySearchFunc(arr, v, func(a arrival, v int64) int {
		switch {
		case a.version < v:
			return -1
		case a.version > v:
			return 1
		}
		return 0
	})
	if i == len(arr) {
		return 0, false
	}
	return arr[i].at, true
}
