package pgcluster

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkThrowawayCluster reports what a test binary pays for its cluster:
// initdb, then start, then stop.
func BenchmarkThrowawayCluster(b *testing.B) {
	if _, err := FindBin(""); err != nil {
		b.Skip(err)
	}
	ctx := context.Background()
	var initT, startT, stopT time.Duration
	n := 0
	for b.Loop() {
		c := &Cluster{Dir: filepath.Join(b.TempDir(), "pg"), NoSync: true, Attached: true}
		t0 := time.Now()
		if err := c.Init(ctx); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := c.Start(ctx); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if err := c.Remove(ctx); err != nil {
			b.Fatal(err)
		}
		initT, startT, stopT = initT+t1.Sub(t0), startT+t2.Sub(t1), stopT+time.Since(t2)
		n++
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 / float64(n) }
	b.ReportMetric(ms(initT), "init-ms")
	b.ReportMetric(ms(startT), "start-ms")
	b.ReportMetric(ms(stopT), "stop+remove-ms")
	b.ReportMetric(0, "ns/op")
}
