package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// selfView updates itself: a ticker made of SendAfter, a Send from an event, and a
// background load through StartAsync whose function the test controls.
type selfView struct {
	ticks int
	note  string
	stats live.Async[string]
	load  func(ctx context.Context) (string, error)
}

func (v *selfView) Mount(_ context.Context, s *live.Socket) error {
	var tick func(context.Context) error
	tick = func(context.Context) error {
		v.ticks++
		if v.ticks < 3 {
			s.SendAfter(time.Millisecond, tick)
		}
		return nil
	}
	s.SendAfter(time.Millisecond, tick)
	s.On("later", func(context.Context, live.Params) error {
		s.Send(func(context.Context) error { v.note = "sent to itself"; return nil })
		return nil
	})
	s.On("reload", func(context.Context, live.Params) error {
		live.StartAsync(s, &v.stats, func(context.Context) (string, error) { return "reloaded", nil })
		return nil
	})
	live.StartAsync(s, &v.stats, v.load)
	return nil
}

func (v *selfView) Render(w io.Writer) error {
	state := "loading"
	switch {
	case v.stats.OK():
		state = "value " + v.stats.Value
	case v.stats.Err != nil:
		state = "failed"
	case !v.stats.Loading:
		state = "idle"
	}
	_, err := fmt.Fprintf(w, "<p>ticks %d</p><p>%s</p><p>stats: %s</p>", v.ticks, v.note, state)
	return err
}

func selfApp(t *testing.T, load func(ctx context.Context) (string, error)) http.Handler {
	t.Helper()
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("s", live.SessionOptions{}).Live("/self", func() live.View { return &selfView{load: load} })
	mux := http.NewServeMux()
	rt.Register(mux)
	return mux
}

func TestAViewUpdatesItselfWithSendAndSendAfter(t *testing.T) {
	lv := livetest.Mount(t, selfApp(t, func(context.Context) (string, error) { return "42", nil }), "/self")
	lv.Await("ticks 3")
	if err := lv.Click("later"); err != nil {
		t.Fatal(err)
	}
	lv.Await("sent to itself")
}

func TestStartAsyncShowsLoadingThenTheValue(t *testing.T) {
	gate := make(chan struct{})
	lv := livetest.Mount(t, selfApp(t, func(ctx context.Context) (string, error) {
		select {
		case <-gate:
			return "42", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}), "/self")
	contains(t, lv.DeadHTML(), "stats: loading") // the dead render shows the loading state
	contains(t, lv.HTML(), "stats: loading")
	close(gate)
	lv.Await("stats: value 42")
}

func TestStartAsyncReportsErrorsAndPanics(t *testing.T) {
	for name, load := range map[string]func(context.Context) (string, error){
		"an error": func(context.Context) (string, error) { return "", errors.New("db down") },
		"a panic":  func(context.Context) (string, error) { panic("boom") },
	} {
		t.Run(name, func(t *testing.T) {
			lv := livetest.Mount(t, selfApp(t, load), "/self")
			lv.Await("stats: failed")
			if err := lv.Click("later"); err != nil { // the socket carries on
				t.Fatal(err)
			}
			lv.Await("sent to itself")
		})
	}
}

func TestAnAsyncResultReplacedByANewerStartIsDropped(t *testing.T) {
	gate := make(chan struct{})
	var once sync.Once
	finished := make(chan struct{})
	lv := livetest.Mount(t, selfApp(t, func(context.Context) (string, error) {
		<-gate // ignores its context on purpose
		once.Do(func() { close(finished) })
		return "stale", nil
	}), "/self")
	if err := lv.Click("reload"); err != nil {
		t.Fatal(err)
	}
	lv.Await("stats: value reloaded")
	close(gate)
	<-finished
	// The stale result, if it were applied, would arrive before the reply to this event.
	if err := lv.Click("later"); err != nil {
		t.Fatal(err)
	}
	lv.Await("sent to itself")
	contains(t, lv.HTML(), "stats: value reloaded")
}

func TestAsyncWorkIsCancelledWhenTheSocketCloses(t *testing.T) {
	started, ended := make(chan struct{}, 2), make(chan error, 2)
	lv := livetest.Mount(t, selfApp(t, func(ctx context.Context) (string, error) {
		started <- struct{}{}
		<-ctx.Done()
		ended <- ctx.Err()
		return "", ctx.Err()
	}), "/self")
	<-started
	lv.Close()
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ctx ended with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("async work outlived its socket")
	}
}
