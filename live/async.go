package live

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"
)

// A view changes itself only on its socket's worker (see Socket), so work that starts
// elsewhere (a timer, a goroutine, a slow query) comes back to the view as a function the
// worker runs in turn with the events. The view renders after it like after an event.
// None of this happens during the dead render, which has no future.

// Send queues fn to run on the view's goroutine after the current callback returns, as a
// message the view sends itself: the view is re-rendered after it, and a burst of such
// messages is rendered once. fn gets a context that ends when the socket closes, with
// Config.EventTimeout as its deadline (shared with the messages handled in the same
// batch). fn is dropped if the view is unmounted first (the socket closed, or live
// navigation mounted another view). Send does nothing during the dead render.
func (s *Socket) Send(fn func(ctx context.Context) error) {
	if !s.connected || s.conn == nil || fn == nil {
		return
	}
	s.conn.post(job{mount: s.mounts, view: fn})
}

// SendAfter runs fn on the view's goroutine after d, as Send does, and returns a function
// that cancels it if it has not run yet. Call SendAfter again from fn for a periodic
// update (a clock). Pending timers stop when the view unmounts. SendAfter does nothing
// during the dead render.
func (s *Socket) SendAfter(d time.Duration, fn func(ctx context.Context) error) (cancel func()) {
	if !s.connected || s.conn == nil || fn == nil {
		return func() {}
	}
	c, mount := s.conn, s.mounts
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return func() {}
	}
	var t *time.Timer
	// The callback reads t only under c.mu, which this function holds until t is set and
	// tracked, so it sees both even if d is tiny.
	t = c.rt.afterFunc(d, func() {
		c.mu.Lock()
		_, pending := c.timers[t]
		delete(c.timers, t)
		c.mu.Unlock()
		if pending {
			c.post(job{mount: mount, view: fn})
		}
	})
	if c.timers == nil {
		c.timers = make(map[*time.Timer]struct{})
	}
	c.timers[t] = struct{}{}
	return func() {
		if c.untrack(t) {
			t.Stop()
		}
	}
}

// untrack forgets a SendAfter timer and reports whether it was still pending.
func (c *conn) untrack(t *time.Timer) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.timers[t]; !ok {
		return false
	}
	delete(c.timers, t)
	return true
}

// stopTimers stops every pending SendAfter timer.
func (c *conn) stopTimers() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for t := range c.timers {
		t.Stop()
	}
	c.timers = nil
}

// unmount ends what belongs to the mounted view: its subscriptions, its timers and its
// background work.
func (s *Socket) unmount() {
	for _, c := range s.viewSubs {
		c()
	}
	s.viewSubs = nil
	s.dropUploads()
	s.unmountComponents()
	if s.endMount != nil {
		s.endMount()
		s.mountCtx, s.endMount = nil, nil
	}
	if s.conn != nil {
		s.conn.stopTimers()
	}
}

// Async is the state of work a view runs in the background with StartAsync, for its
// template to show: Loading while it runs, then Value, or Err if it failed. Keep it in a
// field of the view:
//
//	type Dashboard struct{ Stats live.Async[Stats] }
//
//	{{if .Stats.Loading}}Loading…{{else if .Stats.Err}}Could not load the stats.{{else}}{{.Stats.Value.Total}}{{end}}
//
// Err may hold details meant for the log; show users a message of your own.
type Async[T any] struct {
	Loading bool
	Value   T
	Err     error

	run    uint64             // which start the result must belong to
	cancel context.CancelFunc // ends the running start's context
}

// OK reports whether the last start has finished without an error.
func (a *Async[T]) OK() bool { return a.run > 0 && !a.Loading && a.Err == nil }

// StartAsync runs fn on a new goroutine and stores its result in a on the view's
// goroutine, which then renders: a.Loading is true until then, and a.Value keeps the last
// result meanwhile. fn's context ends when the view unmounts (the socket closes, or live
// navigation mounts another view), or when StartAsync is called again for a, whose
// earlier result is then dropped. A panic in fn is recovered and becomes a.Err.
//
// During the dead render StartAsync only sets a.Loading: the page shows the loading
// state, and the work starts when the browser connects.
func StartAsync[T any](s *Socket, a *Async[T], fn func(ctx context.Context) (T, error)) {
	a.Loading, a.Err = true, nil
	if !s.connected || s.conn == nil {
		return
	}
	if a.cancel != nil {
		a.cancel()
	}
	if s.endMount == nil {
		s.mountCtx, s.endMount = context.WithCancel(s.conn.context())
	}
	ctx, cancel := context.WithCancel(s.mountCtx)
	a.run++
	a.cancel = cancel
	run, c, rt, mount := a.run, s.conn, s.rt, s.mounts
	go func() {
		defer cancel()
		v, err := callAsync(rt, ctx, fn)
		c.post(job{mount: mount, view: func(context.Context) error {
			if a.run != run {
				return nil // a newer start replaced this one
			}
			a.Loading, a.cancel = false, nil
			if err != nil {
				a.Err = err
			} else {
				a.Value = v
			}
			return nil
		}})
	}()
}

// callAsync calls fn, turning a panic into an error.
func callAsync[T any](rt *Runtime, ctx context.Context, fn func(context.Context) (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			rt.log.Error("live: async work panicked", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("live: async work panicked: %v", p)
		}
	}()
	return fn(ctx)
}
