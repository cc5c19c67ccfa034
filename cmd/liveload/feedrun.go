package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// What the fanout and burst scenarios share: views of the feed, updates asked of the
// server through its load-only endpoint (POST /debug/feed on the debug address, served
// with -feed-control), the wait until every view shows the last update, and the check that
// each shows what the server's own dead render shows then.

// FeedResult is what the fanout and burst scenarios measure alike. Sizes are bytes.
type FeedResult struct {
	Path         string  `json:"path"`
	Views        int     `json:"views"`
	Sources      int     `json:"sources"`        // source addresses the views came from
	MaxPerSource int     `json:"max_per_source"` // most views open from one of them
	OpenSeconds  float64 `json:"open_seconds"`
	LoadStart    string  `json:"load_start"`
	LoadEnd      string  `json:"load_end"`

	Published      int     `json:"published"` // updates the server confirmed
	PublishErrors  int     `json:"publish_errors"`
	FirstError     string  `json:"first_error,omitempty"`
	PublishSeconds float64 `json:"publish_seconds"` // from the first request to the last answer
	FinalVersion   int64   `json:"final_version"`

	Final      int            `json:"final"`   // views that ended showing the server's final state
	Dropped    int            `json:"dropped"` // views the server closed, or whose connection failed
	CloseCodes map[string]int `json:"close_codes,omitempty"`
	Frames     Spread         `json:"frames_per_view"` // frames with feed updates each view received
	// ToFinal is, over the views that got there, the time from the request of the last
	// update to the frame that brought each view to the final version.
	ToFinal Latency `json:"to_final"`

	// ServerCPU is the CPU time the server spent from the first update until every view
	// was final, and CPUPerViewUpdate that divided by views × updates: what delivering one
	// update to one view cost, a figure a busy machine barely changes.
	ServerCPU        float64 `json:"server_cpu_seconds"`
	CPUPerViewUpdate float64 `json:"server_cpu_us_per_view_update"`
	cpuStart         time.Duration

	IdleRSS   uint64  `json:"idle_rss_bytes"` // with every view open and settled, after a GC
	PeakRSS   uint64  `json:"peak_rss_bytes"` // the most from then until every view was final
	PeakRatio float64 `json:"peak_to_idle_rss"`
	After     sample  `json:"after"` // once every view was final, after a GC
}

// openFeed opens n views of the feed, lets the server settle, records its idle RSS and
// starts a new peak.
func openFeed(ctx context.Context, s *session, cfg *Config, n int, res *FeedResult) error {
	res.Path, res.Sources = s.c.path, len(s.c.sources)
	took, err := s.open(ctx, n)
	res.OpenSeconds, res.Views = took.Seconds(), len(s.views)
	res.MaxPerSource = s.c.maxPerSource()
	if err != nil {
		return err
	}
	if err := loadproc.Sleep(ctx, cfg.Settle); err != nil {
		return err
	}
	idle, err := s.srv.measure(ctx)
	if err != nil {
		return err
	}
	res.IdleRSS = idle.RSS
	if err := loadproc.ResetPeak(s.srv.PID()); err != nil {
		return fmt.Errorf("reset the server's peak RSS: %w", err)
	}
	if res.cpuStart, err = loadproc.ReadCPU(s.srv.PID()); err != nil {
		return err
	}
	return nil
}

// publishFeed asks the server for requests updates requests, each of perRequest updates
// published in a tight loop, one request every 1/rate seconds whether or not the last
// has been answered. It returns, for each answered request, the version it ended at and
// when it was written; res gets the counts.
func publishFeed(ctx context.Context, s *session, requests, perRequest int, rate float64, res *FeedResult) []published {
	var (
		mu   sync.Mutex
		pubs []published
		wg   sync.WaitGroup
		last time.Duration
	)
	url := "http://" + s.srv.debugAddr + "/debug/feed?n=" + strconv.Itoa(perRequest)
	start := time.Now()
	first := s.c.since()
	interval := time.Duration(float64(time.Second) / rate)
	for i := range requests {
		if err := loadproc.Sleep(ctx, time.Until(start.Add(time.Duration(i)*interval))); err != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := s.c.since()
			v, err := postFeed(ctx, s.srv.debug, url)
			mu.Lock()
			defer mu.Unlock()
			last = max(last, s.c.since())
			if err != nil {
				res.PublishErrors++
				if res.FirstError == "" {
					res.FirstError = err.Error()
				}
				return
			}
			res.Published += perRequest
			pubs = append(pubs, published{version: v, at: at})
		}()
	}
	wg.Wait()
	res.PublishSeconds = (last - first).Seconds()
	slices.SortFunc(pubs, func(a, b published) int { return cmp.Compare(a.version, b.version) })
	if len(pubs) > 0 {
		res.FinalVersion = pubs[len(pubs)-1].version
	}
	return pubs
}

