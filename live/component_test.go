package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/internal/dom"
	"github.com/liveapp/liveapp/live/livetest"
)

// tally is a test component: a labelled count with its own events.
type tally struct {
	label   string
	n       int
	stats   *boardStats
	onGone  func()
	renders *atomic.Int64
}

type tallyProps struct{ Label string }

// tallied is the message a tally sends its view.
type tallied struct{ N int }

func (c *tally) Mount(_ context.Context, s *live.ComponentSocket) error {
	s.On("inc", func(context.Context, live.Params) error { c.n++; return nil })
	s.On("share", func(context.Context, live.Params) error {
		c.n++
		live.Notify(s, tallied{N: c.n})
		return nil
	})
	s.On("fail", func(context.Context, live.Params) error { return errors.New("secret-detail") })
	s.On("away", func(context.Context, live.Params) error { return s.Socket().Redirect("/elsewhere") })
	s.On("flash", func(context.Context, live.Params) error { c.n++; s.Socket().PutFlash("info", "Counted"); return nil })
	return nil
}

func (c *tally) Update(_ context.Context, p tallyProps) error { c.label = p.Label; return nil }

func (c *tally) Render(w io.Writer) error {
	c.renders.Add(1)
	_, err := fmt.Fprintf(w, `<h2>%s</h2><p class="n">%d</p><button live-click="inc">+</button>`, template.HTMLEscapeString(c.label), c.n)
	return err
}

func (c *tally) Unmount() { c.onGone() }

// boardStats counts what the board and its tallies did, across mounts.
type boardStats struct {
	rt                     *live.Runtime
	parentRenders          atomic.Int64
	leftRenders, rightRend atomic.Int64
	unmounted              atomic.Int64
	gone                   chan struct{} // one per unmount
}

// board is a view with two tallies and a total that the tallies' messages set.
type board struct {
	stats     *boardStats
	Left      *live.Mounted[tallyProps]
	Right     *live.Mounted[tallyProps]
	ShowRight bool
	Twice     bool
	Total     int
}

var boardTpl = template.Must(template.New("board").Parse(
	`<main><p id="total">{{.Total}}</p>{{.Left.HTML}}{{if .ShowRight}}{{.Right.HTML}}{{end}}` +
		`{{if .Twice}}{{.Left.HTML}}{{end}}<button id="hide" live-click="hide">hide</button></main>`))

func (b *board) Mount(ctx context.Context, s *live.Socket) error {
	b.ShowRight = true
	gone := func() {
		b.stats.unmounted.Add(1)
		select {
		case b.stats.gone <- struct{}{}:
		default:
		}
	}
	var err error
	if b.Left, err = live.MountComponent(ctx, s, "left", &tally{stats: b.stats, onGone: gone, renders: &b.stats.leftRenders}, tallyProps{Label: "Left"}); err != nil {
		return err
	}
	if b.Right, err = live.MountComponent(ctx, s, "right", &tally{stats: b.stats, onGone: gone, renders: &b.stats.rightRend}, tallyProps{Label: "Right"}); err != nil {
		return err
	}
	live.OnNotify(s, func(_ context.Context, from string, m tallied) error {
		if from != "left" && from != "right" {
			return fmt.Errorf("message from %q", from)
		}
		b.Total = m.N
		return nil
	})
	s.On("hide", func(context.Context, live.Params) error { b.ShowRight = false; return nil })
	s.On("rename", func(ctx context.Context, p live.Params) error {
		return b.Left.Update(ctx, tallyProps{Label: p.Get("label")})
	})
	s.On("dup", func(ctx context.Context, p live.Params) error {
		_, err := live.MountComponent(ctx, s, "left", &tally{onGone: gone, renders: &b.stats.leftRenders}, tallyProps{})
		return err
	})
	s.On("twice", func(context.Context, live.Params) error { b.Twice = true; return nil })
	s.On("go", func(context.Context, live.Params) error { return s.Navigate("/plain") })
	return nil
}

func (b *board) Render(w io.Writer) error {
	b.stats.parentRenders.Add(1)
	return boardTpl.Execute(w, b)
}

