package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// buildExample builds the example server into the test's temporary directory.
func buildExample(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "example")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/liveapp/liveapp/live/example/cmd/example").CombinedOutput()
	if err != nil {
		t.Fatalf("build the example: %v\n%s", err, out)
	}
	return bin
}

func TestSmallRunReportsSaneFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	cfg := defaultConfig()
	cfg.Server = buildExample(t)
	cfg.Counts = []int{20}
	cfg.Active = 5
	cfg.RoundTrip.Rate = 4
	cfg.RoundTrip.Duration = time.Second
	cfg.RoundTrip.ReplyTimeout = slowMachine
	cfg.Settle = 200 * time.Millisecond
	cfg.Timeout = 5 * slowMachine
	var log bytes.Buffer
	rep, err := run(context.Background(), cfg, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}

	if len(rep.Idle) != 1 || rep.Idle[0].Conns != 20 {
		t.Fatalf("idle steps = %+v, want one with 20 views", rep.Idle)
	}
	idle := rep.Idle[0]
	if idle.Server.RSS == 0 || rep.Baseline.RSS == 0 {
		t.Errorf("RSS not read: baseline %d, at 20 views %d", rep.Baseline.RSS, idle.Server.RSS)
	}
	if g := idle.GoroutinesPerConn; g < 0.5 || g > 4 {
		t.Errorf("server goroutines per idle view = %.2f, want between 0.5 and 4", g)
	}
	if h := idle.HeapStackPerConn; h <= 0 || h > 512<<10 {
		t.Errorf("server heap+stack per idle view = %.0f B, want between 0 and 512 KiB", h)
	}
	if g := rep.Client.GoroutinesPerConn; g < 0.5 || g > 2 {
		t.Errorf("client goroutines per view = %.2f, want about 1", g)
	}

	rt := rep.RoundTrip
	if rt == nil {
		t.Fatal("no round trip report")
	}
	// How many events the views sent depends on when their goroutines started: any
	// number will do, as long as every one is answered.
	if rt.Active != 5 || rt.Sent < 1 || int64(rt.Replies) != rt.Sent || rt.WithOps != rt.Replies || rt.Errors() != 0 {
		t.Errorf("round trip = %+v, want every event of 5 views answered with a patch", rt)
	}
	// No bound on how long: how fast the machine answers is what the tool reports,
	// not what this test asks. A reply cannot take longer than the phase lasted.
	if rt.P50us <= 0 || rt.P50us > rt.P99us || rt.P99us > rt.MaxUs || rt.MaxUs > rt.Seconds*1e6 {
		t.Errorf("latencies p50 %.0f µs, p99 %.0f µs, max %.0f µs over %.2f s: want 0 < p50 <= p99 <= max <= the phase",
			rt.P50us, rt.P99us, rt.MaxUs, rt.Seconds)
	}
	if rt.ReplyWireB < 20 || rt.ReplyWireB > 1000 {
		t.Errorf("mean reply frame = %.0f B, want a small patch", rt.ReplyWireB)
	}

	var table, js bytes.Buffer
	rep.WriteTable(&table)
	if err := loadproc.WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"baseline", "p50 ms", "goroutines/view"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	if !strings.Contains(js.String(), `"p99_us"`) {
		t.Errorf("JSON lacks p99_us:\n%s", js.String())
	}
	t.Logf("\n%s", table.String())
}

// slowMachine bounds the waits of the tests' runs for replies and updates: only a
// broken server or tool takes that long, even on a loaded machine.
const slowMachine = time.Minute

// smallConfig is a run of scenarios at a size that takes seconds.
func smallConfig(server string, scenarios ...string) Config {
	cfg := defaultConfig()
	cfg.Server = server
	cfg.Scenarios = scenarios
	cfg.Settle = 200 * time.Millisecond
	cfg.Timeout = 5 * slowMachine
	cfg.Converge = slowMachine
	cfg.ActiveRound.RoundTrip.ReplyTimeout = slowMachine
	return cfg
}

