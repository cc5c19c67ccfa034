package pgpubsub

import (
	"expvar"
	"time"
)

// Stats describes a PubSub's traffic since New and its listening connection now.
type Stats struct {
	// Sent counts the NOTIFYs that Publish and PublishTx ran, including those of
	// transactions that rolled back later; SendErrors counts those that failed.
	Sent, SendErrors uint64

	// Received counts the notifications the listener read: Echoes of this node's own
	// Publish calls, which it ignores, and Malformed payloads, which it drops, included.
	// The rest went to this node's subscribers of their topics, if any.
	Received, Echoes, Malformed uint64

	// Reconnects counts the outages of the listening connection that ended, and LastGap is
	// how long the last one lasted: from the moment the listener noticed the loss until it
	// listened again on the new connection. Messages published during an outage may be
	// lost to this node. LastGap is zero before the first outage.
	Reconnects uint64
	LastGap    time.Duration

	// Connected reports whether the listening connection is up, and ListenerPID is its
	// backend's process id (for pg_stat_activity), zero while it is down.
	Connected   bool
	ListenerPID uint32

	// Channels counts the channels the listening connection listens on.
	Channels int
}

// Stats returns p's counters and the state of its listening connection.
func (p *PubSub) Stats() Stats {
	s := Stats{
		Sent:       p.sent.Load(),
		SendErrors: p.sendErrors.Load(),
		Received:   p.received.Load(),
		Echoes:     p.echoes.Load(),
		Malformed:  p.malformed.Load(),
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s.Reconnects, s.LastGap = p.reconnects, p.lastGap
	s.Connected, s.ListenerPID = p.connected, p.pid
	for _, ch := range p.channels {
		if ch.listened {
			s.Channels++
		}
	}
	return s
}

// Var returns an expvar.Var that reports Stats as JSON (LastGap in nanoseconds), for the
// application to publish under a name of its choice:
//
//	expvar.Publish("pubsub", ps.Var())
func (p *PubSub) Var() expvar.Var {
	return expvar.Func(func() any { return p.Stats() })
}
