// Package coalesce shares one read among the callers that ask for the same thing at the
// same time, without ever giving a caller data older than its call.
//
// When a change is broadcast, every view that shows the changed list reloads it: a
// user's thousand tabs on one node make a thousand identical queries at once. A Group
// runs one of them, and the others wait for its result. Unlike a plain "single flight",
// a caller never joins a read that had started before it called: that read may predate
// the change the caller was told about. It waits for that read to end and joins (or
// starts) the next one, so each caller's result is at least as new as its call.
//
//	lists coalesce.Group[int64, []Project]
//	list, err := lists.Do(ctx, userID, func(ctx context.Context) ([]Project, error) {
//		return queryProjects(ctx, userID)
//	})
//
// The callers share the value Do returns: treat it as read-only.
package coalesce

import (
	"context"
	"errors"
	"sync"
)

// A Group coalesces reads by key. The zero Group is ready to use; it must not be copied
// after first use.
type Group[K comparable, V any] struct {
	mu      sync.Mutex
	running map[K]*call[V] // the read in flight for each key
}

// call is one read; done closes when val and err are set.
type call[V any] struct {
	done    chan struct{}
	val     V
	err     error
	next    *call[V] // the read its waiters share: it started after this one ended
	waiters int      // callers waiting for it to end (for tests)
}

// Do returns fn's result for key, from a read that started no earlier than this call:
// fn itself, or the fn of another caller. Callers with the same key share the result.
//
// A caller that finds a read in flight waits for it to end, then shares the read that
// follows it, started by the first of the waiters. A shared read that failed only because
// the context of the caller running it ended is not the others' failure: they read again.
// Do returns ctx's error if ctx ends while it waits.
func (g *Group[K, V]) Do(ctx context.Context, key K, fn func(context.Context) (V, error)) (V, error) {
	var zero V
	g.mu.Lock()
	if g.running == nil {
		g.running = map[K]*call[V]{}
	}
	c := g.running[key]
	if c == nil {
		return g.run(ctx, key, nil, fn)
	}
	// c may have started before the change this caller was told about.
	c.waiters++
	g.mu.Unlock()
	if err := c.wait(ctx); err != nil {
		return zero, err
	}
	for {
		// Anything that starts from now on started after this call.
		g.mu.Lock()
		n := c.next
		if n == nil {
			n = g.running[key]
		}
		if n == nil {
			return g.run(ctx, key, c, fn)
		}
		c.next = n
		n.waiters++
		g.mu.Unlock()
		if err := n.wait(ctx); err != nil {
			return zero, err
		}
		if !isContextErr(n.err) || ctx.Err() != nil {
			return n.val, n.err
		}
		c = n // its runner gave up; read again
	}
}

// run runs fn as key's read, with g.mu held on entry, and hands its result to the callers
// that share it. prev is the read whose waiters it serves, if any.
func (g *Group[K, V]) run(ctx context.Context, key K, prev *call[V], fn func(context.Context) (V, error)) (V, error) {
	c := &call[V]{done: make(chan struct{}), err: errPanicked}
	g.running[key] = c
	if prev != nil {
		prev.next = c
	}
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		if g.running[key] == c {
			delete(g.running, key)
		}
		g.mu.Unlock()
		close(c.done) // after a panic in fn, the others get errPanicked
	}()
	c.val, c.err = fn(ctx)
	return c.val, c.err
}

// wait returns when c has ended, or with ctx's error when ctx ends first.
func (c *call[V]) wait(ctx context.Context) error {
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var errPanicked = errors.New("coalesce: the shared read panicked")

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
