package web

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"runtime/metrics"
	"slices"
	"time"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/pubsub/pgpubsub"
)

// dashboardEvery is how often the dev dashboard refreshes itself.
const dashboardEvery = time.Second

// Dashboard is the dev dashboard at /dev/dashboard, routed in dev mode only:
// what the app is doing now, read from the live runtime, its Metrics, the
// PubSub, the Go runtime and the database pool. It refreshes itself every
// dashboardEvery while it is open.
type Dashboard struct {
	app *App

	Updated string // the time of day of the last refresh
	Sockets []viewSockets
	Total   int // open sockets
	Events  []stat
	PubSub  []stat // nil for the in-process PubSub, which counts nothing
	Memory  []stat
	DB      []stat
	Slowest []slowActivity
}

// stat is one figure of the dashboard, ready to show.
type stat struct{ Name, Value string }

// viewSockets is the number of sockets open on one view.
type viewSockets struct {
	View    string
	Sockets int
}

// slowActivity is one of the slowest recent activities, ready to show.
type slowActivity struct {
	At, Kind, View, Event, Took, Bytes, Err string
}

// Mount shows the figures and, once connected, starts the refreshes.
func (v *Dashboard) Mount(_ context.Context, s *live.Socket) error {
	title(s, "Dev dashboard")
	v.refresh()
	if s.Connected() {
		v.next(s)
	}
	return nil
}

// next refreshes the figures after dashboardEvery, then again after that:
// the timers stop when the page closes.
func (v *Dashboard) next(s *live.Socket) {
	s.SendAfter(dashboardEvery, func(context.Context) error {
		v.refresh()
		v.next(s)
		return nil
	})
}

// refresh reads every figure anew.
func (v *Dashboard) refresh() {
	a := v.app
	v.Updated = time.Now().Format(time.TimeOnly)

	v.Sockets, v.Total = v.Sockets[:0], 0
	for view, n := range a.Runtime.SocketsByView() {
		if view == "" {
			view = "(mounting)"
		}
		v.Sockets = append(v.Sockets, viewSockets{View: view, Sockets: n})
		v.Total += n
	}
	slices.SortFunc(v.Sockets, func(x, y viewSockets) int {
		return cmp.Or(cmp.Compare(y.Sockets, x.Sockets), cmp.Compare(x.View, y.View))
	})

	m := a.Metrics.Snapshot()
	st := a.Runtime.Stats()
	v.Events = []stat{
		{"Events per second", fmt.Sprintf("%.1f (the last %s)", m.EventsPerSecond, seconds(live.MetricsRateWindow))},
		{"Latency p50 / p99", fmt.Sprintf("%s / %s (%d events, the last %s)", duration(m.P50), duration(m.P99), m.Sampled, seconds(live.MetricsRecentWindow))},
		{"Events", fmt.Sprint(m.Events)},
		{"Mounts", fmt.Sprint(m.Mounts)},
		{"Navigations / patches", fmt.Sprintf("%d / %d", m.Navigations, m.Patches)},
		{"Failed or refused", fmt.Sprint(m.Failed)},
		{"Sent to browsers", byteSize(m.Bytes)},
		{"Sockets closed by a limit", fmt.Sprintf("%d slow, %d floods, %d overloaded, %d silent",
			st.SlowClients, st.Floods, st.Overloads, st.Heartbeats)},
	}
	v.Slowest = v.Slowest[:0]
	for _, s := range m.Slowest {
		event := s.Event
		if s.Kind != live.ActivityEvent {
			event = ""
		}
		v.Slowest = append(v.Slowest, slowActivity{At: s.At.Format(time.TimeOnly), Kind: s.Kind.String(), View: s.View,
			Event: event, Took: duration(s.Duration), Bytes: byteSize(uint64(s.Bytes)), Err: s.Err})
	}

	v.PubSub = nil
	if ps, ok := a.cfg.PubSub.(*pgpubsub.PubSub); ok {
		p := ps.Stats()
		state := "connected"
		if !p.Connected {
			state = "disconnected"
		}
		v.PubSub = []stat{
			{"Listener", fmt.Sprintf("%s, %d channels", state, p.Channels)},
			{"Sent", fmt.Sprintf("%d (%d failed)", p.Sent, p.SendErrors)},
			{"Received", fmt.Sprintf("%d (%d our own, %d malformed)", p.Received, p.Echoes, p.Malformed)},
			{"Reconnections", reconnections(p)},
		}
	}

	v.Memory = goRuntimeStats()

	db := a.cfg.DB.Stat()
	v.DB = []stat{
		{"Connections", fmt.Sprintf("%d of %d (%d in use, %d idle, %d opening)",
			db.TotalConns(), db.MaxConns(), db.AcquiredConns(), db.IdleConns(), db.ConstructingConns())},
		{"Acquires", fmt.Sprintf("%d (%d waited for a connection, %d cancelled)",
			db.AcquireCount(), db.EmptyAcquireCount(), db.CanceledAcquireCount())},
		{"Time spent acquiring", duration(db.AcquireDuration())},
	}
}

// goRuntimeStats reads the Go runtime's memory and goroutines through
// runtime/metrics, which, unlike runtime.ReadMemStats, does not stop the world.
func goRuntimeStats() []stat {
	samples := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/gc/heap/goal:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/sched/goroutines:goroutines"},
	}
	metrics.Read(samples)
	n := func(i int) uint64 {
		if samples[i].Value.Kind() != metrics.KindUint64 {
			return 0 // unknown to this Go: not worth failing the page for
		}
		return samples[i].Value.Uint64()
	}
	return []stat{
		{"Goroutines", fmt.Sprint(n(4))},
		{"Heap objects", byteSize(n(1))},
		{"Next GC at", byteSize(n(2))},
		{"GC cycles", fmt.Sprint(n(3))},
		{"Memory from the OS", byteSize(n(0))},
	}
}

// reconnections says how often the PubSub's listener reconnected, and how
// long the last outage lasted.
func reconnections(p pgpubsub.Stats) string {
	if p.Reconnects == 0 {
		return "none"
	}
	return fmt.Sprintf("%d (the last outage lasted %s)", p.Reconnects, duration(p.LastGap))
}

// Render renders the page.
func (v *Dashboard) Render(w io.Writer) error { return v.app.render(w, "dashboard", v) }

// duration shows d to the microsecond, or "–" for none.
func duration(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return d.Round(time.Microsecond).String()
}

// seconds shows a window's length in seconds: "10 s".
func seconds(d time.Duration) string { return fmt.Sprintf("%d s", int(d.Seconds())) }

// byteSize shows n bytes in B, KiB, MiB or GiB.
func byteSize(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, prefix := float64(n)/unit, 0
	for f >= unit && prefix < 2 {
		f /= unit
		prefix++
	}
	return fmt.Sprintf("%.1f %ciB", f, "KMG"[prefix])
}
