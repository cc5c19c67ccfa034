package live_test

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

type logLine struct {
	ID   int
	Text string
}

var logTpl = template.Must(template.New("log").Parse(
	`{{define "page"}}<h1>{{.Title}}</h1><ol id="log" live-update="stream">{{.Lines.HTML}}</ol>{{end}}` +
		`{{define "line"}}<li id="line-{{.ID}}">{{.Text}}</li>{{end}}`))

// logView streams lines; its events add, change and remove them.
type logView struct {
	Title string
	Lines *live.Stream[logLine]
	next  int
}

func (v *logView) Mount(_ context.Context, s *live.Socket) error {
	v.Title = "Log"
	v.Lines = live.NewStream(s, "log", logTpl.Lookup("line"), func(l logLine) string { return fmt.Sprintf("line-%d", l.ID) })
	v.Lines.Limit(4)
	for v.next = 1; v.next <= 3; v.next++ {
		if err := v.Lines.Insert(logLine{v.next, fmt.Sprintf("line %d", v.next)}); err != nil {
			return err
		}
	}
	s.On("add", func(context.Context, live.Params) error {
		v.next++
		return v.Lines.Insert(logLine{v.next - 1, fmt.Sprintf("line %d", v.next-1)})
	})
	s.On("first", func(context.Context, live.Params) error {
		return v.Lines.InsertAt(logLine{0, "line 0"}, 0)
	})
	s.On("edit", func(_ context.Context, p live.Params) error {
		id, err := p.Int("id")
		if err != nil {
			return err
		}
		v.Title = "Edited"
		return v.Lines.Insert(logLine{int(id), "edited"})
	})
	s.On("drop", func(_ context.Context, p live.Params) error {
		return v.Lines.DeleteKey("line-" + p.Get("id"))
	})
	s.On("reset", func(context.Context, live.Params) error {
		return v.Lines.Reset([]logLine{{9, "line 9"}})
	})
	return nil
}

func (v *logView) Render(w io.Writer) error { return logTpl.ExecuteTemplate(w, "page", v) }

func rows(t *testing.T, lv *livetest.View) string {
	t.Helper()
	html := lv.HTML()
	_, rest, _ := strings.Cut(html, `<ol id="log" live-update="stream">`)
	list, _, _ := strings.Cut(rest, `</ol>`)
	return list
}

func TestStreamsSendRowsOnceAndKeepThemInTheBrowser(t *testing.T) {
	app := newTestApp(t, nil)
	lv := livetest.Mount(t, app.h, "/log")
	if !strings.Contains(lv.DeadHTML(), `<li id="line-1">line 1</li><li id="line-2">line 2</li><li id="line-3">line 3</li></ol>`) {
		t.Errorf("the dead render does not show the rows inline:\n%s", lv.DeadHTML())
	}
	want := `<li id="line-1">line 1</li><li id="line-2">line 2</li><li id="line-3">line 3</li>`
	if got := rows(t, lv); got != want {
		t.Fatalf("after connecting: %s\nwant %s", got, want)
	}
	steps := []struct {
		event, id, want string
	}{
		{"add", "", `<li id="line-1">line 1</li><li id="line-2">line 2</li><li id="line-3">line 3</li><li id="line-4">line 4</li>`},
		// The limit of 4 drops the first row.
		{"add", "", `<li id="line-2">line 2</li><li id="line-3">line 3</li><li id="line-4">line 4</li><li id="line-5">line 5</li>`},
		// An insert at the start drops from the end; a re-render around the list keeps it.
		{"first", "", `<li id="line-0">line 0</li><li id="line-2">line 2</li><li id="line-3">line 3</li><li id="line-4">line 4</li>`},
		{"edit", "3", `<li id="line-0">line 0</li><li id="line-2">line 2</li><li id="line-3">edited</li><li id="line-4">line 4</li>`},
		{"drop", "2", `<li id="line-0">line 0</li><li id="line-3">edited</li><li id="line-4">line 4</li>`},
		{"reset", "", `<li id="line-9">line 9</li>`},
	}
	for _, st := range steps {
		var err error
		if st.id != "" {
			err = lv.Click(st.event, "id", st.id)
		} else {
			err = lv.Click(st.event)
		}
		if err != nil {
			t.Fatalf("%s: %v", st.event, err)
		}
		if got := rows(t, lv); got != st.want {
			t.Fatalf("after %s %s:\n got %s\nwant %s", st.event, st.id, got, st.want)
		}
	}
	if !lv.Contains("<h1>Edited</h1>") {
		t.Errorf("the page around the stream did not update:\n%s", lv.HTML())
	}
}

func TestPushEventRefusesTheRuntimesNames(t *testing.T) {
	var s live.Socket
	if err := s.PushEvent("lv:stream", 1); err == nil {
		t.Error("PushEvent accepted a name starting with lv:")
	}
}

// bigLog streams ?rows= lines at mount and keeps none of them.
type bigLog struct{ Lines *live.Stream[logLine] }

func (v *bigLog) Mount(_ context.Context, s *live.Socket) error {
	v.Lines = live.NewStream(s, "log", logTpl.Lookup("line"), func(l logLine) string { return fmt.Sprintf("line-%d", l.ID) })
	n, _ := s.Params().Int("rows")
	for i := range int(n) {
		if err := v.Lines.Insert(logLine{i, fmt.Sprintf("line number %d of the log", i)}); err != nil {
			return err
		}
	}
	return nil
}

func (v *bigLog) Render(w io.Writer) error {
	return logTpl.ExecuteTemplate(w, "page", &logView{Title: "Log", Lines: v.Lines})
}

// BenchmarkStreamMemory reports the server's memory per connected view (B/view) of a page
// whose stream sent 1,000 rows at mount, and of the same page with none: the rows are sent
// and forgotten, so the two should be within 2 KB of each other.
//
//	go test ./live -run '^$' -bench StreamMemory -benchtime 200x
func BenchmarkStreamMemory(b *testing.B) {
	for _, rows := range []int{0, 1000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			app := newTestApp(b, nil)
			srv := httptest.NewServer(app.h)
			defer srv.Close()
			path := fmt.Sprintf("/biglog?rows=%d", rows)
			// One view first, so that what every view shares (templates, pools) is counted
			// in neither.
			ws, _ := loadPage(b, srv, path).dial(b, dialOpts{})
			joined(b, ws)
			var conns []*websocket.Conn
			before := liveHeap()
			for b.Loop() {
				ws, _ := loadPage(b, srv, path).dial(b, dialOpts{})
				joined(b, ws)
				conns = append(conns, ws)
			}
			b.StopTimer()
			b.ReportMetric(float64(liveHeap()-before)/float64(len(conns)), "B/view")
			runtime.KeepAlive(conns)
		})
	}
}
