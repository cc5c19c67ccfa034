package main

import (
	"context"
	"io"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// The burst scenario: a few views of the feed, and one request that makes the server
// publish many updates in a tight loop, faster than any socket can send them. A runtime
// may render fewer frames than updates (each frame showing the latest), but it should
// neither drop the viewers nor leave them behind.

// burstConfig bounds the burst scenario.
type burstConfig struct {
	Viewers   int // views of the feed
	Publishes int // updates the server publishes in one loop
}

// Burst is what the burst scenario measured.
type Burst struct {
	FeedResult
	Publishes int `json:"publishes"`
}

// runBurst runs the burst scenario.
func runBurst(ctx context.Context, cfg *Config, logw io.Writer, progress func(string, ...any)) (*Burst, error) {
	b := &Burst{Publishes: cfg.Burst.Publishes}
	b.LoadStart = loadproc.LoadAvg()
	defer func() { b.LoadEnd = loadproc.LoadAvg() }()
	s, err := startSession(ctx, cfg, cfg.FeedPath, true, cfg.Burst.Viewers, logw)
	if err != nil {
		return nil, err
	}
	defer s.close()
	if err := openFeed(ctx, s, cfg, cfg.Burst.Viewers, &b.FeedResult); err != nil {
		return b, err
	}
	progress("burst: %d views of %s open; the server publishes %d updates in one loop", b.Views, b.Path, b.Publishes)
	pubs := publishFeed(ctx, s, 1, b.Publishes, 1, &b.FeedResult)
	if err := awaitFinal(ctx, s.views, b.FinalVersion, cfg.Converge); err != nil {
		return b, err
	}
	if err := finishFeed(ctx, s, pubs, cfg.heapProfileFile("burst"), &b.FeedResult); err != nil {
		return b, err
	}
	progress("burst: %d of %d views final after %.1f ms at most, %d dropped", b.Final, b.Views, b.ToFinal.MaxUs/1000, b.Dropped)
	if err := s.srv.Alive(); err != nil {
		return b, err
	}
	return b, b.check()
}
