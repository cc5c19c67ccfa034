package live_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveapp/liveapp/internal/fakeclock"
	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

func event(name string, d time.Duration) live.Activity {
	return live.Activity{Kind: live.ActivityEvent, View: "web.Board", Route: "/board", Event: name, Duration: d, Bytes: 100}
}

func TestMetricsCountsEveryKindAndTheBytesSent(t *testing.T) {
	m := &live.Metrics{Now: fakeclock.New().Now}
	m.Observe(live.Activity{Kind: live.ActivityMount, View: "web.Board", Duration: time.Millisecond, Bytes: 900})
	m.Observe(event("move", time.Millisecond))
	m.Observe(live.Activity{Kind: live.ActivityEvent, Event: "nosuch", Err: errors.New("unknown event")})
	m.Observe(live.Activity{Kind: live.ActivityNavigate, Bytes: 400})
	m.Observe(live.Activity{Kind: live.ActivityPatch, Bytes: 50})
	s := m.Snapshot()
	got := [...]uint64{s.Mounts, s.Events, s.Navigations, s.Patches, s.Failed, s.Bytes}
	if want := [...]uint64{1, 2, 1, 1, 1, 1450}; got != want {
		t.Errorf("mounts, events, navigations, patches, failed, bytes = %v, want %v", got, want)
	}
}

func TestMetricsPercentilesAreOfTheRecentEventsByNearestRank(t *testing.T) {
	clock := fakeclock.New()
	m := &live.Metrics{Now: clock.Now}
	if s := m.Snapshot(); s.P50 != 0 || s.P99 != 0 || s.Sampled != 0 || len(s.Slowest) != 0 {
		t.Errorf("before any activity: %+v", s)
	}
	// 1 ms to 100 ms, in an order that is not sorted.
	for i := range 100 {
		m.Observe(event("e", time.Duration((i*37)%100+1)*time.Millisecond))
	}
	// A slow mount counts in Slowest, not in the events' percentiles.
	m.Observe(live.Activity{Kind: live.ActivityMount, View: "web.Board", Duration: time.Second})
	s := m.Snapshot()
	if s.Sampled != 100 || s.P50 != 50*time.Millisecond || s.P99 != 99*time.Millisecond {
		t.Errorf("sampled %d, p50 %v, p99 %v; want 100, 50ms, 99ms", s.Sampled, s.P50, s.P99)
	}

	// One event alone is both percentiles.
	one := &live.Metrics{Now: clock.Now}
	one.Observe(event("e", 7*time.Millisecond))
	if s := one.Snapshot(); s.P50 != 7*time.Millisecond || s.P99 != 7*time.Millisecond {
		t.Errorf("one event: p50 %v, p99 %v, want 7ms both", s.P50, s.P99)
	}

	// A minute later the events are no longer recent.
	clock.Advance(live.MetricsRecentWindow)
	if s := m.Snapshot(); s.Sampled != 0 || s.P99 != 0 || len(s.Slowest) != 0 || s.Events != 100 {
		t.Errorf("a window later: sampled %d, p99 %v, %d slowest, %d events; want 0, 0, 0, 100", s.Sampled, s.P99, len(s.Slowest), s.Events)
	}
}

func TestMetricsSlowestListsTheSlowestRecentActivitiesFirst(t *testing.T) {
	clock := fakeclock.New()
	m := &live.Metrics{Now: clock.Now}
	for i := range 30 {
		m.Observe(event(fmt.Sprint("e", i), time.Duration(i)*time.Millisecond))
	}
	m.Observe(live.Activity{Kind: live.ActivityMount, View: "web.Board", Route: "/board", Duration: time.Second, Bytes: 2048,
		Err: errors.New("db down")})
	s := m.Snapshot()
	if len(s.Slowest) != live.MetricsSlowest {
		t.Fatalf("%d slowest, want %d", len(s.Slowest), live.MetricsSlowest)
	}
	want := live.SlowActivity{At: fakeclock.Start, Kind: live.ActivityMount, View: "web.Board", Route: "/board",
		Duration: time.Second, Bytes: 2048, Err: "db down"}
	if s.Slowest[0] != want {
		t.Errorf("slowest %+v, want %+v", s.Slowest[0], want)
	}
	for i, a := range s.Slowest[1:] {
		if want := fmt.Sprint("e", 29-i); a.Event != want {
			t.Errorf("slowest[%d] is %q, want %q", i+1, a.Event, want)
		}
	}
}

func TestMetricsKeepsTheStartOfALongError(t *testing.T) {
	m := &live.Metrics{Now: fakeclock.New().Now}
	m.Observe(live.Activity{Kind: live.ActivityEvent, Event: "save", Err: errors.New(strings.Repeat("x", 10000))})
	if got := m.Snapshot().Slowest[0].Err; got != strings.Repeat("x", 256)+"…" {
		t.Errorf("the error's text is %d bytes: %.40q…", len(got), got)
	}
}

