package live

import (
	"runtime/debug"
	"sync"
	"time"
)

// renderPool runs the render and diff of conn.diff on a few goroutines that stay warm,
// and bounds how many run at once: 8 per core, so that when a fan-out makes thousands of
// sockets render together, the memory this takes is bounded by the renderers rather than
// by the sockets.
//
// Rendering with html/template grows a goroutine's stack several times over. A socket's
// worker is usually a fresh goroutine (a fan-out starts thousands at once), and it paid
// for that growth on every render: copying stacks was a seventh of a server's time in a
// fan-out to 10,000 sockets. A renderer's stack has grown already. The worker waits for
// its render, so the view is still used by one goroutine at a time. A renderer waits
// idleRendererFor for the next render and then exits, so an idle server keeps none.
type renderPool struct {
	calls   chan *renderCall // unbuffered: a send succeeds only when a renderer is waiting
	slots   chan struct{}    // one per renderer running
	pending sync.Pool        // *renderCall, with its done channel
}

const idleRendererFor = time.Second

// renderCall is one conn.diff to run on a renderer, and its outcome.
type renderCall struct {
	c     *conn
	keep  bool
	p     patch
	err   error
	panic *renderPanic // what the render panicked with, if it did
	done  chan struct{}
}

// renderPanic carries a panic of a view's Render from the renderer back to the socket's
// worker, with the renderer's stack, where the worker's recovery logs it.
type renderPanic struct {
	value any
	stack []byte
}

func newRenderPool(n int) *renderPool {
	return &renderPool{calls: make(chan *renderCall), slots: make(chan struct{}, n),
		pending: sync.Pool{New: func() any { return &renderCall{done: make(chan struct{}, 1)} }}}
}

// diff runs c.renderDiff(keep) on a renderer and returns its outcome; a panic in it panics
// again here, as a *renderPanic.
func (rp *renderPool) diff(c *conn, keep bool) (patch, error) {
	call := rp.pending.Get().(*renderCall)
	call.c, call.keep = c, keep
	select {
	case rp.calls <- call:
	case rp.slots <- struct{}{}:
		go rp.serve(call)
	}
	<-call.done
	p, err, pan := call.p, call.err, call.panic
	*call = renderCall{done: call.done}
	rp.pending.Put(call)
	if pan != nil {
		panic(pan)
	}
	return p, err
}

// serve is a renderer: it runs call, then the calls that come while it is warm.
func (rp *renderPool) serve(call *renderCall) {
	defer func() { <-rp.slots }()
	var idle *time.Timer
	for {
		call.run()
		if idle == nil {
			idle = time.NewTimer(idleRendererFor)
		} else {
			idle.Reset(idleRendererFor)
		}
		select {
		case call = <-rp.calls:
			idle.Stop()
		case <-idle.C:
			return
		}
	}
}

func (call *renderCall) run() {
	defer func() {
		if v := recover(); v != nil {
			call.panic = &renderPanic{value: v, stack: debug.Stack()}
		}
		call.done <- struct{}{}
	}()
	call.p, call.err = call.c.renderDiff(call.keep)
}
