package pgcluster

import (
	"context"
	"os"
	"testing"
	"time"
)

// BenchmarkThrowawayCluster reports what a test binary pays for its cluster:
// initdb, then start, then stop, on a disk and on a tmpfs.
func BenchmarkThrowawayCluster(b *testing.B) {
	if _, err := FindBin(""); err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatal(err)
		}
		b.Skip(err)
	}
	parents := map[string]string{"disk": ""}
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		parents["tmpfs"] = "/dev/shm"
	}
	for name, parent := range parents {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			var initT, startT, stopT time.Duration
			n := 0
			for b.Loop() {
				dir, err := os.MkdirTemp(parent, "pgcluster-bench-")
				if err != nil {
					b.Fatal(err)
				}
				c := &Cluster{Dir: dir, NoSync: true, Attached: true}
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
		})
	}
}