func newBoardApp(t *testing.T, dev bool) (http.Handler, *boardStats) {
	t.Helper()
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger(), Dev: dev})
	if err != nil {
		t.Fatal(err)
	}
	stats := &boardStats{rt: rt, gone: make(chan struct{}, 64)}
	a := rt.Session("a", live.SessionOptions{})
	a.Live("/board", func() live.View { return &board{stats: stats} })
	a.Live("/plain", func() live.View { return &static{text: "plain"} })
	mux := http.NewServeMux()
	rt.Register(mux)
	return mux, stats
}

// boardSocket opens /board over a raw websocket and returns it after the first render.
func boardSocket(t *testing.T, h http.Handler) *websocket.Conn {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ws, status := loadPage(t, srv, "/board").dial(t, dialOpts{url: ptr("/board")})
	if ws == nil {
		t.Fatalf("dial: status %d", status)
	}
	joined(t, ws)
	return ws
}

// reply sends an event frame and returns the reply to it.
func reply(t *testing.T, ws *websocket.Conn, ref int, frame string) map[string]any {
	t.Helper()
	send(t, ws, strings.Replace(frame, `"ref":0`, fmt.Sprintf(`"ref":%d`, ref), 1))
	for {
		m, code := next(t, ws)
		if code != 0 {
			t.Fatalf("socket closed with %d", code)
		}
		if m["t"] == "r" && m["ref"] == float64(ref) {
			return m
		}
	}
}

// opPaths returns the path of every op in a reply.
func opPaths(t *testing.T, m map[string]any) [][]int {
	t.Helper()
	ops, _ := m["ops"].([]any)
	var paths [][]int
	for _, op := range ops {
		raw := op.([]any)[1].([]any)
		p := make([]int, len(raw))
		for i, x := range raw {
			p[i] = int(x.(float64))
		}
		paths = append(paths, p)
	}
	return paths
}

func TestComponentEventPatchesOnlyTheComponent(t *testing.T) {
	h, stats := newBoardApp(t, false)
	ws := boardSocket(t, h)
	parent, left, right := stats.parentRenders.Load(), stats.leftRenders.Load(), stats.rightRend.Load()

	m := reply(t, ws, 1, `{"t":"e","ref":0,"n":"inc","k":"click","c":"left"}`)
	if m["err"] != nil {
		t.Fatalf("reply %v", m)
	}
	paths := opPaths(t, m)
	if len(paths) == 0 {
		t.Fatalf("no ops in %v", m)
	}
	leftAt := []int{0, 1} // main > the left tally's element
	for _, p := range paths {
		if len(p) < len(leftAt) || !slices.Equal(p[:len(leftAt)], leftAt) {
			t.Errorf("op at %v is outside the component at %v: %v", p, leftAt, m["ops"])
		}
	}
	if got := stats.parentRenders.Load(); got != parent {
		t.Errorf("the view rendered %d times for a component's event", got-parent)
	}
	if got := stats.leftRenders.Load() - left; got != 1 {
		t.Errorf("the component rendered %d times, want 1", got)
	}
	if got := stats.rightRend.Load(); got != right {
		t.Errorf("the other component rendered for an event that was not its own")
	}

	// The view's own event renders the view, which reuses both components' HTML.
	parent, left = stats.parentRenders.Load(), stats.leftRenders.Load()
	m = reply(t, ws, 2, `{"t":"e","ref":0,"n":"hide","k":"click"}`)
	if m["err"] != nil || stats.parentRenders.Load() != parent+1 || stats.leftRenders.Load() != left {
		t.Fatalf("hide: %v; parent renders +%d, left renders +%d", m, stats.parentRenders.Load()-parent, stats.leftRenders.Load()-left)
	}
	if stats.unmounted.Load() != 1 {
		t.Errorf("the component the render left out was not unmounted: %d unmounts", stats.unmounted.Load())
	}
	// The left tally's next event patches a page whose tree the view's diff moved on.
	m = reply(t, ws, 3, `{"t":"e","ref":0,"n":"inc","k":"click","c":"left"}`)
	for _, p := range opPaths(t, m) {
		if !slices.Equal(p[:2], leftAt) {
			t.Errorf("op at %v is outside the component: %v", p, m["ops"])
		}
	}
}

