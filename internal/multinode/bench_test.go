package multinode_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/internal/loadproc"
	"github.com/liveapp/liveapp/live/livetest"
)

// fanOutTabs is how many tabs of the list page BenchmarkFanOut opens on each node.
var fanOutTabs = flag.Int("multinode.tabs", 300, "BenchmarkFanOut: tabs of the projects list per node")

// BenchmarkPublishAcrossNodes times a change saved on node A until the patch that shows it
// reaches a tab of the projects list on node B and one on node C: the save's transaction
// and its NOTIFY, each node's listener, the list's reload from the database, the diff and
// the frame. Each iteration renames one project through its edit form on A, so the list
// keeps its size. It reports the percentiles over both tabs.
func BenchmarkPublishAcrossNodes(b *testing.B) {
	d := deploy(b)
	d.registerUsers(b, "alice@example.com")
	alice := d.newBrowser(b, source(0))
	alice.logIn(nodeA, "alice@example.com")
	form := alice.on[nodeA].Mount("/projects/new")
	if err := form.SubmitForm("#project-form", url.Values{"name": {"Renamed 0"}}); err != nil {
		b.Fatal(err)
	}
	edit := strings.TrimPrefix(form.URL(), "http://"+livetest.Host) + "/edit" // /projects/ID/edit
	tabs := []*watchedTab{
		watch(b, d, alice, nodeB, "/projects"),
		watch(b, d, alice, nodeC, "/projects"),
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprintf("Renamed %08d", i+1)
		// A tab per rename, as a user opens the form: one socket would soon send more
		// events than the server's per-socket rate allows.
		form.Close()
		form = alice.on[nodeA].Mount(edit)
		for _, tab := range tabs {
			tab.expect(name)
		}
		start := time.Now()
		if err := form.SubmitForm("#project-form", url.Values{"name": {name}}); err != nil {
			b.Fatal(err)
		}
		for _, tab := range tabs {
			lat = append(lat, tab.arrival(b).Sub(start))
		}
	}
	b.StopTimer()
	report(b, lat)
}

// BenchmarkRevocationAcrossNodes times a logout on node A until the session's tab on node
// B closes. Each iteration logs a new browser in on A and opens its tab on B first,
// untimed.
func BenchmarkRevocationAcrossNodes(b *testing.B) {
	d := deploy(b)
	users := make([]string, 10)
	for i := range users {
		users[i] = fmt.Sprintf("user%d@example.com", i)
	}
	d.registerUsers(b, users...)
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		br := d.newBrowser(b, source(i+1)) // a source each: the login limits count per address
		br.logIn(nodeA, users[i%len(users)])
		tab := watch(b, d, br, nodeB, "/projects")
		tab.expectClose()
		b.StartTimer()
		start := time.Now()
		br.logOut(nodeA)
		lat = append(lat, tab.arrival(b).Sub(start))
		tab.close()
	}
	b.StopTimer()
	report(b, lat)
}

