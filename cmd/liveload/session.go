package main

import (
	"context"
	"io"
	"time"
)

// session is one scenario's server, started for it alone so that no scenario measures
// what an earlier one left behind, and the client that loads it.
type session struct {
	srv   *server
	c     *client
	views []*view
	conc  int
	stop  context.CancelFunc // ends the heartbeats
}

// startSession starts the server and a client for path that will open at most maxViews
// views. A feed session starts the server with -feed-control and follows what its views
// show (feed.go).
func startSession(ctx context.Context, cfg *Config, path string, feed bool, maxViews int, logw io.Writer) (*session, error) {
	var serverLog io.Writer
	if cfg.Verbose {
		serverLog = logw
	}
	var args []string
	if feed {
		args = append(args, "-feed-control")
	}
	srv, err := startServer(ctx, cfg.Server, serverLog, args...)
	if err != nil {
		return nil, err
	}
	c := newClient(srv.addr, path, cfg.sourcesFor(maxViews), cfg.Concurrency)
	c.feed = feed
	hctx, stop := context.WithCancel(ctx)
	go c.heartbeats(hctx, cfg.Heartbeat)
	return &session{srv: srv, c: c, conc: cfg.Concurrency, stop: stop}, nil
}

// open opens views until there are n and returns how long that took.
func (s *session) open(ctx context.Context, n int) (time.Duration, error) {
	start := time.Now()
	var err error
	s.views, err = s.c.openViews(ctx, s.views, n, s.conc)
	s.c.closeIdle()
	return time.Since(start), err
}

// close closes the views and stops the server.
func (s *session) close() {
	s.stop()
	closeViews(s.views, s.conc)
	s.srv.Stop()
}

// dropped returns how many views the server closed, or that failed, and why.
func (s *session) dropped() (int, map[string]int) {
	return int(s.c.dropped.Load()), s.c.dropReasons()
}