func TestComponentPatchesKeepThePageRight(t *testing.T) {
	h, _ := newBoardApp(t, false)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ws, _ := loadPage(t, srv, "/board").dial(t, dialOpts{url: ptr("/board")})
	first, _ := next(t, ws)
	tree, err := dom.Parse(first["html"].(string))
	if err != nil {
		t.Fatal(err)
	}
	steps := []string{
		`{"t":"e","ref":0,"n":"inc","k":"click","c":"left"}`,
		`{"t":"e","ref":0,"n":"inc","k":"click","c":"right"}`,
		`{"t":"e","ref":0,"n":"rename","k":"click","p":{"label":"<b>L</b>"}}`,
		`{"t":"e","ref":0,"n":"inc","k":"click","c":"left"}`,
		`{"t":"e","ref":0,"n":"share","k":"click","c":"right"}`,
		`{"t":"e","ref":0,"n":"hide","k":"click"}`,
		`{"t":"e","ref":0,"n":"inc","k":"click","c":"left"}`,
	}
	for i, step := range steps {
		m := reply(t, ws, i+1, step)
		if m["err"] != nil {
			t.Fatalf("step %d: %v", i, m)
		}
		if m["ops"] == nil {
			continue
		}
		raw, _ := json.Marshal(m["ops"])
		ops, err := dom.DecodeOps(raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := dom.Apply(tree, ops); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	// The whole view, rendered again, is what the patches made of the page.
	m := reply(t, ws, 99, `{"t":"sync","ref":0}`)
	whole, err := dom.Parse(m["ops"].([]any)[0].([]any)[2].(string))
	if err != nil {
		t.Fatal(err)
	}
	if !dom.Equal(tree, whole) {
		t.Fatalf("the patched page:\n%s\nthe view's render:\n%s", dom.AppendHTML(nil, tree), dom.AppendHTML(nil, whole))
	}
	if got := string(dom.AppendHTML(nil, whole)); !strings.Contains(got, `<p class="n">3</p>`) || !strings.Contains(got, "&lt;b&gt;L") {
		t.Fatalf("render %s", got)
	}
}

func TestComponentsInLivetest(t *testing.T) {
	h, stats := newBoardApp(t, false)
	if dead := livetest.Mount(t, h, "/board").DeadHTML(); !strings.Contains(dead, `<div id="left" live-target="left"><h2>Left</h2>`) {
		t.Fatalf("the dead render lacks the component: %s", dead)
	}
	lv := livetest.Mount(t, h, "/board")
	for range 2 {
		if err := lv.ClickElement(`#left button`); err != nil {
			t.Fatal(err)
		}
	}
	if err := lv.ClickElement(`#right button`); err != nil {
		t.Fatal(err)
	}
	if got := lv.ElementHTML(`#left .n`); got != `<p class="n">2</p>` {
		t.Errorf("left: %s", got)
	}
	if got := lv.ElementHTML(`#right .n`); got != `<p class="n">1</p>` {
		t.Errorf("right: %s", got)
	}

	t.Run("the parent's Update renders the component again", func(t *testing.T) {
		if err := lv.Click("rename", "label", "Renamed"); err != nil {
			t.Fatal(err)
		}
		if got := lv.ElementHTML(`#left h2`); got != `<h2>Renamed</h2>` {
			t.Errorf("left title: %s", got)
		}
		if got := lv.ElementHTML(`#left .n`); got != `<p class="n">2</p>` {
			t.Errorf("the update lost the component's state: %s", got)
		}
	})
	t.Run("a message from a component reaches the view's typed handler", func(t *testing.T) {
		parent := stats.parentRenders.Load()
		if err := lv.Send("click", "share", nil); err == nil {
			t.Fatal("the view's socket ran a component's event")
		}
		if err := sendTo(lv, "right", "share"); err != nil {
			t.Fatal(err)
		}
		if got := lv.ElementHTML(`#total`); got != `<p id="total">2</p>` {
			t.Errorf("total: %s", got)
		}
		if got := lv.ElementHTML(`#right .n`); got != `<p class="n">2</p>` {
			t.Errorf("the view's render kept the component's HTML from before its event: %s", got)
		}
		if stats.parentRenders.Load() == parent {
			t.Error("the view did not render after handling the message")
		}
	})
	t.Run("an error is generic and the component stays", func(t *testing.T) {
		err := sendTo(lv, "left", "fail")
		var ee *livetest.EventError
		if !errors.As(err, &ee) || ee.Message != "event failed" {
			t.Fatalf("got %v", err)
		}
		if err := lv.ClickElement(`#left button`); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a component's flash shows", func(t *testing.T) {
		if err := sendTo(lv, "left", "flash"); err != nil {
			t.Fatal(err)
		}
		if !lv.Contains("Counted") || lv.ElementHTML("#left .n") != `<p class="n">4</p>` {
			t.Fatalf("after a flash: %s", lv.HTML())
		}
	})
	t.Run("a component's redirect leaves the page", func(t *testing.T) {
		if err := sendTo(lv, "left", "away"); err != nil {
			t.Fatal(err)
		}
		if lv.Redirect() != "/elsewhere" {
			t.Fatalf("redirect %q", lv.Redirect())
		}
	})
}

// sendTo sends a click event for a component, as an element inside it would.
func sendTo(lv *livetest.View, target, event string) error {
	return lv.SendTo(target, "click", event, nil)
}

func TestComponentBadInput(t *testing.T) {
	h, _ := newBoardApp(t, false)
	cases := []struct{ name, frame, want string }{
		{"a target the view does not have", `{"t":"e","ref":0,"n":"inc","k":"click","c":"nope"}`, "unknown event"},
		{"an event the component did not register", `{"t":"e","ref":0,"n":"deleteAll","k":"click","c":"left"}`, "unknown event"},
		{"the view's event sent to a component", `{"t":"e","ref":0,"n":"hide","k":"click","c":"left"}`, "unknown event"},
		{"a target that cannot be an id", `{"t":"e","ref":0,"n":"inc","k":"click","c":"` + strings.Repeat("x", 65) + `"}`, "target must be at most 64 characters"},
		{"a target of the wrong type", `{"t":"e","ref":0,"n":"inc","k":"click","c":7}`, "malformed JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := boardSocket(t, h)
			send(t, ws, strings.Replace(tc.frame, `"ref":0`, `"ref":1`, 1))
			m, code := next(t, ws)
			if code != 0 {
				t.Fatalf("closed with %d", code)
			}
			msg, _ := m["err"].(string)
			if msg == "" {
				msg, _ = m["msg"].(string)
			}
			if msg != tc.want && !strings.HasPrefix(msg, tc.want) {
				t.Fatalf("got %v, want %q", m, tc.want)
			}
			if m := reply(t, ws, 2, `{"t":"e","ref":0,"n":"inc","k":"click","c":"left"}`); m["err"] != nil {
				t.Fatalf("the socket stopped serving: %v", m)
			}
		})
	}
	t.Run("an event for a component the view unmounted is unknown", func(t *testing.T) {
		ws := boardSocket(t, h)
		reply(t, ws, 1, `{"t":"e","ref":0,"n":"hide","k":"click"}`)
		if m := reply(t, ws, 2, `{"t":"e","ref":0,"n":"inc","k":"click","c":"right"}`); m["err"] != "unknown event" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("unknown events in a row are a flood", func(t *testing.T) {
		fresh, _ := newBoardApp(t, false) // the cool-down would refuse the other cases' sockets
		ws := boardSocket(t, fresh)
		for i := 1; i <= 5; i++ {
			send(t, ws, fmt.Sprintf(`{"t":"e","ref":%d,"n":"inc","k":"click","c":"forged-%d"}`, i, i))
		}
		for {
			_, code := next(t, ws)
			if code == live.CloseRateLimit {
				return
			}
			if code != 0 {
				t.Fatalf("closed with %d, want %d", code, live.CloseRateLimit)
			}
		}
	})
	t.Run("a duplicate id is an error", func(t *testing.T) {
		ws := boardSocket(t, h)
		if m := reply(t, ws, 1, `{"t":"e","ref":0,"n":"dup","k":"click"}`); m["err"] != "event failed" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("a component rendered twice is an error", func(t *testing.T) {
		dev, _ := newBoardApp(t, true)
		ws := boardSocket(t, dev)
		m := reply(t, ws, 1, `{"t":"e","ref":0,"n":"twice","k":"click"}`)
		if msg, _ := m["err"].(string); !strings.Contains(msg, `component "left"`) || !strings.Contains(msg, "twice") {
			t.Fatalf("got %v", m)
		}
	})
}

func TestComponentsUnmountWithTheirView(t *testing.T) {
	h, stats := newBoardApp(t, false)
	lv := livetest.Mount(t, h, "/board")
	if err := lv.ClickElement("#left button"); err != nil {
		t.Fatal(err)
	}
	// A reconnect mounts the view, and its components, afresh; their events work.
	if err := lv.Reconnect(nil); err != nil {
		t.Fatal(err)
	}
	if err := lv.ClickElement("#right button"); err != nil {
		t.Fatal(err)
	}
	if got := lv.ElementHTML("#right .n"); got != `<p class="n">1</p>` {
		t.Fatalf("after a reconnect: %s", got)
	}
	awaitUnmounts(t, stats, 2) // the first socket's, as it closed
	if err := lv.Click("go"); err != nil {
		t.Fatal(err)
	}
	if !lv.Contains("plain") {
		t.Fatalf("navigation: %s", lv.HTML())
	}
	awaitUnmounts(t, stats, 2) // the navigation's, before its render
	if n := len(stats.gone); n != 0 {
		t.Fatalf("%d more components unmounted", n)
	}
}

// awaitUnmounts waits for n components of the board to unmount.
func awaitUnmounts(t *testing.T, stats *boardStats, n int) {
	t.Helper()
	timeout := time.After(livetest.Timeout)
	for range n {
		select {
		case <-stats.gone:
		case <-timeout:
			t.Fatalf("components did not unmount")
		}
	}
}

func TestDevRerenderRendersComponentsAgain(t *testing.T) {
	h, stats := newBoardApp(t, true)
	lv := livetest.Mount(t, h, "/board")
	if err := lv.ClickElement("#left button"); err != nil {
		t.Fatal(err)
	}
	left := stats.leftRenders.Load()
	stats.rt.DevRerender()
	if err := lv.Heartbeat(); err != nil { // answered after the rerender, queued before it
		t.Fatal(err)
	}
	if stats.leftRenders.Load() == left {
		t.Fatal("a dev rerender reused the component's HTML, which an edited template may change")
	}
	if got := lv.ElementHTML("#left .n"); got != `<p class="n">1</p>` {
		t.Fatalf("the rerender lost the component's state: %s", got)
	}
}

func TestMountComponentChecksTheID(t *testing.T) {
	for _, id := range []string{"", "a b", `x"y`, "<p>", strings.Repeat("a", 65)} {
		s := &live.Socket{}
		_, err := live.MountComponent(context.Background(), s, id, &tally{}, tallyProps{})
		if err == nil {
			t.Errorf("id %q was accepted", id)
		}
	}
}

// tallies is a view of n tallies (?n=) and a count of its own, for the benchmarks.
type tallies struct {
	list []*live.Mounted[tallyProps]
	n    int
	Rows []int // ?rows=: a table around the tallies, which the view's render executes
}

var rowsTpl = template.Must(template.New("rows").Parse(`<table>{{range .}}<tr><td>{{.}}</td><td>row {{.}}</td></tr>{{end}}</table>`))

func (v *tallies) Mount(ctx context.Context, s *live.Socket) error {
	s.On("inc", func(context.Context, live.Params) error { v.n++; return nil })
	rows, _ := strconv.Atoi(s.Param("rows"))
	for i := range rows {
		v.Rows = append(v.Rows, i)
	}
	n, _ := strconv.Atoi(s.Param("n"))
	var renders atomic.Int64
	for i := range n {
		m, err := live.MountComponent(ctx, s, "t"+strconv.Itoa(i), &tally{renders: &renders, onGone: func() {}}, tallyProps{Label: "T"})
		if err != nil {
			return err
		}
		v.list = append(v.list, m)
	}
	return nil
}

func (v *tallies) Render(w io.Writer) error {
	fmt.Fprintf(w, "<main><p>%d</p>", v.n)
	for _, m := range v.list {
		h, err := m.HTML()
		if err != nil {
			return err
		}
		io.WriteString(w, string(h))
	}
	if err := rowsTpl.Execute(w, v.Rows); err != nil {
		return err
	}
	_, err := io.WriteString(w, "</main>")
	return err
}

// BenchmarkComponentEvent reports the round trip of an event over a websocket on a page
// of 20 tallies and a table of 0 or 100 rows: an event for a tally renders and diffs that
// tally alone; one for the view renders the view (the table, and the tallies' last HTML)
// and diffs the whole page.
//
//	go test ./live -run '^$' -bench ComponentEvent
func BenchmarkComponentEvent(b *testing.B) {
	srv := talliesServer(b)
	for _, tc := range []struct {
		name, target string
		rows         int
	}{{"component/rows=0", `,"c":"t7"`, 0}, {"view/rows=0", "", 0}, {"component/rows=100", `,"c":"t7"`, 100}, {"view/rows=100", "", 100}} {
		b.Run(tc.name, func(b *testing.B) {
			path := fmt.Sprintf("/tallies?n=20&rows=%d", tc.rows)
			ws, _ := loadPage(b, srv, path).dial(b, dialOpts{url: &path})
			joined(b, ws)
			ref := 0
			for b.Loop() {
				ref++
				frame := fmt.Sprintf(`{"t":"e","ref":%d,"n":"inc","k":"click"%s}`, ref, tc.target)
				if err := ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
					b.Fatal(err)
				}
				if m, code := next(b, ws); code != 0 || m["err"] != nil {
					b.Fatalf("reply %v, close %d", m, code)
				}
			}
		})
	}
}

func talliesServer(b *testing.B) *httptest.Server {
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger(), EventRate: 1e9, EventBurst: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	rt.Session("a", live.SessionOptions{}).Live("/tallies", func() live.View { return &tallies{} })
	mux := http.NewServeMux()
	rt.Register(mux)
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkComponentMemory reports what an idle connected view holds per component
// (B/component): the memory per view of a page of 20 small tallies, less that of the same
// view with none, over 20. It counts the runtime's records, the component's value, its
// registered events and the HTML it keeps for the view's renders.
//
//	go test ./live -run '^$' -bench ComponentMemory -benchtime 200x
func BenchmarkComponentMemory(b *testing.B) {
	srv := talliesServer(b)
	perView := func(n int) float64 {
		path := fmt.Sprintf("/tallies?n=%d", n)
		ws, status := loadPage(b, srv, path).dial(b, dialOpts{url: &path})
		if ws == nil {
			b.Fatalf("dial: %d (at most 512 sockets per address: use -benchtime 500x)", status)
		}
		joined(b, ws) // one first: what every view shares is counted in neither
		var conns []*websocket.Conn
		before := liveHeap()
		for range b.N {
			ws, status := loadPage(b, srv, path).dial(b, dialOpts{url: &path})
			if ws == nil {
				b.Fatalf("dial: %d (at most 512 sockets per address: use -benchtime 500x)", status)
			}
			joined(b, ws)
			conns = append(conns, ws)
		}
		bytes := float64(liveHeap()-before) / float64(len(conns))
		runtime.KeepAlive(conns)
		for _, ws := range conns {
			ws.Close()
		}
		return bytes
	}
	const n = 20
	empty := perView(0)
	full := perView(n)
	b.ReportMetric(empty, "B/view-without")
	b.ReportMetric((full-empty)/n, "B/component")
}

// outer is a component that renders another one, which the runtime refuses.
type outer struct{ inner *live.Mounted[tallyProps] }

func (o *outer) Mount(ctx context.Context, s *live.ComponentSocket) error {
	var err error
	o.inner, err = live.MountComponent(ctx, s.Socket(), "inner", &tally{renders: new(atomic.Int64), onGone: func() {}}, tallyProps{})
	return err
}
func (o *outer) Update(context.Context, struct{}) error { return nil }
func (o *outer) Render(w io.Writer) error {
	h, err := o.inner.HTML()
	io.WriteString(w, string(h))
	return err
}

type nesting struct{ outer *live.Mounted[struct{}] }

func (v *nesting) Mount(ctx context.Context, s *live.Socket) (err error) {
	v.outer, err = live.MountComponent(ctx, s, "outer", &outer{}, struct{}{})
	return err
}
func (v *nesting) Render(w io.Writer) error {
	h, err := v.outer.HTML()
	io.WriteString(w, string(h))
	return err
}

func TestComponentsDoNotNest(t *testing.T) {
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger(), Dev: true})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("a", live.SessionOptions{}).Live("/nest", func() live.View { return &nesting{} })
	mux := http.NewServeMux()
	rt.Register(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/nest", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "components do not nest") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}