// BenchmarkFanOut opens -multinode.tabs tabs of one user's projects list on each of the
// three nodes (300 by default; docs/performance.md uses 3000), then renames a project on
// node A b.N times, one rename at a time, and times each from the save to the frame that
// shows it, at every tab. Every tab reloads the list from the database on each change, so
// a node makes a query per tab per change. Tabs are bare websockets opened with one page's
// tokens, each a tab of the same page; they send heartbeats, and count as dropped when the
// server closes them or a rename does not reach them within patience.
func BenchmarkFanOut(b *testing.B) {
	// Each tab holds a file in this process and one in a node's.
	if limit, err := loadproc.RaiseNoFile(); err != nil || limit < uint64(4**fanOutTabs) {
		b.Logf("open files limit %d (%v): too low for %d tabs per node?", limit, err, *fanOutTabs)
	}
	d := deploy(b)
	d.registerUsers(b, "alice@example.com")
	alice := d.newBrowser(b, source(0))
	alice.logIn(nodeA, "alice@example.com")
	form := alice.on[nodeA].Mount("/projects/new")
	if err := form.SubmitForm("#project-form", url.Values{"name": {"Fanout 0"}}); err != nil {
		b.Fatal(err)
	}
	edit := strings.TrimPrefix(form.URL(), "http://"+livetest.Host) + "/edit"

	page := alice.on[nodeB].Mount("/projects")
	cookie := cookieHeader(alice.on[nodeB])
	fleet := &fleet{tabs: make([]atomic.Pointer[bareTab], len(d.nodes)**fanOutTabs)}
	defer fleet.close()
	// Heartbeats from the start: opening thousands of tabs may take longer than the
	// server waits for a tab's first heartbeat.
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go fleet.heartbeats(ctx, 20*time.Second)
	opened := time.Now()
	for n := range d.nodes {
		if err := fleet.open(d.nodes[n].addr, page.SocketURL(), cookie, n**fanOutTabs, *fanOutTabs, 1000+n*100); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d tabs open in %v (load %s)", len(fleet.tabs), time.Since(opened).Round(time.Millisecond), loadAvg())

	var lat []time.Duration
	missed := 0
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprintf("Fanout %08d", i+1)
		form.Close()
		form = alice.on[nodeA].Mount(edit)
		r := &round{name: []byte(name), at: make([]time.Time, len(fleet.tabs)), all: make(chan struct{})}
		r.left.Store(int64(fleet.live()))
		fleet.current.Store(r)
		r.start = time.Now()
		if err := form.SubmitForm("#project-form", url.Values{"name": {name}}); err != nil {
			b.Fatal(err)
		}
		select {
		case <-r.all:
		case <-time.After(patience):
		}
		fleet.current.Store(nil)
		for j := range r.at {
			if at := r.get(j); !at.IsZero() {
				lat = append(lat, at.Sub(r.start))
			} else {
				missed++
			}
		}
	}
	b.StopTimer()
	dropped := fleet.dropped()
	b.ReportMetric(float64(len(fleet.tabs)), "tabs")
	b.ReportMetric(float64(dropped), "dropped")
	b.ReportMetric(float64(missed), "missed")
	report(b, lat)
	b.Logf("%d tabs, %d renames: p50 %v, p99 %v, max %v; %d dropped, %d (tab, rename) pairs missed (load %s)",
		len(fleet.tabs), b.N, percentile(lat, 50).Round(time.Millisecond), percentile(lat, 99).Round(time.Millisecond),
		percentile(lat, 100).Round(time.Millisecond), dropped, missed, loadAvg())
}

// report reports the 50th and 99th percentiles of lat, in milliseconds.
func report(b *testing.B, lat []time.Duration) {
	b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 99).Microseconds())/1000, "p99-ms")
}

// watchedTab is a livetest tab read on a goroutine of its own, so that the moment a frame
// arrives is known while the benchmark's goroutine acts on another node.
type watchedTab struct {
	view  *livetest.View
	want  chan string // what the next awaited frame shows; "" for the close
	seen  chan time.Time
	stopW chan struct{}
}

// watch mounts path through the browser's client of node n and starts watching it.
func watch(b *testing.B, d *deployment, br *browser, n int, path string) *watchedTab {
	b.Helper()
	w := &watchedTab{view: br.on[n].Mount(path), want: make(chan string), seen: make(chan time.Time, 1), stopW: make(chan struct{})}
	go func() {
		for {
			select {
			case s := <-w.want:
				if s == "" {
					w.view.AwaitCloseWithin(patience)
				} else {
					w.view.Await(s)
				}
				w.seen <- time.Now()
			case <-w.stopW:
				return
			}
		}
	}()
	b.Cleanup(w.close)
	return w
}

// expect starts waiting for HTML with s; arrival returns when it came.
func (w *watchedTab) expect(s string) { w.want <- s }

// expectClose starts waiting for the socket to close; arrival returns when it did.
func (w *watchedTab) expectClose() { w.want <- "" }

// arrival returns when what the tab expected arrived. The watching goroutine fails the
// benchmark, and stops, if it never does.
func (w *watchedTab) arrival(b *testing.B) time.Time {
	b.Helper()
	select {
	case at := <-w.seen:
		return at
	case <-time.After(patience + time.Second):
		b.Fatalf("nothing arrived at %s within %v", w.view.URL(), patience)
		return time.Time{}
	}
}

