package main

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/gorilla/websocket"
)

func TestFlagsChooseScenariosAndTheirDefaults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		check func(t *testing.T, cfg Config)
	}{
		{
			name: "without -scenario the run is the idle scenario with its round trips, as before",
			args: nil,
			check: func(t *testing.T, cfg Config) {
				if !slices.Equal(cfg.Scenarios, []string{"idle"}) || !slices.Equal(cfg.Counts, []int{1000, 5000, 10000}) ||
					cfg.Active != 1000 || cfg.RoundTrip.Rate != 1 {
					t.Errorf("scenarios %v, counts %v, active %d at %g/s", cfg.Scenarios, cfg.Counts, cfg.Active, cfg.RoundTrip.Rate)
				}
			},
		},
		{
			name: "each scenario keeps its own size",
			args: []string{"-scenario", "burst,fanout,active"},
			check: func(t *testing.T, cfg Config) {
				if !slices.Equal(cfg.Scenarios, []string{"fanout", "burst", "active"}) {
					t.Errorf("scenarios %v, want them in run order", cfg.Scenarios)
				}
				a := cfg.ActiveRound
				if cfg.FanOut.Views != 10_000 || cfg.FanOut.Updates != 100 || cfg.FanOut.Rate != 50 || cfg.Burst.Viewers != 100 ||
					cfg.Burst.Publishes != 1000 || a.Views != 10_000 || a.Active != 1000 || a.RoundTrip.Rate != 10 {
					t.Errorf("fanout %+v, burst %+v, active %+v", cfg.FanOut, cfg.Burst, a)
				}
			},
		},
		{
			name: "-n sizes every scenario and -rate the active one too",
			args: []string{"-scenario", "all", "-n", "50,200", "-rate", "4", "-active", "20"},
			check: func(t *testing.T, cfg Config) {
				if !slices.Equal(cfg.Scenarios, scenarios) || !slices.Equal(cfg.Counts, []int{50, 200}) {
					t.Errorf("scenarios %v, counts %v", cfg.Scenarios, cfg.Counts)
				}
				if cfg.FanOut.Views != 200 || cfg.Burst.Viewers != 200 || cfg.ActiveRound.Views != 200 ||
					cfg.ActiveRound.Active != 20 || cfg.ActiveRound.RoundTrip.Rate != 4 || cfg.Active != 20 {
					t.Errorf("fanout %+v, burst %+v, active %+v, idle active %d", cfg.FanOut, cfg.Burst, cfg.ActiveRound, cfg.Active)
				}
			},
		},
		{
			name: "-latency-log reaches the round trips of both idle and active",
			args: []string{"-scenario", "active", "-latency-log", "lat.txt"},
			check: func(t *testing.T, cfg Config) {
				if cfg.RoundTrip.LatencyLog != "lat.txt" || cfg.ActiveRound.RoundTrip.LatencyLog != "lat.txt" {
					t.Errorf("idle's log %q, active's %q", cfg.RoundTrip.LatencyLog, cfg.ActiveRound.RoundTrip.LatencyLog)
				}
			},
		},
		{
			name: "with the active scenario in the run, idle measures memory only",
			args: []string{"-scenario", "all"},
			check: func(t *testing.T, cfg Config) {
				if cfg.Active != 0 || cfg.ActiveRound.Active != 1000 {
					t.Errorf("idle active %d, active scenario %d; want 0 and 1000", cfg.Active, cfg.ActiveRound.Active)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseFlags(append([]string{"-server", "/bin/true"}, tc.args...), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, cfg)
		})
	}
}

func TestFlagsRefuseWhatTheyCannotRun(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-scenario", "soak"}, `"soak" is not one of idle, fanout, burst, active or all`},
		{[]string{"-scenario", "fanout", "-n", "60000"}, "more than 254 addresses"},
		{[]string{"-updates", "0"}, "-updates must be"},
		{[]string{"-burst", "1000000"}, "-burst must be"},
		{[]string{"-rate", "2000", "-scenario", "active"}, "measures the rate limiter"},
	} {
		var stderr bytes.Buffer
		if code := liveload(append([]string{"-server", "/bin/true"}, tc.args...), &bytes.Buffer{}, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("liveload %q: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

func TestViewsSpreadOverSourceAddresses(t *testing.T) {
	cfg := defaultConfig()
	for _, tc := range []struct{ views, sources, want int }{
		{1, 0, 1}, {200, 0, 1}, {201, 0, 2}, {10_000, 0, 50}, {10_000, 8, 8},
	} {
		cfg.Sources = tc.sources
		if got := cfg.sourcesFor(tc.views); got != tc.want {
			t.Errorf("sourcesFor(%d views, -sources %d) = %d, want %d", tc.views, tc.sources, got, tc.want)
		}
	}
}

func TestDroppedViewsAreCountedByCloseCode(t *testing.T) {
	c := &client{}
	c.drop(&websocket.CloseError{Code: 4009, Text: "too slow"})
	c.drop(&websocket.CloseError{Code: 4009})
	c.drop(&websocket.CloseError{Code: websocket.CloseAbnormalClosure})
	c.drop(errors.Join(errors.New("read tcp"), syscall.ECONNRESET))
	c.drop(errors.New("something else"))
	if got, want := reasons(c.dropReasons()), "1006: 1, 4009: 2, connection reset: 1, read error: 1"; got != want {
		t.Errorf("reasons = %q, want %q", got, want)
	}
	if c.dropped.Load() != 5 {
		t.Errorf("dropped = %d, want 5", c.dropped.Load())
	}
	if got := reasons(nil); got != "-" {
		t.Errorf("reasons(nil) = %q, want -", got)
	}
}

func TestHeapProfileFileNamesTheScenarioWhenThereAreMore(t *testing.T) {
	for _, tc := range []struct {
		file      string
		scenarios []string
		want      string
	}{
		{"", []string{"idle", "fanout"}, ""},
		{"/tmp/heap.pb.gz", []string{"fanout"}, "/tmp/heap.pb.gz"},
		{"/tmp/heap.pb.gz", []string{"idle", "fanout"}, "/tmp/heap.fanout.pb.gz"},
		{"heap", []string{"fanout", "burst"}, "heap.fanout"},
	} {
		cfg := Config{HeapProfile: tc.file, Scenarios: tc.scenarios}
		if got := cfg.heapProfileFile("fanout"); got != tc.want {
			t.Errorf("-heap-profile %q with %v: fanout saves to %q, want %q", tc.file, tc.scenarios, got, tc.want)
		}
	}
}
