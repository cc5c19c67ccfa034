package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/internal/fakeclock"
	"github.com/liveapp/liveapp/live"
)

// waitFor polls cond until it holds, failing the test after a generous bound. It waits on
// state the server reaches by itself, not on time passing.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// serveView serves newView at /counter on a runtime made with cfg (Secret and Logger set
// here), and returns the runtime and the server.
func serveView(t *testing.T, cfg live.Config, newView func() live.View) (*live.Runtime, *httptest.Server) {
	t.Helper()
	cfg.Secret, cfg.Logger = testSecret, discardLogger()
	rt, err := live.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("s", live.SessionOptions{}).Live("/counter", newView)
	mux := http.NewServeMux()
	rt.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return rt, srv
}

// readUntil reads frames until one satisfies ok, failing on a close.
func readUntil(t *testing.T, ws *websocket.Conn, what string, ok func(m map[string]any) bool) (frames int) {
	t.Helper()
	for {
		m, code := next(t, ws)
		if code != 0 {
			t.Fatalf("closed with %d while waiting for %s (after %d frames)", code, what, frames)
		}
		frames++
		if ok(m) {
			return frames
		}
	}
}

func TestARunOfTheSameMessageRunsItsHandlerEveryTime(t *testing.T) {
	gate := make(chan struct{})
	var runs atomic.Int64
	rt, srv := serveView(t, live.Config{MaxQueuedMessages: 2}, func() live.View {
		return &countingView{gate: gate, runs: &runs}
	})
	ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
	joined(t, ws)
	data := []byte("same")
	for range 500 { // far past MaxQueuedMessages, while the first handler waits at the gate
		if err := rt.PubSub().Publish(t.Context(), "counting", data); err != nil {
			t.Fatal(err)
		}
	}
	close(gate)
	readUntil(t, ws, "500 runs", func(m map[string]any) bool { return strings.Contains(fmt.Sprint(m["ops"]), "500") })
	if n := runs.Load(); n != 500 {
		t.Fatalf("the handler ran %d times, want 500", n)
	}
}

// countingView counts its handler's runs; the first waits at the gate.
type countingView struct {
	gate chan struct{}
	runs *atomic.Int64
}

func (v *countingView) Mount(_ context.Context, s *live.Socket) error {
	return s.Subscribe("counting", func(context.Context, string, []byte) error {
		<-v.gate
		v.runs.Add(1)
		return nil
	})
}

func (v *countingView) Render(w io.Writer) error {
	_, err := fmt.Fprintf(w, "<p>%d</p>", v.runs.Load())
	return err
}

func TestABurstOfPublishesKeepsAPromptReaderAndEndsInTheFinalState(t *testing.T) {
	app := newTestApp(t, nil)
	srv := httptest.NewServer(app.h)
	defer srv.Close()
	ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
	joined(t, ws)
	const n = 2000 // far past any queue the runtime once had
	go func() {
		for range n {
			_ = app.rt.PubSub().Publish(context.Background(), "counter:bump", nil)
		}
	}()
	want := fmt.Sprintf(`%d`, n*100)
	frames := readUntil(t, ws, "the final count", func(m map[string]any) bool {
		return strings.Contains(fmt.Sprint(m["ops"]), want)
	})
	if frames >= n/2 {
		t.Errorf("%d frames for %d messages: renders are not batched", frames, n)
	}
	alive(t, ws)
	if s := app.rt.Stats(); s.SlowClients+s.Overloads+s.Floods != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// bigView renders 16 KiB that change with every "grow" event.
type bigView struct{ n int }

func (v *bigView) Mount(_ context.Context, s *live.Socket) error {
	s.On("grow", func(context.Context, live.Params) error { v.n++; return nil })
	return nil
}

func (v *bigView) Render(w io.Writer) error {
	_, err := fmt.Fprintf(w, "<p>%s</p>", strings.Repeat(fmt.Sprintf("%08d", v.n), 2048))
	return err
}

func TestAClientThatStopsReadingIsDroppedAndOthersCarryOn(t *testing.T) {
	rt, srv := serveView(t, live.Config{EventRate: 1e6, EventBurst: 4096, MaxBufferedBytes: 256 << 10, WriteTimeout: time.Second},
		func() live.View { return &bigView{} })
	bystander, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
	joined(t, bystander)

	ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
	// The client never reads, while every event makes a 16 KiB patch: the kernel's buffers
	// fill, then the server's.
	for i := 1; i <= 4000 && rt.Stats().SlowClients == 0; i++ {
		if ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"e","ref":`+itoa(i)+`,"n":"grow","k":"click"}`)) != nil {
			break
		}
	}
	waitFor(t, "the slow client to be dropped", func() bool { return rt.Stats().SlowClients == 1 })
	waitFor(t, "its socket to go", func() bool { return rt.Stats().Sockets == 1 })
	send(t, bystander, `{"t":"e","ref":1,"n":"grow","k":"click"}`)
	readUntil(t, bystander, "the bystander's reply", func(m map[string]any) bool { return m["ref"] == float64(1) })
}

// gatedView blocks its message handler on a gate, so messages pile up.
type gatedView struct{ gate chan struct{} }

func (v *gatedView) Mount(_ context.Context, s *live.Socket) error {
	return s.Subscribe("gated", func(context.Context, string, []byte) error { <-v.gate; return nil })
}

func (v *gatedView) Render(w io.Writer) error {
	_, err := io.WriteString(w, "<p>gated</p>")
	return err
}

func TestAViewThatCannotKeepUpWithItsMessagesClosesOverloaded(t *testing.T) {
	gate := make(chan struct{})
	defer close(gate)
	rt, srv := serveView(t, live.Config{MaxQueuedMessages: 8}, func() live.View { return &gatedView{gate: gate} })
	ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
	joined(t, ws)
	for i := range 20 { // distinct messages: a run of the same one would wait as one job
		_ = rt.PubSub().Publish(t.Context(), "gated", []byte{byte(i)})
	}
	if _, code := next(t, ws); code != live.CloseOverloaded {
		t.Fatalf("close %d, want %d", code, live.CloseOverloaded)
	}
}

func TestAFloodClosesWith4008AndTheClientMustCoolDown(t *testing.T) {
	clock := fakeclock.New() // frozen: the bucket never refills, so the flood is exact
	app := newTestApp(t, func(c *live.Config) { c.Now = clock.Now; c.FloodCooldown = 10 * time.Second })
	srv := httptest.NewServer(app.h)
	defer srv.Close()
	p := loadPage(t, srv, "/counter")
	for run := range 3 {
		ws, status := p.dial(t, dialOpts{})
		if status != 101 {
			t.Fatalf("run %d: status %d", run, status)
		}
		joined(t, ws)
		// Defaults: a burst of 60, then 5 violations close it, whatever the timing.
		for i := 1; i <= 200; i++ {
			if ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"e","ref":`+itoa(i)+`,"n":"inc","k":"click"}`)) != nil {
				break
			}
		}
		replies, refused, code := 0, 0, 0
		for code == 0 {
			var m map[string]any
			m, code = next(t, ws)
			if m["t"] == "r" {
				replies++
				if e, _ := m["err"].(string); strings.Contains(e, "too many events") {
					refused++
				}
			}
		}
		if code != live.CloseRateLimit || replies-refused != 60 || refused != 5 {
			t.Fatalf("run %d: close %d after %d replies (%d refused), want 4008 after 60 + 5", run, code, replies, refused)
		}
		if _, status := p.dial(t, dialOpts{}); status != http.StatusTooManyRequests {
			t.Fatalf("run %d: a reconnect right after the flood got %d, want 429", run, status)
		}
		other := loadPage(t, srv, "/counter") // another browser, same address
		if _, status := other.dial(t, dialOpts{}); status != http.StatusTooManyRequests {
			t.Fatalf("run %d: another browser on the address got %d, want 429", run, status)
		}
		clock.Advance(10*time.Second + time.Millisecond)
	}
}