func (w *watchedTab) close() {
	select {
	case <-w.stopW:
	default:
		close(w.stopW)
	}
}

// cookieHeader returns the Cookie header c sends.
func cookieHeader(c *livetest.Client) string {
	u, _ := url.Parse(c.URL("/"))
	var parts []string
	for _, ck := range c.HTTP().Jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}

// fleet is many bare tabs of one page.
type fleet struct {
	tabs    []atomic.Pointer[bareTab] // nil until open
	current atomic.Pointer[round]     // the rename the tabs wait for, if any
}

// bareTab is a websocket of a page, read by a goroutine of its own.
type bareTab struct {
	ws      *websocket.Conn
	writeMu sync.Mutex
	ended   atomic.Bool // closed by the server, or failed
}

// round is one rename and when each tab first showed it.
type round struct {
	name  []byte
	start time.Time
	mu    sync.Mutex
	at    []time.Time
	left  atomic.Int64
	all   chan struct{} // closed when every live tab has shown it
}

func (r *round) arrived(i int, at time.Time) {
	r.mu.Lock()
	first := r.at[i].IsZero()
	if first {
		r.at[i] = at
	}
	r.mu.Unlock()
	if first && r.left.Add(-1) == 0 {
		close(r.all)
	}
}

func (r *round) get(i int) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.at[i]
}

// open opens tabs first to first+n-1 of the page whose socket URL is socketURL on the node
// at addr, with cookie, from source addresses numbered from firstSource on, at most 200
// tabs to one.
func (f *fleet) open(addr, socketURL, cookie string, first, n, firstSource int) error {
	const perSource, inFlight = 200, 16
	h := http.Header{"Origin": {"http://" + livetest.Host}, "Cookie": {cookie}}
	var (
		mu     sync.Mutex
		failed error
		wg     sync.WaitGroup
		slots  = make(chan struct{}, inFlight)
	)
	for i := range n {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			d := websocket.Dialer{NetDialContext: dialer(addr, source(firstSource+i/perSource)), HandshakeTimeout: patience}
			ws, resp, err := d.Dial(socketURL, h)
			if err == nil {
				// The first frame is the connected render.
				_ = ws.SetReadDeadline(time.Now().Add(patience))
				_, _, err = ws.ReadMessage()
				_ = ws.SetReadDeadline(time.Time{})
			}
			if err != nil {
				if resp != nil {
					err = fmt.Errorf("%w (HTTP %d)", err, resp.StatusCode)
				}
				mu.Lock()
				if failed == nil {
					failed = fmt.Errorf("open tab %d on %s: %w", i, addr, err)
				}
				mu.Unlock()
				if ws != nil {
					ws.Close()
				}
				return
			}
			t := &bareTab{ws: ws}
			f.tabs[first+i].Store(t)
			go f.read(first+i, t)
		})
	}
	wg.Wait()
	return failed
}

// read reads tab i's frames until its socket ends, and records when each awaited rename
// first showed in one.
func (f *fleet) read(i int, t *bareTab) {
	defer t.ended.Store(true)
	for {
		_, data, err := t.ws.ReadMessage()
		if err != nil {
			return
		}
		if r := f.current.Load(); r != nil && bytes.Contains(data, r.name) {
			r.arrived(i, time.Now())
		}
	}
}

// heartbeats sends every tab a heartbeat every interval, as browsers do, until ctx ends.
func (f *fleet) heartbeats(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for i := range f.tabs {
			if t := f.tabs[i].Load(); t != nil && !t.ended.Load() {
				t.writeMu.Lock()
				_ = t.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
				_ = t.ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"h"}`))
				t.writeMu.Unlock()
			}
		}
	}
}

// live returns how many tabs are open.
func (f *fleet) live() int {
	n := 0
	for i := range f.tabs {
		if t := f.tabs[i].Load(); t != nil && !t.ended.Load() {
			n++
		}
	}
	return n
}

// dropped returns how many tabs ended.
func (f *fleet) dropped() int { return len(f.tabs) - f.live() }

func (f *fleet) close() {
	for i := range f.tabs {
		if t := f.tabs[i].Load(); t != nil {
			t.ws.Close()
		}
	}
}
