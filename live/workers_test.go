package live

import (
	"testing"
	"time"
)

// poolTest is a workerPool of one worker whose work blocks on the conn's gate until the
// test opens it, and whose stall watch fires only when the test says.
type poolTest struct {
	t      *testing.T
	pool   *workerPool
	gates  map[*conn]chan struct{}
	served chan *conn
	watch  chan func()
}

func newPoolTest(t *testing.T, conns ...*conn) *poolTest {
	pt := &poolTest{t: t, gates: map[*conn]chan struct{}{}, served: make(chan *conn, 16), watch: make(chan func(), 16)}
	for _, c := range conns {
		pt.gates[c] = make(chan struct{})
	}
	pt.pool = &workerPool{max: 1, work: func(c *conn) {
		pt.served <- c
		<-pt.gates[c]
	}, after: func(_ time.Duration, f func()) *time.Timer {
		pt.watch <- f
		return time.NewTimer(time.Hour)
	}}
	t.Cleanup(func() {
		for _, g := range pt.gates {
			select {
			case <-g:
			default:
				close(g)
			}
		}
	})
	return pt
}

// next returns the conn served next; it fails after a minute.
func (pt *poolTest) next() *conn {
	pt.t.Helper()
	select {
	case c := <-pt.served:
		return c
	case <-time.After(time.Minute):
		pt.t.Fatal("no socket was served")
		return nil
	}
}

// none checks that no conn is being served.
func (pt *poolTest) none() {
	pt.t.Helper()
	select {
	case c := <-pt.served:
		pt.t.Fatalf("socket %p was served", c)
	default:
	}
}

// fire runs the stall watch armed last.
func (pt *poolTest) fire() {
	pt.t.Helper()
	select {
	case f := <-pt.watch:
		f()
	case <-time.After(time.Minute):
		pt.t.Fatal("no stall watch was armed")
	}
}

func TestWorkerPoolServesQueuedSocketsInOrderOnTheSameWorkers(t *testing.T) {
	a, b, c := &conn{}, &conn{}, &conn{}
	pt := newPoolTest(t, a, b, c)
	pt.pool.run(a)
	if got := pt.next(); got != a {
		t.Fatal("a was not served first")
	}
	pt.pool.run(b)
	pt.pool.run(c)
	pt.none()
	close(pt.gates[a])
	if pt.next() != b {
		t.Fatal("b was not served after a")
	}
	close(pt.gates[b])
	if pt.next() != c {
		t.Fatal("c was not served after b")
	}
	pt.pool.mu.Lock()
	running := pt.pool.running
	pt.pool.mu.Unlock()
	if running != 1 {
		t.Errorf("%d workers ran; the queue should have kept to the bound of 1", running)
	}
}

func TestWorkerPoolAddsAWorkerOnlyWhenEveryWorkerIsStuck(t *testing.T) {
	a, b, c := &conn{}, &conn{}, &conn{}
	pt := newPoolTest(t, a, b, c)
	pt.pool.run(a)
	pt.next()
	pt.pool.run(b) // queued, and the watch armed
	close(pt.gates[a])
	if pt.next() != b {
		t.Fatal("b was not served after a")
	}
	pt.pool.run(c) // queued behind b, which blocks
	// The watch armed for b sees that the pool took a socket since: it is busy, not stuck.
	pt.fire()
	pt.none()
	// Nothing was taken since the last look: every worker is stuck, so c gets a new one.
	pt.fire()
	if pt.next() != c {
		t.Fatal("c was not served while b blocked")
	}
	pt.pool.mu.Lock()
	defer pt.pool.mu.Unlock()
	if pt.pool.running != 2 || pt.pool.watch != nil {
		t.Errorf("running %d, watch armed %v; want 2 workers and no watch once nothing waits", pt.pool.running, pt.pool.watch != nil)
	}
}

func TestWorkerPoolHandsWorkToAnIdleWorker(t *testing.T) {
	a, b := &conn{}, &conn{}
	pt := newPoolTest(t, a, b)
	close(pt.gates[a])
	pt.pool.run(a)
	pt.next()
	// Wait until the worker is idle, then give it b: no second goroutine starts.
	for deadline := time.Now().Add(time.Minute); ; {
		pt.pool.mu.Lock()
		idle := len(pt.pool.idle)
		pt.pool.mu.Unlock()
		if idle == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the worker never went idle")
		}
		time.Sleep(time.Millisecond)
	}
	pt.pool.run(b)
	if pt.next() != b {
		t.Fatal("b was not served")
	}
	pt.pool.mu.Lock()
	defer pt.pool.mu.Unlock()
	if pt.pool.running != 1 {
		t.Errorf("%d workers; the idle one should have taken b", pt.pool.running)
	}
}
