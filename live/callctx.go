package live

import (
	"context"
	"sync"
	"time"
)

// callCtx is the context of one callback on a socket's worker: it ends when the socket
// closes, when its deadline (Config.EventTimeout) passes, or when the callback returns.
//
// Most callbacks never look at their context's Done channel (a handler that only changes
// the view's fields), yet a context.WithTimeout for each would cost a timer and three
// allocations per callback: a sixth of a server's time in a fan-out to thousands of
// sockets. So a callCtx answers Deadline and Err from what it knows, and makes the real
// context (a channel and a timer) only when Done or AfterFunc is called, which is what
// the context package and database drivers do when they derive a context or wait on one.
type callCtx struct {
	c        *conn
	deadline time.Time

	mu     sync.Mutex
	inner  context.Context // made by the first Done or AfterFunc
	cancel context.CancelFunc
	ended  bool // the callback returned
}

func (x *callCtx) Deadline() (time.Time, bool) { return x.deadline, true }

// Value returns nil: a callback's context carries no values.
func (x *callCtx) Value(any) any { return nil }

func (x *callCtx) Done() <-chan struct{} { return x.real().Done() }

// AfterFunc lets contexts derived from this one follow it without a goroutine each
// (see context.AfterFunc).
func (x *callCtx) AfterFunc(f func()) func() bool { return context.AfterFunc(x.real(), f) }

func (x *callCtx) Err() error {
	x.mu.Lock()
	inner, ended := x.inner, x.ended
	x.mu.Unlock()
	switch {
	case inner != nil:
		return inner.Err()
	case ended || x.c.closing():
		return context.Canceled
	case !time.Now().Before(x.deadline):
		return context.DeadlineExceeded
	}
	return nil
}

// real returns the context behind x, making it on first use.
func (x *callCtx) real() context.Context {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.inner != nil {
		return x.inner
	}
	x.inner, x.cancel = context.WithDeadline(context.Background(), x.deadline)
	c := x.c
	c.mu.Lock()
	if c.closed || x.ended {
		x.cancel()
	} else {
		c.endCall = x.cancel // close cancels it
	}
	c.mu.Unlock()
	return x.inner
}

// end marks the callback returned; its context is done from then on.
func (x *callCtx) end() {
	x.mu.Lock()
	x.ended = true
	cancel := x.cancel
	x.mu.Unlock()
	if cancel != nil {
		c := x.c
		c.mu.Lock()
		c.endCall = nil
		c.mu.Unlock()
		cancel()
	}
}
