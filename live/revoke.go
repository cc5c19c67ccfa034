package live

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/liveapp/liveapp/live/pubsub"
)

// disconnectTopic is the one PubSub topic that carries Disconnect broadcasts, with the
// socket id as the data. Each node subscribes to it once, whatever the number of
// sessions: on a PubSub that crosses nodes every topic is a subscription that each node
// holds (a LISTEN channel, for pgpubsub), and one per session would cost them all.
const disconnectTopic = "live:disconnect"

// Disconnect closes every socket whose live_socket_id is id, on every node sharing the
// PubSub. Browsers reconnect at once and remount, so the hooks decide what they see next:
// after a logout, the login page.
func (rt *Runtime) Disconnect(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("live: disconnect: empty socket id")
	}
	if len(id) > maxSocketID {
		return fmt.Errorf("live: disconnect: socket id longer than %d bytes", maxSocketID)
	}
	if err := rt.pubsub.Publish(ctx, disconnectTopic, []byte(id)); err != nil {
		return fmt.Errorf("live: disconnect %q: %w", id, err)
	}
	return nil
}

// maxSocketID bounds a socket id, so that a Disconnect fits any PubSub's payload.
const maxSocketID = 1024

// watchDisconnects subscribes the runtime to disconnectTopic unless it has. A failure is
// retried by the next socket that sets an id.
func (rt *Runtime) watchDisconnects() error {
	rt.watchMu.Lock()
	defer rt.watchMu.Unlock()
	if rt.unwatch != nil {
		return nil
	}
	cancel, err := rt.pubsub.Subscribe(disconnectTopic, rt.disconnected)
	if err != nil {
		return fmt.Errorf("live: watch disconnects: %w", err)
	}
	rt.unwatch = cancel
	return nil
}

// disconnected closes this node's sockets with the id a Disconnect named.
func (rt *Runtime) disconnected(m pubsub.Message) {
	rt.mu.Lock()
	conns := slices.Clone(rt.byID[string(m.Data)])
	rt.mu.Unlock()
	for _, c := range conns {
		go c.close(CloseDisconnect, "disconnected")
	}
}

// setSocketID files c under id instead of old in the runtime's index of socket ids.
func (rt *Runtime) setSocketID(c *conn, old, id string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if old != "" {
		list := slices.DeleteFunc(rt.byID[old], func(x *conn) bool { return x == c })
		if len(list) == 0 {
			delete(rt.byID, old)
		} else {
			rt.byID[old] = list
		}
	}
	if id != "" {
		if rt.byID == nil {
			rt.byID = make(map[string][]*conn)
		}
		rt.byID[id] = append(rt.byID[id], c)
	}
}

// watchID files the socket under its id, for Disconnect. It runs on the worker; the first
// socket with an id subscribes the runtime to Disconnect broadcasts, which on a PubSub
// that crosses a network may take a round trip, without holding any lock publishers wait
// on.
func (c *conn) watchID() {
	s := c.sock
	s.idChanged = false
	if s.id == c.id {
		return
	}
	if s.id != "" && len(s.id) <= maxSocketID {
		if err := c.rt.watchDisconnects(); err != nil {
			c.rt.log.Error("live: cannot watch socket ids", "err", err)
		}
	}
	c.rt.setSocketID(c, c.id, s.id)
	c.id = s.id
}
