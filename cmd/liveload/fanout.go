package main

import (
	"context"
	"io"
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// The fanout scenario: many views of the feed, and updates at a steady rate, each
// changing one row and published on its own, so that every update fans out to every view.

// fanOutConfig bounds the fanout scenario.
type fanOutConfig struct {
	Views   int     // views of the feed
	Updates int     // updates, one request each
	Rate    float64 // requests per second
}

// FanOut is what the fanout scenario measured. Latencies are in microseconds.
type FanOut struct {
	FeedResult
	Updates int     `json:"updates"`
	Rate    float64 `json:"update_rate"` // updates per second asked for
	// Latency is, for every view and every update, the time from the update's request to
	// the first frame that showed it (or a later update) at the view.
	Latency Latency `json:"latency"`
	Missed  int     `json:"missed"` // (view, update) pairs that never arrived
}

// runFanOut runs the fanout scenario.
func runFanOut(ctx context.Context, cfg *Config, logw io.Writer, progress func(string, ...any)) (*FanOut, error) {
	fo := &FanOut{Updates: cfg.FanOut.Updates, Rate: cfg.FanOut.Rate}
	fo.LoadStart = loadproc.LoadAvg()
	defer func() { fo.LoadEnd = loadproc.LoadAvg() }()
	s, err := startSession(ctx, cfg, cfg.FeedPath, true, cfg.FanOut.Views, logw)
	if err != nil {
		return nil, err
	}
	defer s.close()
	if err := openFeed(ctx, s, cfg, cfg.FanOut.Views, &fo.FeedResult); err != nil {
		return fo, err
	}
	progress("fanout: %d views of %s from %s open in %.1f s; %d updates at %g/s",
		fo.Views, fo.Path, sourcesText(fo.Sources, fo.MaxPerSource), fo.OpenSeconds, fo.Updates, fo.Rate)
	pubs := publishFeed(ctx, s, fo.Updates, 1, fo.Rate, &fo.FeedResult)
	if err := awaitFinal(ctx, s.views, fo.FinalVersion, cfg.Converge); err != nil {
		return fo, err
	}
	if err := finishFeed(ctx, s, pubs, cfg.heapProfileFile("fanout"), &fo.FeedResult); err != nil {
		return fo, err
	}
	arrivals := make([][]arrival, len(s.views))
	for i, v := range s.views {
		v.feed.mu.Lock()
		arrivals[i] = v.feed.arrivals
		v.feed.mu.Unlock()
	}
	lat, missed := updateLatencies(pubs, arrivals)
	fo.Latency, fo.Missed = summarize(lat), missed
	progress("fanout: p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d of %d views final, %d dropped",
		fo.Latency.P50us/1000, fo.Latency.P99us/1000, fo.Latency.MaxUs/1000, fo.Final, fo.Views, fo.Dropped)
	if err := s.srv.Alive(); err != nil {
		return fo, err
	}
	return fo, fo.check()
}

// fanOutTargets are the goals docs/performance.md sets for the fanout scenario.
var fanOutTargets = struct {
	P99       time.Duration
	PeakRatio float64
}{P99: 200 * time.Millisecond, PeakRatio: 2}
