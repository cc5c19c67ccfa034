package coalesce

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// gatedRead is a read the test lets finish: each call reports that it started and waits
// for its turn.
type gatedRead struct {
	started chan int      // the number of each read, as it starts
	finish  chan struct{} // one receive per read
	mu      sync.Mutex
	n       int
}

func newGatedRead() *gatedRead {
	return &gatedRead{started: make(chan int, 16), finish: make(chan struct{})}
}

func (r *gatedRead) fn(ctx context.Context) (int, error) {
	r.mu.Lock()
	r.n++
	n := r.n
	r.mu.Unlock()
	r.started <- n
	select {
	case <-r.finish:
		return n, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func (r *gatedRead) awaitStart(t *testing.T) int {
	t.Helper()
	select {
	case n := <-r.started:
		return n
	case <-time.After(time.Minute):
		t.Fatal("no read started")
		return 0
	}
}

type result struct {
	v   int
	err error
}

func do(g *Group[string, int], ctx context.Context, r *gatedRead) chan result {
	ch := make(chan result, 1)
	go func() {
		v, err := g.Do(ctx, "k", r.fn)
		ch <- result{v, err}
	}()
	return ch
}

// waiting reports whether ch has no result yet.
func waiting(ch chan result) bool {
	select {
	case r := <-ch:
		ch <- r
		return false
	default:
		return true
	}
}

// awaitWaiters waits until n callers wait for key's running read.
func awaitWaiters(t *testing.T, g *Group[string, int], key string, n int) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
		g.mu.Lock()
		c := g.running[key]
		got := 0
		if c != nil {
			got = c.waiters
		}
		g.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d callers wait for the read of %q, want %d", got, key, n)
		}
	}
}

func TestCallersDuringAReadWaitForTheNextOneAndShareIt(t *testing.T) {
	var g Group[string, int]
	r := newGatedRead()
	first := do(&g, context.Background(), r)
	r.awaitStart(t) // read 1 is running

	// These asked after read 1 started: it may predate what they were told, so they
	// wait for it and then share read 2.
	late := []chan result{do(&g, context.Background(), r), do(&g, context.Background(), r), do(&g, context.Background(), r)}
	awaitWaiters(t, &g, "k", 3)
	r.finish <- struct{}{}
	if got := <-first; got.v != 1 || got.err != nil {
		t.Fatalf("the first caller got %+v, want read 1", got)
	}
	if n := r.awaitStart(t); n != 2 {
		t.Fatalf("read %d started, want 2", n)
	}
	r.finish <- struct{}{}
	for i, ch := range late {
		if got := <-ch; got.v != 2 || got.err != nil {
			t.Errorf("late caller %d got %+v, want read 2", i, got)
		}
	}
	select {
	case n := <-r.started:
		t.Fatalf("read %d started: the late callers should have shared one", n)
	default:
	}
}

func TestACallerNeverGetsAReadOlderThanItsCall(t *testing.T) {
	var g Group[string, int]
	r := newGatedRead()
	first := do(&g, context.Background(), r)
	r.awaitStart(t)
	second := do(&g, context.Background(), r)
	awaitWaiters(t, &g, "k", 1)
	r.finish <- struct{}{}
	<-first
	r.awaitStart(t)
	if !waiting(second) {
		t.Fatal("a caller during read 1 took read 1's result")
	}
	r.finish <- struct{}{}
	if got := <-second; got.v != 2 {
		t.Fatalf("got read %d, want 2", got.v)
	}
}

func TestAnotherCallersCancellationIsNotYourFailure(t *testing.T) {
	var g Group[string, int]
	r := newGatedRead()
	block := do(&g, context.Background(), r)
	r.awaitStart(t) // read 1, so that the next two share read 2

	ctx, cancel := context.WithCancel(context.Background())
	leaver := do(&g, ctx, r)
	stayer := do(&g, context.Background(), r)
	awaitWaiters(t, &g, "k", 2) // both wait for read 1; either may start read 2
	r.finish <- struct{}{}
	<-block
	r.awaitStart(t) // read 2, run by one of them
	cancel()
	if got := <-leaver; !errors.Is(got.err, context.Canceled) {
		t.Fatalf("the cancelled caller got %+v, want its context's error", got)
	}
	// If the leaver ran read 2, its cancellation failed it; the stayer reads again.
	for {
		select {
		case got := <-stayer:
			if got.err != nil || got.v < 2 {
				t.Fatalf("the caller whose context lives got %+v, want a read of its own", got)
			}
			return
		case <-r.started: // read 3: the stayer's own
		case r.finish <- struct{}{}: // to read 2 or 3, whichever the stayer waits for
		case <-time.After(time.Minute):
			t.Fatal("the caller whose context lives never returned")
		}
	}
}

func TestAPanickingReadFailsTheCallersThatShareIt(t *testing.T) {
	var g Group[string, int]
	started, release := make(chan struct{}), make(chan struct{})
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		_, _ = g.Do(context.Background(), "k", func(context.Context) (int, error) {
			close(started)
			<-release
			panic("boom")
		})
	}()
	<-started
	// Another caller waits for it, to share the read after it.
	waiter := make(chan error, 1)
	go func() {
		_, err := g.Do(context.Background(), "k", func(context.Context) (int, error) { return 0, errors.New("second read") })
		waiter <- err
	}()
	awaitWaiters(t, &g, "k", 1)
	close(release)
	if p := <-panicked; p != "boom" {
		t.Fatalf("the panic did not reach the caller: %v", p)
	}
	if err := <-waiter; err == nil || err.Error() != "second read" {
		t.Fatalf("the waiting caller got %v, want the result of a read of its own", err)
	}
	if v, err := g.Do(context.Background(), "k", func(context.Context) (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Fatalf("after a panic: %d, %v", v, err)
	}
}

func TestKeysAreIndependent(t *testing.T) {
	var g Group[string, int]
	r := newGatedRead()
	ch := do(&g, context.Background(), r)
	r.awaitStart(t)
	if v, err := g.Do(context.Background(), "other", func(context.Context) (int, error) { return 9, nil }); v != 9 || err != nil {
		t.Fatalf("another key waited for or shared k's read: %d, %v", v, err)
	}
	r.finish <- struct{}{}
	<-ch
}