func TestSocketsPerAddressAreCapped(t *testing.T) {
	app := newTestApp(t, func(c *live.Config) { c.MaxSocketsPerAddress = 3 })
	srv := httptest.NewServer(app.h)
	defer srv.Close()
	var open []*websocket.Conn
	for range 3 {
		ws, status := loadPage(t, srv, "/counter").dial(t, dialOpts{})
		if status != 101 {
			t.Fatalf("status %d", status)
		}
		joined(t, ws)
		open = append(open, ws)
	}
	if _, status := loadPage(t, srv, "/counter").dial(t, dialOpts{}); status != http.StatusTooManyRequests {
		t.Fatalf("the fourth socket got %d, want 429", status)
	}
	open[0].Close()
	waitFor(t, "the closed socket to be counted out", func() bool { return app.rt.Stats().Sockets == 2 })
	if _, status := loadPage(t, srv, "/counter").dial(t, dialOpts{}); status != 101 {
		t.Fatalf("after a close: %d", status)
	}
}

func TestASilentSocketGetsTheHeartbeatCloseCode(t *testing.T) {
	app := newTestApp(t, func(c *live.Config) { c.HeartbeatTimeout = 200 * time.Millisecond })
	srv := httptest.NewServer(app.h)
	defer srv.Close()
	ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
	joined(t, ws)
	if _, code := next(t, ws); code != live.CloseHeartbeat {
		t.Fatalf("close %d, want %d", code, live.CloseHeartbeat)
	}
}

// ctxView reports what its handlers' contexts do.
type ctxView struct {
	started chan struct{}
	ended   chan error
}

func (v *ctxView) Mount(_ context.Context, s *live.Socket) error {
	s.On("wait", func(ctx context.Context, _ live.Params) error {
		v.started <- struct{}{}
		<-ctx.Done()
		v.ended <- ctx.Err()
		return ctx.Err()
	})
	return nil
}

func (v *ctxView) Render(w io.Writer) error { _, err := io.WriteString(w, "<p>ctx</p>"); return err }

func ctxApp(t *testing.T, timeout time.Duration) (*httptest.Server, chan struct{}, chan error) {
	t.Helper()
	started, ended := make(chan struct{}, 1), make(chan error, 1)
	_, srv := serveView(t, live.Config{EventTimeout: timeout}, func() live.View { return &ctxView{started: started, ended: ended} })
	return srv, started, ended
}

func TestAHandlersContextEndsWhenItsSocketCloses(t *testing.T) {
	srv, started, ended := ctxApp(t, time.Hour)
	ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
	joined(t, ws)
	send(t, ws, `{"t":"e","ref":1,"n":"wait","k":"click"}`)
	<-started
	ws.Close()
	select {
	case err := <-ended:
		if err != context.Canceled {
			t.Fatalf("ctx ended with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the handler's context outlived its socket")
	}
}

func TestAHandlerGetsTheEventDeadline(t *testing.T) {
	srv, started, ended := ctxApp(t, 20*time.Millisecond)
	ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
	joined(t, ws)
	send(t, ws, `{"t":"e","ref":1,"n":"wait","k":"click"}`)
	<-started
	if err := <-ended; err != context.DeadlineExceeded {
		t.Fatalf("ctx ended with %v", err)
	}
	m, _ := next(t, ws)
	if m["ref"] != float64(1) || m["err"] != "event timed out" {
		t.Fatalf("reply %v", m)
	}
}