func TestScenariosAtSmallScale(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	bin := buildExample(t)

	t.Run("fanout: every view follows every update to the final state", func(t *testing.T) {
		cfg := smallConfig(bin, "fanout")
		cfg.FanOut = fanOutConfig{Views: 20, Updates: 10, Rate: 50}
		cfg.PerSource = 8 // 3 source addresses
		var log bytes.Buffer
		rep, err := run(context.Background(), cfg, &log)
		if err != nil {
			t.Fatalf("run: %v\n%s", err, log.String())
		}
		fo := rep.FanOut
		if fo == nil || fo.Views != 20 || fo.Published != 10 || fo.FinalVersion != 10 || fo.Final != 20 || fo.Dropped != 0 {
			t.Fatalf("fanout = %+v, want 20 views all showing version 10", fo)
		}
		if fo.Sources != 3 || fo.MaxPerSource != 7 {
			t.Errorf("views came from %d addresses, at most %d each; want 3 and 7", fo.Sources, fo.MaxPerSource)
		}
		l := fo.Latency
		if l.N != 200 || fo.Missed != 0 || l.P50us <= 0 || l.P50us > l.P99us || l.P99us > l.MaxUs {
			t.Errorf("latency %+v, missed %d: want 200 samples with 0 < p50 <= p99 <= max", l, fo.Missed)
		}
		if fo.Frames.Min < 1 || fo.Frames.Max > 10 || fo.ToFinal.N != 20 {
			t.Errorf("frames per view %+v, to final %+v: want 1 to 10 frames, and all 20 views final", fo.Frames, fo.ToFinal)
		}
		if fo.IdleRSS == 0 || fo.PeakRSS < fo.IdleRSS/2 || fo.PeakRatio <= 0 || fo.LoadStart == "" || fo.LoadEnd == "" {
			t.Errorf("idle RSS %d, peak %d (%.2f), load %q to %q", fo.IdleRSS, fo.PeakRSS, fo.PeakRatio, fo.LoadStart, fo.LoadEnd)
		}
		var table, js bytes.Buffer
		rep.WriteTable(&table)
		if err := loadproc.WriteJSON(&js, rep); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"fanout, 10 updates at 50/s", "update to patch", "peak RSS <= 2× idle"} {
			if !strings.Contains(table.String(), want) {
				t.Errorf("table lacks %q:\n%s", want, table.String())
			}
		}
		if !strings.Contains(js.String(), `"fanout"`) || strings.Contains(js.String(), `"baseline"`) {
			t.Errorf("JSON has no fanout section or an idle one:\n%s", js.String())
		}
		t.Logf("\n%s", table.String())
	})

	t.Run("burst: every viewer ends final or is reported dropped with its close code", func(t *testing.T) {
		cfg := smallConfig(bin, "burst")
		cfg.Burst = burstConfig{Viewers: 10, Publishes: 1000}
		rep, err := run(context.Background(), cfg, io.Discard)
		b := rep.Burst
		if b == nil || b.Published != 1000 || b.FinalVersion != 1000 {
			t.Fatalf("burst = %+v, err %v; want 1000 updates published", b, err)
		}
		codes := 0
		for _, n := range b.CloseCodes {
			codes += n
		}
		if b.Final+b.Dropped != b.Views || codes != b.Dropped {
			t.Errorf("%d final and %d dropped (close codes %v) of %d views: want every view final or dropped, with a reason", b.Final, b.Dropped, b.CloseCodes, b.Views)
		}
		if (b.Dropped > 0) != errors.Is(err, errDropped) {
			t.Errorf("%d dropped, run error %v", b.Dropped, err)
		}
		var table bytes.Buffer
		rep.WriteTable(&table)
		t.Logf("\n%s", table.String())
	})

	t.Run("active: the round trips of many clients and the throughput achieved", func(t *testing.T) {
		cfg := smallConfig(bin, "active")
		cfg.ActiveRound.Views, cfg.ActiveRound.Active = 20, 10
		cfg.ActiveRound.RoundTrip.Duration = time.Second
		rep, err := run(context.Background(), cfg, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		a := rep.Active
		if a == nil || a.RoundTrip == nil || a.Views != 20 || a.Dropped != 0 {
			t.Fatalf("active = %+v, want 20 views and a round trip", a)
		}
		rt := a.RoundTrip
		// How many events the views sent, and how fast, is the machine's business (a
		// view's schedule starts when its goroutine does): every one must be answered.
		if rt.Active != 10 || rt.OfferedPerSec != 100 || rt.Sent < 1 || int64(rt.Replies) != rt.Sent || rt.Errors() != 0 || rt.SentPerSec <= 0 {
			t.Errorf("round trip = %+v, want 10 views at 10/s answered", rt)
		}
	})
}

func TestFlagsNeedAServer(t *testing.T) {
	var stderr bytes.Buffer
	if code := liveload([]string{"-n", "10"}, &bytes.Buffer{}, &stderr); code != 2 {
		t.Errorf("exit code without -server = %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "-server is required") {
		t.Errorf("stderr = %q, want it to say -server is required", stderr.String())
	}
}

func TestWebsocketHeaderSize(t *testing.T) {
	for _, tc := range []struct{ payload, want int }{{0, 2}, {125, 2}, {126, 4}, {65535, 4}, {65536, 10}} {
		if got := wsHeader(tc.payload); got != tc.want {
			t.Errorf("wsHeader(%d) = %d, want %d", tc.payload, got, tc.want)
		}
	}
}
