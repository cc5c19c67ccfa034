package live

import (
	"expvar"
	"slices"
	"strings"
	"sync"
	"time"
)

// The bounds of what a Metrics keeps: its memory does not grow with traffic.
const (
	// MetricsRateWindow is the span over which MetricsSnapshot.EventsPerSecond
	// averages, counted in whole seconds.
	MetricsRateWindow = 10 * time.Second
	// MetricsRecentWindow is how far back MetricsSnapshot's percentiles and
	// slowest activities look.
	MetricsRecentWindow = time.Minute
	// MetricsRecentCap caps the activities a Metrics remembers for its
	// percentiles and slowest list: past it, the oldest are forgotten first,
	// even when they are younger than MetricsRecentWindow.
	MetricsRecentCap = 512
	// MetricsSlowest is the length of MetricsSnapshot.Slowest.
	MetricsSlowest = 10

	// metricsErrText is the most of an error's text a Metrics keeps, in bytes.
	metricsErrText = 256
)

// Metrics counts what the connected views of a Runtime do, for a dashboard or
// for a production app's own metrics. Set its Observe method as
// Config.Observe (beside LogActivity, if the app logs too):
//
//	m := &live.Metrics{}
//	rt, err := live.New(live.Config{Secret: secret, Observe: m.Observe})
//	expvar.Publish("live", m.Var())
//
// It keeps counters since it was made, the events of the last
// MetricsRateWindow second by second, and the last MetricsRecentCap
// activities: a fixed amount of memory, whatever the traffic (about 60 KiB,
// plus the strings of the activities it remembers: event names, at most 128
// bytes, and the first 256 bytes of each error's text).
// Observe takes a mutex for a few assignments, which the socket workers of a
// busy app share; Snapshot sorts at most MetricsRecentCap durations. The zero
// value is ready to use, and a Metrics is safe for concurrent use. It must not
// be copied after first use.
type Metrics struct {
	// Now returns the current time, which dates each activity. Nil uses
	// time.Now. Tests set it to move time without sleeping.
	Now func() time.Time

	mu      sync.Mutex
	totals  [ActivityPatch + 1]uint64 // by kind
	failed  uint64
	bytes   uint64
	seconds [MetricsRateWindow / time.Second]secondCount // a ring, by Unix second
	recent  [MetricsRecentCap]SlowActivity               // a ring of the last activities
	next    int                                          // where the next activity goes in recent
	full    bool                                         // recent has wrapped
}

// secondCount is the number of events handled in one second.
type secondCount struct {
	unix   int64
	events uint64
}

// MetricsSnapshot is what a Metrics has counted, as Snapshot returns it. As
// JSON (expvar), durations are in nanoseconds.
type MetricsSnapshot struct {
	// Mounts, Events, Navigations and Patches count the activities of each
	// kind since the Metrics was made, failed ones included; Failed counts
	// those that failed or were refused. Bytes adds up what they sent to the
	// clients.
	Mounts, Events, Navigations, Patches uint64
	Failed                               uint64
	Bytes                                uint64

	// EventsPerSecond is the events handled in the last MetricsRateWindow,
	// divided by its length.
	EventsPerSecond float64

	// P50 and P99 are percentiles of the durations of the events handled in
	// the last MetricsRecentWindow (nearest rank: P99 is the duration that
	// 99 % of them took at most), among the last MetricsRecentCap activities.
	// Sampled counts those events; both are zero when it is.
	P50, P99 time.Duration
	Sampled  int

	// Slowest lists the slowest activities of every kind of the last
	// MetricsRecentWindow, among the last MetricsRecentCap, slowest first; at
	// most MetricsSlowest of them.
	Slowest []SlowActivity
}

// SlowActivity is an Activity a Metrics remembers, for MetricsSnapshot.Slowest.
type SlowActivity struct {
	At       time.Time // when it ended
	Kind     ActivityKind
	View     string
	Route    string
	Event    string
	Duration time.Duration
	Bytes    int
	Err      string // the error's text, cut after 256 bytes; empty when it succeeded
}