// postFeed makes one request of the feed endpoint and returns the version it reached.
func postFeed(ctx context.Context, hc *http.Client, url string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("feed update: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("feed update: HTTP %d: %.200s (was the server started with -feed-control?)", resp.StatusCode, body)
	}
	var r struct{ Version int64 }
	if err := json.Unmarshal(body, &r); err != nil || r.Version <= 0 {
		return 0, fmt.Errorf("feed update: unexpected answer %.200q", body)
	}
	return r.Version, nil
}

// awaitFinal waits until every view shows version final or has ended, or limit passes.
func awaitFinal(ctx context.Context, views []*view, final int64, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		waiting := false
		for _, v := range views {
			if !v.ended() && !v.feed.reached(final) {
				waiting = true
				break
			}
		}
		if !waiting || time.Now().After(deadline) {
			return nil
		}
		if err := loadproc.Sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
}

// finishFeed reads the server's peak and final memory, takes the server's dead render of
// the feed as the final state, and checks every view against it. pubs are the updates
// publishFeed returned. When profile is not "", it saves the server's heap profile there
// first.
func finishFeed(ctx context.Context, s *session, pubs []published, profile string, res *FeedResult) error {
	mem, err := loadproc.ReadMemory(s.srv.PID())
	if err != nil {
		return fmt.Errorf("read server RSS: %w", err)
	}
	res.PeakRSS = mem.HWM
	cpu, err := loadproc.ReadCPU(s.srv.PID())
	if err != nil {
		return err
	}
	res.ServerCPU = (cpu - res.cpuStart).Seconds()
	if n := res.Views * res.Published; n > 0 {
		res.CPUPerViewUpdate = res.ServerCPU * 1e6 / float64(n)
	}
	if res.IdleRSS > 0 {
		res.PeakRatio = float64(res.PeakRSS) / float64(res.IdleRSS)
	}
	if res.After, err = s.srv.measure(ctx); err != nil {
		return err
	}
	if profile != "" {
		if err := s.srv.saveHeapProfile(ctx, profile); err != nil {
			return err
		}
	}
	want, err := deadFeed(ctx, s.c)
	if err != nil {
		return err
	}
	if want.Version != res.FinalVersion {
		return fmt.Errorf("the server's feed is at version %d after the updates, not %d", want.Version, res.FinalVersion)
	}
	var finalAt time.Duration
	if len(pubs) > 0 {
		finalAt = pubs[len(pubs)-1].at
	}
	frames := make([]int, 0, len(s.views))
	var toFinal []time.Duration
	for _, v := range s.views {
		f := v.feed
		f.mu.Lock()
		if f.state.equal(want) {
			res.Final++
		}
		frames = append(frames, f.frames)
		if at, ok := timeToVersion(f.arrivals, want.Version); ok {
			toFinal = append(toFinal, at-finalAt)
		}
		f.mu.Unlock()
	}
	res.Frames = spread(frames)
	res.ToFinal = summarize(toFinal)
	res.Dropped, res.CloseCodes = s.dropped()
	return nil
}

// deadFeed returns what the server's dead render of the feed shows.
func deadFeed(ctx context.Context, c *client) (feedState, error) {
	var st feedState
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+c.path, nil)
	if err != nil {
		return st, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return st, fmt.Errorf("dead render of the feed: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return st, fmt.Errorf("dead render of the feed: %w", err)
	}
	if resp.StatusCode != http.StatusOK || !scanFeed(body, &st) {
		return st, fmt.Errorf("dead render of %s: HTTP %d, %w", c.path, resp.StatusCode, errNotFeed)
	}
	return st, nil
}

// check returns what went wrong in a feed scenario: views dropped, views that did not end
// in the final state, failed updates.
func (res *FeedResult) check() error {
	var errs []error
	if res.PublishErrors > 0 {
		errs = append(errs, fmt.Errorf("%d update requests failed (first: %s)", res.PublishErrors, res.FirstError))
	}
	if res.Dropped > 0 {
		errs = append(errs, fmt.Errorf("%w: %d of %d views (%s)", errDropped, res.Dropped, res.Views, reasons(res.CloseCodes)))
	}
	if n := res.Views - res.Final; n > 0 {
		errs = append(errs, fmt.Errorf("%d of %d views did not end showing the final state (version %d)", n, res.Views, res.FinalVersion))
	}
	return joinErrors(errs)
}
