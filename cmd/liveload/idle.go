package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// runIdle runs the idle scenario: the memory per idle view at each count, then, unless
// cfg.Active is 0, the round trip phase among the open views. It fills rep's baseline,
// idle steps, client cost and round trip.
func runIdle(ctx context.Context, cfg *Config, rep *Report, logw io.Writer, progress func(string, ...any)) error {
	maxViews := cfg.Counts[len(cfg.Counts)-1]
	s, err := startSession(ctx, cfg, cfg.Path, false, maxViews, logw)
	if err != nil {
		return err
	}
	defer s.close()
	rep.Path, rep.Sources = cfg.Path, len(s.c.sources)

	// Warm up: one view through the whole cycle, so that the baseline includes what
	// the server allocates once (templates, pools, the first websocket).
	if err := warmUp(ctx, s.c, cfg.RoundTrip.Event); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	s.c.closeIdle()
	if err := loadproc.Sleep(ctx, cfg.Settle); err != nil {
		return err
	}
	if rep.Baseline, err = s.srv.measure(ctx); err != nil {
		return err
	}
	clientBase := measureClient()

	for _, n := range cfg.Counts {
		var step IdleStep
		s.views, step, err = idleStep(ctx, s.srv, s.c, s.views, n, cfg, rep.Baseline)
		if err != nil {
			return err
		}
		rep.Idle = append(rep.Idle, step)
		rep.MaxPerSource = max(rep.MaxPerSource, s.c.maxPerSource())
		progress("%d idle views: server RSS %.1f MiB, %.1f KiB RSS and %.1f KiB heap+stack per view (opened in %.1f s)",
			n, mib(step.Server.RSS), step.RSSPerConn/1024, step.HeapStackPerConn/1024, step.OpenSeconds)
	}
	if file := cfg.heapProfileFile("idle"); file != "" {
		if err := s.srv.saveHeapProfile(ctx, file); err != nil {
			return err
		}
		progress("server heap profile at %d views saved to %s", len(s.views), file)
	}
	cs := measureClient()
	rep.Client = ClientCost{
		Conns:             len(s.views),
		HeapStackPerConn:  (float64(cs.heapStack) - float64(clientBase.heapStack)) / float64(len(s.views)),
		GoroutinesPerConn: float64(cs.goroutines-clientBase.goroutines) / float64(len(s.views)),
	}

	if cfg.Active > 0 {
		active := s.views[:min(cfg.Active, len(s.views))]
		progress("round trip: %d active of %d open views, %g events/s each for %v", len(active), len(s.views), cfg.RoundTrip.Rate, cfg.RoundTrip.Duration)
		var err error
		if rep.RoundTrip, err = roundTrip(ctx, s.c, active, len(s.views), cfg.RoundTrip); err != nil {
			return err
		}
		if err := checkRoundTrip(ctx, rep.RoundTrip, cfg.MaxErrors); err != nil {
			return err
		}
	}
	if err := s.srv.Alive(); err != nil {
		return err
	}
	if d, why := s.dropped(); d > 0 {
		return fmt.Errorf("%w: %d (%s)", errDropped, d, reasons(why))
	}
	return nil
}

// checkRoundTrip fails a round trip phase that ended early or had too many errors.
func checkRoundTrip(ctx context.Context, rt *RoundTrip, maxErrors int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if n := rt.Errors(); n > maxErrors {
		return fmt.Errorf("%d events failed (first: %s)", n, rt.FirstError)
	}
	if rt.Replies == 0 {
		return errors.New("no replies")
	}
	return nil
}
