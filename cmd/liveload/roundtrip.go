package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The round trip phase: some of the open views send click events at a steady, jittered
// rate, open loop (a view does not wait for a reply before its next event, so a slow
// server shows up as latency rather than as fewer events), and the reader of each view
// times the reply with the same ref from just before the write.

// roundTripConfig bounds the phase in time and in count.
type roundTripConfig struct {
	Event        string        // event name, "inc"
	Rate         float64       // events per second per view, on average
	Duration     time.Duration // how long views keep sending
	MaxEvents    int64         // total events across views
	ReplyTimeout time.Duration // how long to wait for the last replies
	LatencyLog   string        // where to write every reply's arrival and latency; "" for nowhere
}

// RoundTrip is what the phase measured. Latencies are in microseconds.
type RoundTrip struct {
	Active        int     `json:"active"`
	Open          int     `json:"open"`
	RatePerConn   float64 `json:"rate_per_conn"`
	Seconds       float64 `json:"seconds"`
	Sent          int64   `json:"sent"`
	Replies       int     `json:"replies"`
	WithOps       int     `json:"replies_with_ops"`
	ErrorReplies  int     `json:"error_replies"`
	ServerErrors  int     `json:"server_errors"`
	WriteErrors   int64   `json:"write_errors"`
	Timeouts      int     `json:"timeouts"`
	OfferedPerSec float64 `json:"offered_per_sec"` // active views times the rate
	SentPerSec    float64 `json:"sent_per_sec"`    // events written per second while sending
	EventsPerSec  float64 `json:"events_per_sec"`  // replies per second, to the last reply
	P50us         float64 `json:"p50_us"`
	P90us         float64 `json:"p90_us"`
	P99us         float64 `json:"p99_us"`
	MaxUs         float64 `json:"max_us"`
	ReplyWireB    float64 `json:"reply_wire_bytes"` // mean reply frame, websocket header included
	FirstError    string  `json:"first_error,omitempty"`
}

// Errors is the number of events that failed in any way.
func (r *RoundTrip) Errors() int {
	return r.ErrorReplies + r.ServerErrors + int(r.WriteErrors) + r.Timeouts
}

// recorder collects replies from every view's reader.
type recorder struct {
	mu           sync.Mutex
	start        time.Time       // when the phase began
	logArrivals  bool            // keep at, for the latency log
	at           []time.Duration // when each reply in lat arrived, since start
	lat          []time.Duration
	withOps      int
	errReplies   int
	serverErrors int
	wireBytes    int64
	last         time.Time
	firstErr     string
}

// reset starts a phase at start; logArrivals keeps each reply's arrival time.
func (r *recorder) reset(start time.Time, logArrivals bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.start, r.logArrivals = start, logArrivals
	r.lat, r.at = r.lat[:0], r.at[:0]
	r.withOps, r.errReplies, r.serverErrors, r.wireBytes = 0, 0, 0, 0
	r.last, r.firstErr = time.Time{}, ""
}

func (r *recorder) reply(d time.Duration, size int, ops bool, errMsg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	r.lat = append(r.lat, d)
	if r.logArrivals {
		r.at = append(r.at, now.Sub(r.start))
	}
	r.wireBytes += int64(size + wsHeader(size))
	r.last = now
	if ops {
		r.withOps++
	}
	if errMsg != "" {
		r.errReplies++
		r.noteErr("reply: " + errMsg)
	}
}

func (r *recorder) serverError(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.serverErrors++
	r.noteErr("error frame: " + msg)
}

func (r *recorder) noteErr(msg string) {
	if r.firstErr == "" {
		r.firstErr = msg
	}
}

func (r *recorder) replies() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.lat)
}

// wsHeader is the size of an unmasked (server to client) websocket frame header.
func wsHeader(payload int) int {
	switch {
	case payload < 126:
		return 2
	case payload < 1<<16:
		return 4
	}
	return 10
}

