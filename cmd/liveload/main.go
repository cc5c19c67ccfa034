// Command liveload measures the live runtime from a separate process: what an idle
// connected view costs the server in memory and goroutines, and how long an event takes
// to come back as a reply while many views are open.
//
// It starts a server binary (the example app) as a child process on 127.0.0.1 in
// production mode (-dev=false) with its -debug-addr endpoint on a second loopback port,
// then:
//
//  1. opens and closes one warm-up view and records the server's baseline memory;
//  2. opens views up to each count of -n, each like a browser would (a dead render GET of
//     the page with its own CSRF cookie, then the websocket upgrade with the page's tokens
//     and a correct Origin), and at each count records the server's RSS (from /proc), its
//     Go heap and stacks (after a GC) and its goroutines;
//  3. lets the first -active views send click events at -rate per second each, jittered,
//     for -duration, and times each reply from the write to the reply with the same ref.
//
// Every phase is bounded in count and in time. On exit, also on Ctrl-C, the tool closes
// its connections and stops the child; the kernel kills the child if the tool dies.
//
//	go build -o /tmp/example ./live/example/cmd/example
//	go run ./cmd/liveload -server /tmp/example
//	go run ./cmd/liveload -server /tmp/example -n 1000 -active 100 -json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// Config is what one run measures and its bounds.
type Config struct {
	Server      string        // the server binary; it must accept -addr, -dev and -debug-addr
	Path        string        // the page to open
	Counts      []int         // idle connection counts to measure at, ascending
	Concurrency int           // connection attempts in flight
	Sources     int           // source addresses: 127.0.0.1 to 127.0.0.Sources
	Settle      time.Duration // wait after reaching a count, before measuring
	Heartbeat   time.Duration // how often each view sends a heartbeat
	RoundTrip   roundTripConfig
	Active      int    // views sending events; 0 skips the round trip phase
	MaxErrors   int    // failed events tolerated before the run fails
	HeapProfile string // where to save the server's heap profile at the largest count

	loadproc.Flags // -timeout, -json, -v
}

func defaultConfig() Config {
	return Config{
		Path:        "/",
		Counts:      []int{1000, 5000, 10000},
		Concurrency: 64,
		Sources:     8,
		Settle:      2 * time.Second,
		Heartbeat:   30 * time.Second,
		Active:      1000,
		RoundTrip: roundTripConfig{
			Event:        "inc",
			Rate:         1,
			Duration:     10 * time.Second,
			MaxEvents:    100_000,
			ReplyTimeout: 5 * time.Second,
		},
		Flags: loadproc.Flags{Timeout: 10 * time.Minute},
	}
}

func main() { os.Exit(liveload(os.Args[1:], os.Stdout, os.Stderr)) }

// liveload runs the command and returns its exit code.
func liveload(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	return loadproc.Main("liveload", stdout, stderr, err, cfg.JSON, func(ctx context.Context) (*Report, error) {
		return run(ctx, cfg, stderr)
	})
}

func parseFlags(args []string, stderr io.Writer) (Config, error) {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("liveload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	counts := fs.String("n", "1000,5000,10000", "idle connection counts to measure at, comma-separated")
	fs.StringVar(&cfg.Server, "server", "", "server binary to start (required), such as the example app")
	fs.StringVar(&cfg.Path, "path", cfg.Path, "live page to open")
	fs.IntVar(&cfg.Concurrency, "concurrency", cfg.Concurrency, "connection attempts in flight")
	fs.IntVar(&cfg.Sources, "sources", cfg.Sources, "source addresses 127.0.0.1..127.0.0.N to spread connections over")
	fs.DurationVar(&cfg.Settle, "settle", cfg.Settle, "wait after reaching a count before measuring")
	fs.DurationVar(&cfg.Heartbeat, "heartbeat", cfg.Heartbeat, "how often each view sends a heartbeat, as browsers do every 30 s")
	fs.IntVar(&cfg.Active, "active", cfg.Active, "views that send events in the round trip phase (0 skips it)")
	fs.StringVar(&cfg.RoundTrip.Event, "event", cfg.RoundTrip.Event, "click event the active views send")
	fs.Float64Var(&cfg.RoundTrip.Rate, "rate", cfg.RoundTrip.Rate, "events per second per active view, on average")
	fs.DurationVar(&cfg.RoundTrip.Duration, "duration", cfg.RoundTrip.Duration, "how long active views send events")
	fs.Int64Var(&cfg.RoundTrip.MaxEvents, "max-events", cfg.RoundTrip.MaxEvents, "events to send at most, in total")
	fs.DurationVar(&cfg.RoundTrip.ReplyTimeout, "reply-timeout", cfg.RoundTrip.ReplyTimeout, "wait for the last replies at most this long")
	fs.IntVar(&cfg.MaxErrors, "max-errors", cfg.MaxErrors, "failed events tolerated before the run fails")
	fs.StringVar(&cfg.HeapProfile, "heap-profile", "", "save the server's heap profile at the largest count to this file (for go tool pprof)")
	if err := cfg.Flags.Parse(fs, args); err != nil { // and -timeout, -json, -v
		return cfg, err
	}
	cfg.Counts = nil
	for f := range strings.SplitSeq(*counts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return cfg, fmt.Errorf("-n: %q is not a positive count", f)
		}
		cfg.Counts = append(cfg.Counts, n)
	}
	return cfg, cfg.validate()
}

