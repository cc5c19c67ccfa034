package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// The idle phase: connect views up to each count, let the server settle, and divide what
// its memory grew by since the baseline by the number of views.

// IdleStep is the server's memory with Conns idle connected views.
type IdleStep struct {
	Conns             int     `json:"conns"`
	OpenSeconds       float64 `json:"open_seconds"` // time to open the views added at this step
	Server            sample  `json:"server"`
	RSSPerConn        float64 `json:"rss_per_conn_bytes"`
	HeapStackPerConn  float64 `json:"heap_stack_per_conn_bytes"` // HeapInuse + StackInuse
	GoroutinesPerConn float64 `json:"goroutines_per_conn"`
}

// ClientCost is the load client's own memory per open view, after a GC.
type ClientCost struct {
	Conns             int     `json:"conns"`
	HeapStackPerConn  float64 `json:"heap_stack_per_conn_bytes"`
	GoroutinesPerConn float64 `json:"goroutines_per_conn"`
}

type clientSample struct {
	heapStack  uint64
	goroutines int
}

func measureClient() clientSample {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return clientSample{heapStack: m.HeapInuse + m.StackInuse, goroutines: runtime.NumGoroutine()}
}

// idleStep opens views up to n and measures the server against base.
func idleStep(ctx context.Context, srv *server, c *client, views []*view, n int, cfg *Config, base sample) ([]*view, IdleStep, error) {
	start := time.Now()
	views, err := c.openViews(ctx, views, n, cfg.Concurrency)
	step := IdleStep{Conns: len(views), OpenSeconds: time.Since(start).Seconds()}
	if err != nil {
		return views, step, err
	}
	c.closeIdle()
	if err := loadproc.Sleep(ctx, cfg.Settle); err != nil {
		return views, step, err
	}
	if err := srv.Alive(); err != nil {
		return views, step, err
	}
	if d := c.dropped.Load(); d > 0 {
		return views, step, fmt.Errorf("%w: %d while idle", errDropped, d)
	}
	m, err := srv.measure(ctx)
	if err != nil {
		return views, step, err
	}
	step.Server = m
	per := func(now, then uint64) float64 { return (float64(now) - float64(then)) / float64(n) }
	step.RSSPerConn = per(m.RSS, base.RSS)
	step.HeapStackPerConn = per(m.HeapInuse+m.StackInuse, base.HeapInuse+base.StackInuse)
	step.GoroutinesPerConn = per(m.NumGoroutine, base.NumGoroutine)
	return views, step, nil
}