// Observe counts a: the method to set as Config.Observe.
func (m *Metrics) Observe(a Activity) {
	now := m.now()
	var errText string
	if a.Err != nil {
		errText = a.Err.Error()
		if len(errText) > metricsErrText {
			// A copy: a cut of the text would keep all of it.
			errText = strings.Clone(truncate(errText, metricsErrText))
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if int(a.Kind) < len(m.totals) {
		m.totals[a.Kind]++
	}
	if a.Err != nil {
		m.failed++
	}
	if a.Bytes > 0 {
		m.bytes += uint64(a.Bytes)
	}
	if a.Kind == ActivityEvent {
		sec := now.Unix()
		c := &m.seconds[uint64(sec)%uint64(len(m.seconds))]
		if c.unix != sec {
			*c = secondCount{unix: sec}
		}
		c.events++
	}
	m.recent[m.next] = SlowActivity{At: now, Kind: a.Kind, View: a.View, Route: a.Route, Event: a.Event,
		Duration: a.Duration, Bytes: a.Bytes, Err: errText}
	m.next++
	if m.next == len(m.recent) {
		m.next, m.full = 0, true
	}
}

// Snapshot returns what m has counted so far.
func (m *Metrics) Snapshot() MetricsSnapshot {
	now := m.now()
	m.mu.Lock()
	s := MetricsSnapshot{
		Mounts:      m.totals[ActivityMount],
		Events:      m.totals[ActivityEvent],
		Navigations: m.totals[ActivityNavigate],
		Patches:     m.totals[ActivityPatch],
		Failed:      m.failed,
		Bytes:       m.bytes,
	}
	// The window holds the current second and the ones before it.
	sec := now.Unix()
	var events uint64
	for _, c := range m.seconds {
		if c.unix <= sec && c.unix > sec-int64(len(m.seconds)) {
			events += c.events
		}
	}
	s.EventsPerSecond = float64(events) / MetricsRateWindow.Seconds()
	n := m.next
	if m.full {
		n = len(m.recent)
	}
	since := now.Add(-MetricsRecentWindow)
	durations := make([]time.Duration, 0, n)
	s.Slowest = make([]SlowActivity, 0, MetricsSlowest)
	for _, a := range m.recent[:n] {
		if !a.At.After(since) {
			continue
		}
		if a.Kind == ActivityEvent {
			durations = append(durations, a.Duration)
		}
		s.Slowest = keepSlowest(s.Slowest, a)
	}
	m.mu.Unlock()

	slices.Sort(durations)
	s.Sampled = len(durations)
	s.P50, s.P99 = percentile(durations, 50), percentile(durations, 99)
	return s
}

// Var returns an expvar.Var that reports Snapshot as JSON, for the app to
// publish under a name of its choice (and serve on a private address):
//
//	expvar.Publish("live", m.Var())
func (m *Metrics) Var() expvar.Var {
	return expvar.Func(func() any { return m.Snapshot() })
}

func (m *Metrics) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// keepSlowest adds a to slowest, a list sorted slowest first, if it is among the
// MetricsSlowest slowest; of equal durations, the later comes first.
func keepSlowest(slowest []SlowActivity, a SlowActivity) []SlowActivity {
	i := len(slowest)
	for i > 0 && !slower(slowest[i-1], a) {
		i--
	}
	if i == MetricsSlowest {
		return slowest
	}
	if len(slowest) < MetricsSlowest {
		slowest = append(slowest, SlowActivity{})
	}
	copy(slowest[i+1:], slowest[i:])
	slowest[i] = a
	return slowest
}

// slower reports whether a comes before b in MetricsSnapshot.Slowest.
func slower(a, b SlowActivity) bool {
	return a.Duration > b.Duration || a.Duration == b.Duration && a.At.After(b.At)
}

// percentile returns the p-th percentile of sorted by nearest rank: the
// smallest value that at least p % of the values do not exceed. Zero for none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 × n), at least 1 for p > 0
	return sorted[max(rank, 1)-1]
}
