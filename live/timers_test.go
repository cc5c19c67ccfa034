package live_test

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// manualTimers records the timers the runtime schedules, as real timers that will not fire
// in a test's lifetime, so that a test fires their callbacks by hand and can ask each timer
// whether it is still pending.
type manualTimers struct {
	mu     sync.Mutex
	timers []*time.Timer
	fns    []func()
}

func (m *manualTimers) schedule(_ time.Duration, f func()) *time.Timer {
	t := time.AfterFunc(time.Hour, func() {})
	m.mu.Lock()
	m.timers, m.fns = append(m.timers, t), append(m.fns, f)
	m.mu.Unlock()
	return t
}

func (m *manualTimers) get(i int) (*time.Timer, func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.timers[i], m.fns[i]
}

func (m *manualTimers) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.timers)
}

// holdView's "hold" event blocks until the test releases it, then navigates.
type holdView struct{ holding, gate chan struct{} }

func (v *holdView) Mount(_ context.Context, s *live.Socket) error {
	s.On("hold", func(context.Context, live.Params) error {
		v.holding <- struct{}{}
		<-v.gate
		return s.Navigate("/two")
	})
	s.On("ping", func(context.Context, live.Params) error { return nil })
	return nil
}

func (v *holdView) Render(w io.Writer) error { _, err := io.WriteString(w, "<p>hold</p>"); return err }

func TestARevalidationQueuedBeforeANavigationDoesNotRestartItsOldTimer(t *testing.T) {
	holding, gate := make(chan struct{}, 1), make(chan struct{})
	var checks atomic.Int64
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	timers := &manualTimers{}
	live.SetAfterFunc(rt, timers.schedule)
	sess := rt.Session("s", live.SessionOptions{
		Revalidate:      func(context.Context, *live.Socket) error { checks.Add(1); return nil },
		RevalidateEvery: time.Hour,
	})
	sess.Live("/one", func() live.View { return &holdView{holding: holding, gate: gate} })
	sess.Live("/two", func() live.View { return &holdView{holding: holding, gate: gate} })
	mux := http.NewServeMux()
	rt.Register(mux)

	lv := livetest.Mount(t, mux, "/one")
	if n := timers.count(); n != 1 {
		t.Fatalf("%d timers after the mount, want 1", n)
	}
	first, fire := timers.get(0)
	done := make(chan error, 1)
	go func() { done <- lv.Click("hold") }()
	<-holding   // the worker is busy in "hold"...
	fire()      // ...when the first timer's check is queued;
	close(gate) // then "hold" navigates, which starts a second timer
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lv.Await("hold")
	if err := lv.Click("ping"); err != nil { // the worker has run the queued check by now
		t.Fatal(err)
	}
	if n := timers.count(); n != 2 {
		t.Fatalf("%d timers, want 2", n)
	}
	if first.Stop() {
		t.Fatal("the stale check restarted the first timer: two timers run")
	}
	if n := checks.Load(); n != 0 {
		t.Fatalf("the stale check ran %d times", n)
	}
}
