package live

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCallContextEndsLikeAContextWithTimeout(t *testing.T) {
	t.Run("Err without Done follows the socket, the deadline and the callback", func(t *testing.T) {
		c := &conn{}
		x := &callCtx{c: c, deadline: time.Now().Add(time.Hour)}
		if err := x.Err(); err != nil {
			t.Fatalf("a fresh context: %v", err)
		}
		c.shut()
		if err := x.Err(); !errors.Is(err, context.Canceled) {
			t.Fatalf("after the socket closed: %v", err)
		}
		late := &callCtx{c: &conn{}, deadline: time.Now().Add(-time.Second)}
		if err := late.Err(); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("past the deadline: %v", err)
		}
		done := &callCtx{c: &conn{}, deadline: time.Now().Add(time.Hour)}
		done.end()
		if err := done.Err(); !errors.Is(err, context.Canceled) {
			t.Fatalf("after the callback returned: %v", err)
		}
	})
	t.Run("a derived context is cancelled when the socket closes", func(t *testing.T) {
		c := &conn{}
		x := &callCtx{c: c, deadline: time.Now().Add(time.Hour)}
		child, cancel := context.WithCancel(x)
		defer cancel()
		c.shut()
		select {
		case <-child.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("the derived context outlived the socket")
		}
		if !errors.Is(child.Err(), context.Canceled) {
			t.Fatalf("child: %v", child.Err())
		}
	})
	t.Run("Done closes at the deadline", func(t *testing.T) {
		x := &callCtx{c: &conn{}, deadline: time.Now().Add(time.Millisecond)}
		<-x.Done()
		if !errors.Is(x.Err(), context.DeadlineExceeded) {
			t.Fatalf("Err = %v", x.Err())
		}
	})
}
