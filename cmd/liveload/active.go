package main

import (
	"context"
	"fmt"
	"io"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// The active scenario: many open views of the counter, of which a share click at a steady
// rate each, so that the server handles thousands of events a second while it holds the
// rest idle. It is the idle scenario's round trip phase at a higher rate, on its own.

// activeConfig bounds the active scenario.
type activeConfig struct {
	Views     int // open views
	Active    int // of which this many send events
	RoundTrip roundTripConfig
}

// ActiveRun is what the active scenario measured.
type ActiveRun struct {
	Path         string         `json:"path"`
	Views        int            `json:"views"`
	Sources      int            `json:"sources"`
	MaxPerSource int            `json:"max_per_source"`
	OpenSeconds  float64        `json:"open_seconds"`
	LoadStart    string         `json:"load_start"`
	LoadEnd      string         `json:"load_end"`
	Dropped      int            `json:"dropped"`
	CloseCodes   map[string]int `json:"close_codes,omitempty"`
	RoundTrip    *RoundTrip     `json:"round_trip,omitempty"`
}

// runActive runs the active scenario.
func runActive(ctx context.Context, cfg *Config, logw io.Writer, progress func(string, ...any)) (*ActiveRun, error) {
	ac := cfg.ActiveRound
	a := &ActiveRun{Path: cfg.Path, LoadStart: loadproc.LoadAvg()}
	defer func() { a.LoadEnd = loadproc.LoadAvg() }()
	s, err := startSession(ctx, cfg, cfg.Path, false, ac.Views, logw)
	if err != nil {
		return nil, err
	}
	defer s.close()
	a.Sources = len(s.c.sources)
	if err := warmUp(ctx, s.c, ac.RoundTrip.Event); err != nil {
		return a, fmt.Errorf("warm-up: %w", err)
	}
	took, err := s.open(ctx, ac.Views)
	a.OpenSeconds, a.Views, a.MaxPerSource = took.Seconds(), len(s.views), s.c.maxPerSource()
	if err != nil {
		return a, err
	}
	if err := loadproc.Sleep(ctx, cfg.Settle); err != nil {
		return a, err
	}
	active := s.views[:min(ac.Active, len(s.views))]
	progress("active: %d of %d open views, %g events/s each for %v (%.0f events/s offered)",
		len(active), len(s.views), ac.RoundTrip.Rate, ac.RoundTrip.Duration, float64(len(active))*ac.RoundTrip.Rate)
	a.RoundTrip, err = roundTrip(ctx, s.c, active, len(s.views), ac.RoundTrip)
	if err != nil {
		return a, err
	}
	a.Dropped, a.CloseCodes = s.dropped()
	progress("active: %.0f events/s answered, p50 %.2f ms, p99 %.2f ms, %d errors",
		a.RoundTrip.EventsPerSec, a.RoundTrip.P50us/1000, a.RoundTrip.P99us/1000, a.RoundTrip.Errors())
	if err := checkRoundTrip(ctx, a.RoundTrip, cfg.MaxErrors); err != nil {
		return a, err
	}
	if err := s.srv.Alive(); err != nil {
		return a, err
	}
	if a.Dropped > 0 {
		return a, fmt.Errorf("%w: %d (%s)", errDropped, a.Dropped, reasons(a.CloseCodes))
	}
	return a, nil
}