func (cfg *Config) validate() error {
	switch {
	case cfg.Server == "":
		return errors.New("-server is required: go build -o /tmp/example ./live/example/cmd/example")
	case len(cfg.Counts) == 0:
		return errors.New("-n: no counts")
	case cfg.Concurrency < 1 || cfg.Sources < 1 || cfg.Sources > 254:
		return errors.New("-concurrency must be at least 1 and -sources between 1 and 254")
	case cfg.Active < 0 || cfg.RoundTrip.Rate <= 0 || cfg.RoundTrip.Duration <= 0 || cfg.RoundTrip.MaxEvents < 0:
		return errors.New("-active, -rate, -duration and -max-events must be positive")
	case cfg.RoundTrip.Rate > 1000:
		return errors.New("-rate is per view; above 1000 events/s it measures the rate limiter")
	case cfg.Timeout <= 0:
		return errors.New("-timeout must be positive")
	case cfg.Heartbeat < 10*time.Millisecond:
		return errors.New("-heartbeat must be at least 10ms")
	}
	slices.Sort(cfg.Counts)
	cfg.Counts = slices.Compact(cfg.Counts)
	return nil
}

// run measures one server and returns what it found, also when it fails part way.
func run(ctx context.Context, cfg Config, logw io.Writer) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	progress := func(format string, args ...any) { fmt.Fprintf(logw, "liveload: "+format+"\n", args...) }

	rep := newReport(cfg)
	defer func() { rep.LoadEnd = loadproc.LoadAvg() }()
	nofile, err := loadproc.RaiseNoFile()
	if err != nil {
		return nil, err
	}
	rep.NoFile = nofile
	// Each view holds one descriptor in the tool and one in the server; leave room for
	// the dead renders' HTTP connections and the process's own files.
	if need := uint64(cfg.Counts[len(cfg.Counts)-1] + cfg.Concurrency + 64); need > nofile {
		return nil, fmt.Errorf("%d connections need about %d file descriptors; RLIMIT_NOFILE is %d (see ulimit -Hn)", cfg.Counts[len(cfg.Counts)-1], need, nofile)
	}

	var serverLog io.Writer
	if cfg.Verbose {
		serverLog = logw
	}
	srv, err := startServer(ctx, cfg.Server, serverLog)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	c := newClient(srv.addr, cfg.Path, cfg.Sources, cfg.Concurrency)
	go c.heartbeats(ctx, cfg.Heartbeat)
	var views []*view
	defer func() { closeViews(views, cfg.Concurrency) }()

	// Warm up: one view through the whole cycle, so that the baseline includes what
	// the server allocates once (templates, pools, the first websocket).
	if err := warmUp(ctx, c, cfg.RoundTrip.Event); err != nil {
		return rep, fmt.Errorf("warm-up: %w", err)
	}
	c.closeIdle()
	if err := loadproc.Sleep(ctx, cfg.Settle); err != nil {
		return rep, err
	}
	if rep.Baseline, err = srv.measure(ctx); err != nil {
		return rep, err
	}
	clientBase := measureClient()

	for _, n := range cfg.Counts {
		var step IdleStep
		views, step, err = idleStep(ctx, srv, c, views, n, &cfg, rep.Baseline)
		if err != nil {
			return rep, err
		}
		rep.Idle = append(rep.Idle, step)
		progress("%d idle views: server RSS %.1f MiB, %.1f KiB RSS and %.1f KiB heap+stack per view (opened in %.1f s)",
			n, mib(step.Server.RSS), step.RSSPerConn/1024, step.HeapStackPerConn/1024, step.OpenSeconds)
	}
	if cfg.HeapProfile != "" {
		if err := srv.saveHeapProfile(ctx, cfg.HeapProfile); err != nil {
			return rep, err
		}
		progress("server heap profile at %d views saved to %s", len(views), cfg.HeapProfile)
	}
	cs := measureClient()
	rep.Client = ClientCost{
		Conns:             len(views),
		HeapStackPerConn:  (float64(cs.heapStack) - float64(clientBase.heapStack)) / float64(len(views)),
		GoroutinesPerConn: float64(cs.goroutines-clientBase.goroutines) / float64(len(views)),
	}

	if cfg.Active > 0 {
		active := views[:min(cfg.Active, len(views))]
		progress("round trip: %d active of %d open views, %g events/s each for %v", len(active), len(views), cfg.RoundTrip.Rate, cfg.RoundTrip.Duration)
		rep.RoundTrip = roundTrip(ctx, c, active, len(views), cfg.RoundTrip)
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if n := rep.RoundTrip.Errors(); n > cfg.MaxErrors {
			return rep, fmt.Errorf("%d events failed (first: %s)", n, rep.RoundTrip.FirstError)
		}
		if rep.RoundTrip.Replies == 0 {
			return rep, errors.New("no replies")
		}
	}
	if err := srv.Alive(); err != nil {
		return rep, err
	}
	if d := c.dropped.Load(); d > 0 {
		return rep, fmt.Errorf("%w: %d", errDropped, d)
	}
	return rep, nil
}

// warmUp opens one view, sends it one event, checks that the reply patches the page and
// closes the view.
func warmUp(ctx context.Context, c *client, event string) error {
	v, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer v.close()
	c.rec.reset()
	if err := v.send(event); err != nil {
		return err
	}
	deadline := time.Now().Add(5 * time.Second)
	for c.rec.replies() == 0 {
		if time.Now().After(deadline) {
			return errors.New("no reply to the first event within 5 s")
		}
		if err := loadproc.Sleep(ctx, 5*time.Millisecond); err != nil {
			return err
		}
	}
	c.rec.mu.Lock()
	defer c.rec.mu.Unlock()
	if c.rec.firstErr != "" {
		return errors.New(c.rec.firstErr)
	}
	if c.rec.withOps == 0 {
		return fmt.Errorf("the reply to %q changed nothing: is %s a counter?", event, c.path)
	}
	return nil
}
