package pubsub

import (
	"context"
	"sync"
	"testing"
)

func TestMemory(t *testing.T) {
	ctx := context.Background()
	t.Run("subscribers receive messages of their topic only", func(t *testing.T) {
		var m Memory
		var got []string
		cancel, err := m.Subscribe("a", func(msg Message) { got = append(got, msg.Topic+":"+string(msg.Data)) })
		if err != nil {
			t.Fatal(err)
		}
		defer cancel()
		_ = m.Publish(ctx, "a", []byte("1"))
		_ = m.Publish(ctx, "b", []byte("2"))
		_ = m.Publish(ctx, "a", []byte("3"))
		if len(got) != 2 || got[0] != "a:1" || got[1] != "a:3" {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("cancel stops delivery and is idempotent", func(t *testing.T) {
		m := NewMemory()
		n := 0
		cancel, _ := m.Subscribe("a", func(Message) { n++ })
		cancel()
		cancel()
		_ = m.Publish(ctx, "a", nil)
		if n != 0 || m.Subscribers("a") != 0 {
			t.Fatalf("delivered %d after cancel, %d subscribers left", n, m.Subscribers("a"))
		}
	})
	t.Run("bad topics are refused", func(t *testing.T) {
		m := NewMemory()
		if _, err := m.Subscribe("", func(Message) {}); err == nil {
			t.Fatal("empty topic accepted")
		}
		if err := m.Publish(ctx, string(make([]byte, MaxTopicLen+1)), nil); err == nil {
			t.Fatal("overlong topic accepted")
		}
	})
	t.Run("a subscriber may cancel itself during delivery", func(t *testing.T) {
		m := NewMemory()
		var cancel func()
		n := 0
		cancel, _ = m.Subscribe("a", func(Message) { n++; cancel() })
		_, _ = m.Subscribe("a", func(Message) { n++ })
		_ = m.Publish(ctx, "a", nil)
		_ = m.Publish(ctx, "a", nil)
		if n != 3 {
			t.Fatalf("n = %d, want 3", n)
		}
	})
	t.Run("concurrent use is safe", func(t *testing.T) {
		m := NewMemory()
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 200 {
					c, _ := m.Subscribe("t", func(Message) {})
					_ = m.Publish(ctx, "t", []byte{byte(i)})
					c()
				}
			}()
		}
		wg.Wait()
		if m.Subscribers("t") != 0 {
			t.Fatal("subscriptions leaked")
		}
	})
}
