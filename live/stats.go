package live

import "sync/atomic"

// Stats are counters of a Runtime since it was made, for tests, dashboards and metrics.
type Stats struct {
	Sockets     int    // sockets open now
	SlowClients uint64 // sockets closed with CloseSlowClient
	Floods      uint64 // sockets closed with CloseRateLimit
	Overloads   uint64 // sockets closed with CloseOverloaded
	Heartbeats  uint64 // sockets closed with CloseHeartbeat
	Refused     uint64 // events refused by a Requirement (see Requires)
}

// counters are the Stats that count events.
type counters struct {
	slow, floods, overloads, heartbeats, refused atomic.Uint64
}

func (c *counters) closed(code int) {
	switch code {
	case CloseSlowClient:
		c.slow.Add(1)
	case CloseRateLimit:
		c.floods.Add(1)
	case CloseOverloaded:
		c.overloads.Add(1)
	case CloseHeartbeat:
		c.heartbeats.Add(1)
	}
}

// Stats returns the runtime's counters.
func (rt *Runtime) Stats() Stats {
	rt.mu.Lock()
	n := len(rt.conns)
	rt.mu.Unlock()
	return Stats{Sockets: n, SlowClients: rt.stats.slow.Load(), Floods: rt.stats.floods.Load(),
		Overloads: rt.stats.overloads.Load(), Heartbeats: rt.stats.heartbeats.Load(), Refused: rt.stats.refused.Load()}
}
