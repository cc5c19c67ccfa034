package live

import (
	"fmt"
	"strings"
	"sync/atomic"
)

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

// SocketsByView counts the open sockets by the type of the view they show, such as
// "web.ProjectIndex"; a socket whose view has not begun to mount counts under "". The
// counts add up to Stats().Sockets at the moment of the call. For dashboards: it holds
// the runtime's lock while it walks the sockets, as Stats does to count them.
func (rt *Runtime) SocketsByView() map[string]int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	n := make(map[string]int)
	for c := range rt.conns {
		name := ""
		if v := c.view.Load(); v != nil {
			name = *v
		}
		n[name]++
	}
	return n
}

// viewType names the type of v as Activity.View does: "web.ProjectIndex".
func viewType(v View) string {
	return strings.TrimPrefix(fmt.Sprintf("%T", v), "*")
}