// roundTrip runs the phase on active and reports it; open is the number of open views.
// The error is only about writing cfg.LatencyLog.
func roundTrip(ctx context.Context, c *client, active []*view, open int, cfg roundTripConfig) (*RoundTrip, error) {
	var (
		budget    atomic.Int64
		writeErrs atomic.Int64
		wg        sync.WaitGroup
	)
	budget.Store(cfg.MaxEvents)
	start := time.Now()
	c.rec.reset(start, cfg.LatencyLog != "")
	end := start.Add(cfg.Duration)
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	for _, v := range active {
		wg.Add(1)
		go func() {
			defer wg.Done()
			drive(ctx, v, cfg.Event, interval, end, &budget, &writeErrs)
		}()
	}
	wg.Wait()
	sent := cfg.MaxEvents - max(budget.Load(), 0)
	sendEnd := time.Now()

	// Wait for the replies still on their way.
	deadline := time.Now().Add(cfg.ReplyTimeout)
	for time.Now().Before(deadline) && ctx.Err() == nil && outstanding(active) > 0 {
		time.Sleep(10 * time.Millisecond)
	}
	timeouts := outstanding(active)

	r := c.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	lat := slices.Clone(r.lat)
	slices.Sort(lat)
	last := sendEnd
	if r.last.After(last) {
		last = r.last
	}
	res := &RoundTrip{
		Active:        len(active),
		Open:          open,
		RatePerConn:   cfg.Rate,
		Seconds:       last.Sub(start).Seconds(),
		Sent:          sent - writeErrs.Load(),
		Replies:       len(lat),
		WithOps:       r.withOps,
		ErrorReplies:  r.errReplies,
		ServerErrors:  r.serverErrors,
		WriteErrors:   writeErrs.Load(),
		Timeouts:      timeouts,
		FirstError:    r.firstErr,
		OfferedPerSec: float64(len(active)) * cfg.Rate,
	}
	if d := sendEnd.Sub(start).Seconds(); d > 0 {
		res.SentPerSec = float64(res.Sent) / d
	}
	if len(lat) > 0 {
		res.EventsPerSec = float64(len(lat)) / res.Seconds
		res.P50us = micros(percentile(lat, 0.50))
		res.P90us = micros(percentile(lat, 0.90))
		res.P99us = micros(percentile(lat, 0.99))
		res.MaxUs = micros(lat[len(lat)-1])
		res.ReplyWireB = float64(r.wireBytes) / float64(len(lat))
	}
	if cfg.LatencyLog != "" {
		if err := writeLatencyLog(cfg.LatencyLog, r.at, r.lat); err != nil {
			return res, fmt.Errorf("latency log: %w", err)
		}
	}
	return res, nil
}

// writeLatencyLog writes one line per reply, in the order they arrived: its arrival in
// microseconds since the phase began, and its latency in microseconds. Plotted, or
// bucketed by arrival, it shows when the slow replies came: in bursts, and next to what
// (the server's collections in its GODEBUG=gctrace=1 output, say).
func writeLatencyLog(path string, at, lat []time.Duration) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "# arrival_us latency_us")
	for i := range lat {
		fmt.Fprintf(w, "%d %d\n", at[i].Microseconds(), lat[i].Microseconds())
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// drive sends events from one view until end, the shared budget runs out or ctx ends. The
// first event comes at a random point of the first interval so that views do not send in
// step; each gap after that is uniform in [interval/2, 3*interval/2].
func drive(ctx context.Context, v *view, event string, interval time.Duration, end time.Time, budget, writeErrs *atomic.Int64) {
	next := time.Now().Add(rand.N(interval))
	t := time.NewTimer(time.Until(next))
	defer t.Stop()
	for next.Before(end) {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if budget.Add(-1) < 0 {
			return
		}
		if err := v.send(event); err != nil {
			writeErrs.Add(1)
			v.c.rec.mu.Lock()
			v.c.rec.noteErr("write: " + err.Error())
			v.c.rec.mu.Unlock()
			return
		}
		next = next.Add(interval/2 + rand.N(interval))
		t.Reset(time.Until(next))
	}
}

func outstanding(views []*view) int {
	n := 0
	for _, v := range views {
		n += v.outstanding()
	}
	return n
}