func TestMetricsRememberABoundedNumberOfActivities(t *testing.T) {
	m := &live.Metrics{Now: fakeclock.New().Now}
	// The slowest of all comes first, then more than the cap of fast ones push it out.
	m.Observe(event("slow", time.Hour))
	for range live.MetricsRecentCap {
		m.Observe(event("fast", time.Millisecond))
	}
	s := m.Snapshot()
	if s.Sampled != live.MetricsRecentCap || s.Slowest[0].Event != "fast" || s.P99 != time.Millisecond {
		t.Errorf("sampled %d, slowest %q, p99 %v; want %d, fast, 1ms", s.Sampled, s.Slowest[0].Event, s.P99, live.MetricsRecentCap)
	}
	if s.Events != live.MetricsRecentCap+1 {
		t.Errorf("%d events counted, want %d", s.Events, live.MetricsRecentCap+1)
	}
}

func TestMetricsEventsPerSecondAverageTheLastTenSeconds(t *testing.T) {
	clock := fakeclock.New() // on a whole second
	m := &live.Metrics{Now: clock.Now}
	for range 20 {
		m.Observe(event("e", time.Millisecond))
	}
	m.Observe(live.Activity{Kind: live.ActivityMount}) // not an event
	if got := m.Snapshot().EventsPerSecond; got != 2 {
		t.Errorf("20 events in this second: %v/s, want 2", got)
	}
	clock.Advance(9 * time.Second)
	for range 10 {
		m.Observe(event("e", time.Millisecond))
	}
	if got := m.Snapshot().EventsPerSecond; got != 3 {
		t.Errorf("9 s later, 10 more: %v/s, want 3", got)
	}
	clock.Advance(time.Second) // the first 20 leave the window
	if got := m.Snapshot().EventsPerSecond; got != 1 {
		t.Errorf("10 s after the first 20: %v/s, want 1", got)
	}
	clock.Advance(time.Hour) // a second slot reused an hour later starts again at 0
	m.Observe(event("e", time.Millisecond))
	if got := m.Snapshot().EventsPerSecond; got != 0.1 {
		t.Errorf("an hour later, one event: %v/s, want 0.1", got)
	}
}

func TestMetricsVarIsJSONWithKindsByName(t *testing.T) {
	m := &live.Metrics{Now: fakeclock.New().Now}
	m.Observe(event("save", 3*time.Millisecond))
	var got struct {
		Events  uint64
		P99     int64
		Slowest []struct{ Kind, Event string }
	}
	if err := json.Unmarshal([]byte(m.Var().String()), &got); err != nil {
		t.Fatalf("%v: %s", err, m.Var().String())
	}
	if got.Events != 1 || got.P99 != int64(3*time.Millisecond) || len(got.Slowest) != 1 || got.Slowest[0].Kind != "event" || got.Slowest[0].Event != "save" {
		t.Errorf("expvar JSON: %s", m.Var().String())
	}
}

func TestMetricsIsSafeForConcurrentUse(t *testing.T) {
	m := &live.Metrics{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 500 {
				m.Observe(event("e", time.Millisecond))
				_ = m.Snapshot()
			}
		})
	}
	wg.Wait()
	if got := m.Snapshot().Events; got != 2000 {
		t.Errorf("%d events, want 2000", got)
	}
}

func TestMetricsObservesARuntime(t *testing.T) {
	m := &live.Metrics{}
	app := newTestApp(t, func(c *live.Config) { c.Observe = m.Observe })
	lv := livetest.Mount(t, app.h, "/counter")
	if err := lv.Click("inc"); err != nil {
		t.Fatal(err)
	}
	// Observe runs after the reply is queued: wait for it to be counted.
	waitFor(t, "the event to be counted", func() bool { return m.Snapshot().Events == 1 })
	s := m.Snapshot()
	if s.Mounts != 1 || s.Bytes == 0 || len(s.Slowest) != 2 {
		t.Errorf("after a mount and an event: %+v", s)
	}
}

func TestSocketsByViewCountsTheOpenSocketsOfEachView(t *testing.T) {
	app := newTestApp(t, nil)
	c := livetest.NewClient(t, app.h)
	c.Mount("/counter")
	c.Mount("/counter")
	lv := c.Mount("/counter")
	if err := lv.Navigate("/other"); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"live_test.counter": 2, "live_test.static": 1}
	if got := app.rt.SocketsByView(); !maps.Equal(got, want) {
		t.Errorf("SocketsByView() = %v, want %v", got, want)
	}
}

// BenchmarkMetricsObserve is the cost Metrics adds to each mount, event and navigation,
// with every CPU's sockets observing at once.
func BenchmarkMetricsObserve(b *testing.B) {
	m := &live.Metrics{}
	a := event("save", time.Millisecond)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Observe(a)
		}
	})
}

// BenchmarkMetricsSnapshot is the cost of a dashboard refresh or an expvar scrape with
// the ring of recent activities full.
func BenchmarkMetricsSnapshot(b *testing.B) {
	m := &live.Metrics{}
	for i := range live.MetricsRecentCap {
		m.Observe(event("save", time.Duration(i)*time.Microsecond))
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Snapshot()
	}
}
