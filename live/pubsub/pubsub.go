// Package pubsub delivers messages by topic between the parts of a liveapp application:
// a view that saved a record tells the other views showing it, and the runtime tells every
// socket of a logged-out session to close.
//
// PubSub is the interface the runtime depends on. Memory is the in-process implementation
// for a single machine. Package pgpubsub carries the same interface across nodes on
// PostgreSQL's LISTEN/NOTIFY: payloads are bytes and topics are strings so that they cross a
// network unchanged. A PubSub that can lose messages during an outage also implements
// Resumer, so that its users can catch up afterwards.
package pubsub

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Message is one published payload.
type Message struct {
	Topic string
	Data  []byte
}

// PubSub publishes messages to the subscribers of a topic.
//
// A subscriber's function is called once per message published to its topic after it
// subscribed, in publication order for messages from one publisher. It must not block: the
// runtime's subscribers only queue work for their socket. Cancel stops delivery; a message
// already being delivered may still arrive once.
type PubSub interface {
	Subscribe(topic string, fn func(Message)) (cancel func(), err error)
	Publish(ctx context.Context, topic string, data []byte) error
}

// Resumer is implemented by a PubSub that can lose messages, such as one that crosses a
// network: after an outage, during which messages may have been lost, it calls every function
// registered with OnResume.
//
// Subscriptions survive an outage, but a subscriber cannot know what it missed, so the
// functions are the place to catch up: reload what messages would have announced. They are
// called once the PubSub delivers messages again, so a reload that starts in one cannot miss
// a later change. They run on a goroutine of the PubSub's own, one at a time; cancel removes
// a function, and a call already running may still finish. Memory never loses a message and
// does not implement Resumer.
type Resumer interface {
	OnResume(fn func()) (cancel func())
}

// MaxTopicLen bounds topic names. PostgreSQL's NOTIFY channel names are shorter, but a
// multi-node implementation hashes topics onto channels; the bound keeps memory predictable.
const MaxTopicLen = 256

// ErrBadTopic reports an empty or overlong topic.
var ErrBadTopic = errors.New("pubsub: topic must be 1 to 256 bytes")

// Memory is an in-process PubSub. Its zero value is ready to use and safe for concurrent
// use. Publish calls the subscribers synchronously, so they see messages in order.
type Memory struct {
	mu     sync.RWMutex
	next   uint64
	topics map[string][]subscriber
}

type subscriber struct {
	id uint64
	fn func(Message)
}

// NewMemory returns an empty in-process PubSub.
func NewMemory() *Memory { return &Memory{} }

// Subscribe registers fn for topic and returns a function that removes it. Calling cancel
// twice is harmless.
func (m *Memory) Subscribe(topic string, fn func(Message)) (func(), error) {
	if len(topic) == 0 || len(topic) > MaxTopicLen {
		return nil, ErrBadTopic
	}
	if fn == nil {
		return nil, fmt.Errorf("pubsub: subscribe %q: nil function", topic)
	}
	m.mu.Lock()
	if m.topics == nil {
		m.topics = make(map[string][]subscriber)
	}
	m.next++
	id := m.next
	m.topics[topic] = append(m.topics[topic], subscriber{id: id, fn: fn})
	m.mu.Unlock()
	return func() { m.unsubscribe(topic, id) }, nil
}

func (m *Memory) unsubscribe(topic string, id uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	subs := m.topics[topic]
	for i, s := range subs {
		if s.id == id {
			// Copy instead of editing in place: Publish may be iterating the old slice.
			rest := make([]subscriber, 0, len(subs)-1)
			rest = append(rest, subs[:i]...)
			rest = append(rest, subs[i+1:]...)
			if len(rest) == 0 {
				delete(m.topics, topic)
			} else {
				m.topics[topic] = rest
			}
			return
		}
	}
}

// Publish delivers data to every current subscriber of topic. The subscribers share data
// and must not modify it.
func (m *Memory) Publish(ctx context.Context, topic string, data []byte) error {
	if len(topic) == 0 || len(topic) > MaxTopicLen {
		return ErrBadTopic
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pubsub: publish %q: %w", topic, err)
	}
	m.mu.RLock()
	subs := m.topics[topic]
	m.mu.RUnlock()
	msg := Message{Topic: topic, Data: data}
	for _, s := range subs {
		s.fn(msg)
	}
	return nil
}

// Subscribers reports how many subscriptions topic has. It exists for tests and metrics.
func (m *Memory) Subscribers(topic string) int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.topics[topic])
}
