package main

import (
	"bytes"
	"context"
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
	cfg.Settle = 200 * time.Millisecond
	cfg.Timeout = 30 * time.Second
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
	if rt.Active != 5 || rt.Sent < 5 || int64(rt.Replies) != rt.Sent || rt.WithOps != rt.Replies || rt.Errors() != 0 {
		t.Errorf("round trip = %+v, want every event of 5 views answered with a patch", rt)
	}
	if rt.P50us <= 0 || rt.P50us > rt.P99us || rt.P99us > rt.MaxUs || rt.MaxUs > 1e6 {
		t.Errorf("latencies p50 %.0f µs, p99 %.0f µs, max %.0f µs: want 0 < p50 <= p99 <= max < 1 s", rt.P50us, rt.P99us, rt.MaxUs)
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
