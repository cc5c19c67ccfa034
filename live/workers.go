package live

import (
	"runtime"
	"sync"
	"time"
)

// workerPool runs sockets' workers (conn.work) on a bounded set of goroutines that take
// sockets from a queue.
//
// Rendering grows a goroutine's stack several times, and each growth copies the stack and
// adjusts every frame on it. A fresh goroutine per batch of work paid for that growth
// every time: when a fan-out gave work to thousands of sockets at once, thousands of
// goroutines each grew their stacks, a seventh of the server's time. A pool worker's stack
// has grown already, so it serves one socket after another without growing, and a
// fan-out waits in a queue of sockets instead of as thousands of goroutines.
//
// A view's handler may block (a database query), and blocked workers must not starve the
// other sockets: when sockets wait and no worker has taken one for stallAfter, the pool
// adds a worker beyond its bound, and goes on adding one per stallAfter while that lasts.
// Idle workers wait a moment for new work (at most maxIdleWorkers of them, each for at most
// idleWorkerFor), so an idle server keeps none.
type workerPool struct {
	max  int         // workers that run before sockets queue; more only when they stall
	work func(*conn) // (*conn).work; tests give their own

	mu      sync.Mutex
	queue   []*conn      // sockets waiting for a worker, oldest first from head
	head    int          // queue[head:] wait
	running int          // worker goroutines, busy or idle
	idle    []chan *conn // the idle workers' hand-over channels (buffered, 1)
	taken   uint64       // sockets taken from the queue, to tell a stall from a busy pool
	watch   *time.Timer  // checks for a stall while sockets wait; nil when none is armed
	after   func(time.Duration, func()) *time.Timer
}

const (
	workersPerCore = 32 // the bound on workers, per GOMAXPROCS
	maxIdleWorkers = 16
	idleWorkerFor  = time.Second
	stallAfter     = 10 * time.Millisecond
)

func newWorkerPool() *workerPool {
	return &workerPool{max: workersPerCore * runtime.GOMAXPROCS(0), work: (*conn).work, after: time.AfterFunc}
}

// run runs c's worker: on an idle worker, on a new one while there are fewer than max,
// or on the first worker to finish.
func (p *workerPool) run(c *conn) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		ch := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		ch <- c // buffered: the worker takes it when it wakes
		return
	}
	if p.running < p.max {
		p.running++
		p.mu.Unlock()
		go p.serve(c)
		return
	}
	p.queue = append(p.queue, c)
	if p.watch == nil {
		taken := p.taken
		p.watch = p.after(stallAfter, func() { p.checkStall(taken) })
	}
	p.mu.Unlock()
}

// checkStall runs stallAfter after the watch was armed, when the pool had taken taken
// sockets. If sockets still wait and none was taken since, every worker is blocked: it
// starts one more.
func (p *workerPool) checkStall(taken uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.watch = nil
	if p.head == len(p.queue) {
		return
	}
	if p.taken == taken {
		c := p.pop()
		p.running++
		go p.serve(c)
	}
	if p.head < len(p.queue) {
		now := p.taken
		p.watch = p.after(stallAfter, func() { p.checkStall(now) })
	}
}

// pop takes the oldest waiting socket. p.mu must be held and the queue not empty.
func (p *workerPool) pop() *conn {
	c := p.queue[p.head]
	p.queue[p.head] = nil
	p.head++
	p.taken++
	if p.head == len(p.queue) {
		p.head = 0
		if cap(p.queue) > 1024 {
			p.queue = nil // a burst's queue is not kept
		} else {
			p.queue = p.queue[:0]
		}
	}
	return c
}

// serve runs c's worker, then the workers of the sockets that wait, then waits for more
// while few others wait.
func (p *workerPool) serve(c *conn) {
	var ch chan *conn
	var t *time.Timer
	for {
		p.work(c)
		p.mu.Lock()
		if p.head < len(p.queue) {
			c = p.pop()
			p.mu.Unlock()
			continue
		}
		if len(p.idle) >= maxIdleWorkers {
			p.running--
			p.mu.Unlock()
			return
		}
		if ch == nil {
			ch = make(chan *conn, 1)
		}
		p.idle = append(p.idle, ch)
		p.mu.Unlock()
		if t == nil {
			t = time.NewTimer(idleWorkerFor)
		} else {
			t.Reset(idleWorkerFor)
		}
		select {
		case c = <-ch:
			t.Stop()
			continue
		case <-t.C:
		}
		p.mu.Lock()
		if i := indexOf(p.idle, ch); i >= 0 {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			p.running--
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		c = <-ch // run took this worker just as its wait ended
	}
}

func indexOf(chans []chan *conn, ch chan *conn) int {
	for i, x := range chans {
		if x == ch {
			return i
		}
	}
	return -1
}
