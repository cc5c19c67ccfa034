// Command liveload measures the live runtime from a separate process, over real TCP on
// loopback, in scenarios chosen with -scenario:
//
//   - idle (the default): what an idle connected view costs the server in memory and
//     goroutines at each count of -n, then how long an event takes to come back while
//     -active of the views send clicks at -rate per second each, jittered, for -duration;
//   - fanout: -n views (10,000) of the example's /feed page, a 25-row list; the tool asks
//     the server for -updates updates (100) at -update-rate per second (50), each changing
//     one row and published on its own; it times each update from the request to the patch
//     at every view, checks that every view ends showing what the server shows, and reads
//     the server's peak RSS against its idle RSS;
//   - burst: -n viewers (100) of /feed; one request makes the server publish -burst
//     updates (1,000) in a tight loop; it counts the frames each viewer got and the time to
//     the final state, and which viewers the server dropped, with their close codes;
//   - active: -n views (10,000) of the counter, of which -active (1,000) click at -rate (10)
//     per second each: round trips and the throughput achieved against the rate offered;
//   - all: idle (memory only), fanout, burst and active, one after the other.
//
// Each scenario starts its own server (the example app) as a child process on 127.0.0.1 in
// production mode (-dev=false) with its -debug-addr endpoint on a second loopback port, and
// -feed-control for the feed scenarios. It opens every view like a browser would (a dead
// render GET of the page with its own CSRF cookie, then the websocket upgrade with the
// page's tokens and a correct Origin), from source addresses 127.0.0.1 to 127.0.0.N with at
// most -per-source websockets each, because a server may cap the sockets of one client
// address. Every view sends a heartbeat each -heartbeat, spread evenly over the views as
// browsers' timers are. The tool keeps its own work per frame small (pooled buffers,
// replies read without a JSON decoder) so that, on the cores it shares with the server,
// its own garbage collections do not show up in the server's latency. Every report
// carries the load average at the start and the end.
//
// Every scenario is bounded in count and in time. On exit, also on Ctrl-C, the tool closes
// its connections and stops the child; the kernel kills the child if the tool dies.
//
//	go build -o /tmp/example ./live/example/cmd/example
//	go run ./cmd/liveload -server /tmp/example
//	go run ./cmd/liveload -server /tmp/example -n 1000 -active 100 -json
//	go run ./cmd/liveload -server /tmp/example -scenario fanout
//	go run ./cmd/liveload -server /tmp/example -scenario all -n 200
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// Config is what one run measures and its bounds.
type Config struct {
	Server      string        // the server binary; it must accept -addr, -dev and -debug-addr
	Scenarios   []string      // what to measure, in this order: idle, fanout, burst, active
	Path        string        // the page of the idle and active scenarios, a counter
	FeedPath    string        // the page of the fanout and burst scenarios, the example's feed
	Counts      []int         // idle connection counts to measure at, ascending
	Concurrency int           // connection attempts in flight
	Sources     int           // source addresses 127.0.0.1 to 127.0.0.Sources; 0: enough for PerSource
	PerSource   int           // websockets per source address at most, when Sources is 0
	Settle      time.Duration // wait after reaching a count, before measuring
	Heartbeat   time.Duration // how often each view sends a heartbeat
	RoundTrip   roundTripConfig
	Active      int    // views sending events after the idle phase; 0 skips the round trip phase
	MaxErrors   int    // failed events tolerated before the run fails
	HeapProfile string // where to save the server's heap profile (see heapProfileFile)
	CPUProfile  string // where to save this tool's CPU profile, for the whole run

	FanOut      fanOutConfig
	Burst       burstConfig
	ActiveRound activeConfig
	Converge    time.Duration // how long feed views may take to show the last update

	loadproc.Flags // -timeout, -json, -v
}

// scenarios in the order a run takes them.
var scenarios = []string{"idle", "fanout", "burst", "active"}

func defaultConfig() Config {
	return Config{
		Scenarios:   []string{"idle"},
		Path:        "/",
		FeedPath:    "/feed",
		Counts:      []int{1000, 5000, 10000},
		Concurrency: 64,
		PerSource:   200,
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
		FanOut: fanOutConfig{Views: 10_000, Updates: 100, Rate: 50},
		Burst:  burstConfig{Viewers: 100, Publishes: 1000},
		ActiveRound: activeConfig{
			Views:  10_000,
			Active: 1000,
			RoundTrip: roundTripConfig{
				Event:        "inc",
				Rate:         10,
				Duration:     10 * time.Second,
				MaxEvents:    200_000,
				ReplyTimeout: 5 * time.Second,
			},
		},
		Converge: 30 * time.Second,
		Flags:    loadproc.Flags{Timeout: 10 * time.Minute},
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
	scenario := fs.String("scenario", "idle", "what to measure, comma-separated: idle, fanout, burst, active, or all (idle then without round trips)")
	counts := fs.String("n", "1000,5000,10000", "views: idle counts to measure at, comma-separated; for fanout, burst and active the largest (defaults 10000, 100, 10000)")
	fs.StringVar(&cfg.Server, "server", "", "server binary to start (required), such as the example app")
	fs.StringVar(&cfg.Path, "path", cfg.Path, "live page of the idle and active scenarios: a counter")
	fs.StringVar(&cfg.FeedPath, "feed-path", cfg.FeedPath, "live page of the fanout and burst scenarios: the example's feed")
	fs.IntVar(&cfg.Concurrency, "concurrency", cfg.Concurrency, "connection attempts in flight")
	fs.IntVar(&cfg.Sources, "sources", cfg.Sources, "source addresses 127.0.0.1..127.0.0.N to spread connections over (0: enough for -per-source)")
	fs.IntVar(&cfg.PerSource, "per-source", cfg.PerSource, "websockets per source address at most, when -sources is 0")
	fs.DurationVar(&cfg.Settle, "settle", cfg.Settle, "wait after reaching a count before measuring")
	fs.DurationVar(&cfg.Heartbeat, "heartbeat", cfg.Heartbeat, "how often each view sends a heartbeat, as browsers do every 30 s")
	fs.IntVar(&cfg.Active, "active", cfg.Active, "views that send events in the round trip phases (0 skips idle's)")
	fs.StringVar(&cfg.RoundTrip.Event, "event", cfg.RoundTrip.Event, "click event the active views send")
	fs.Float64Var(&cfg.RoundTrip.Rate, "rate", cfg.RoundTrip.Rate, "events per second per active view, on average (default 10 in the active scenario)")
	fs.DurationVar(&cfg.RoundTrip.Duration, "duration", cfg.RoundTrip.Duration, "how long active views send events")
	fs.Int64Var(&cfg.RoundTrip.MaxEvents, "max-events", cfg.RoundTrip.MaxEvents, "events to send at most, in total (default 200000 in the active scenario)")
	fs.DurationVar(&cfg.RoundTrip.ReplyTimeout, "reply-timeout", cfg.RoundTrip.ReplyTimeout, "wait for the last replies at most this long")
	fs.StringVar(&cfg.RoundTrip.LatencyLog, "latency-log", "", "write every reply of the round trip phase to this file: when it arrived and its latency, in µs, one per line")
	fs.IntVar(&cfg.MaxErrors, "max-errors", cfg.MaxErrors, "failed events tolerated before the run fails")
	fs.StringVar(&cfg.HeapProfile, "heap-profile", "", "save the server's heap profile to this file (for go tool pprof): idle at the largest count, fanout and burst once the views are final; more than one scenario adds its name, as in heap.fanout.pb.gz")
	fs.StringVar(&cfg.CPUProfile, "cpu-profile", "", "save this tool's own CPU profile, over the whole run, to this file: what the load costs the client, which shares the machine with the server")
	fs.IntVar(&cfg.FanOut.Updates, "updates", cfg.FanOut.Updates, "fanout: updates to publish, one row each")
	fs.Float64Var(&cfg.FanOut.Rate, "update-rate", cfg.FanOut.Rate, "fanout: updates per second")
	fs.IntVar(&cfg.Burst.Publishes, "burst", cfg.Burst.Publishes, "burst: updates the server publishes in one tight loop")
	fs.DurationVar(&cfg.Converge, "converge-timeout", cfg.Converge, "fanout and burst: how long views may take to show the last update")
	if err := cfg.Flags.Parse(fs, args); err != nil { // and -timeout, -json, -v
		return cfg, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var err error
	if cfg.Scenarios, err = parseScenarios(*scenario); err != nil {
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
	// The round trip flags set the idle scenario's phase; those given also set the
	// active scenario's, which otherwise keeps its own defaults.
	if set["n"] {
		n := slices.Max(cfg.Counts)
		cfg.FanOut.Views, cfg.Burst.Viewers, cfg.ActiveRound.Views = n, n, n
	}
	if set["active"] {
		cfg.ActiveRound.Active = cfg.Active
	}
	a, rt := &cfg.ActiveRound.RoundTrip, cfg.RoundTrip
	for name, apply := range map[string]func(){
		"event":         func() { a.Event = rt.Event },
		"rate":          func() { a.Rate = rt.Rate },
		"duration":      func() { a.Duration = rt.Duration },
		"max-events":    func() { a.MaxEvents = rt.MaxEvents },
		"reply-timeout": func() { a.ReplyTimeout = rt.ReplyTimeout },
		"latency-log":   func() { a.LatencyLog = rt.LatencyLog },
	} {
		if set[name] {
			apply()
		}
	}
	if len(cfg.Scenarios) > 1 && slices.Contains(cfg.Scenarios, "active") && !set["active"] {
		cfg.Active = 0 // the active scenario measures round trips
	}
	return cfg, cfg.validate()
}

// parseScenarios reads -scenario: names separated by commas, or all. It returns them in
// the order a run takes them.
func parseScenarios(s string) ([]string, error) {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		switch f = strings.TrimSpace(f); {
		case f == "all":
			return slices.Clone(scenarios), nil
		case slices.Contains(scenarios, f):
			out = append(out, f)
		default:
			return nil, fmt.Errorf("-scenario: %q is not one of %s or all", f, strings.Join(scenarios, ", "))
		}
	}
	slices.SortFunc(out, func(a, b string) int { return slices.Index(scenarios, a) - slices.Index(scenarios, b) })
	return slices.Compact(out), nil
}

func (cfg *Config) validate() error {
	rts := []roundTripConfig{cfg.RoundTrip, cfg.ActiveRound.RoundTrip}
	switch {
	case cfg.Server == "":
		return errors.New("-server is required: go build -o /tmp/example ./live/example/cmd/example")
	case len(cfg.Scenarios) == 0:
		return errors.New("-scenario: none")
	case len(cfg.Counts) == 0:
		return errors.New("-n: no counts")
	case cfg.Concurrency < 1 || cfg.Sources < 0 || cfg.Sources > 254 || cfg.PerSource < 1:
		return errors.New("-concurrency and -per-source must be at least 1 and -sources between 0 and 254")
	case cfg.Active < 0 || cfg.ActiveRound.Active < 0:
		return errors.New("-active must not be negative")
	case slices.ContainsFunc(rts, func(rt roundTripConfig) bool { return rt.Rate <= 0 || rt.Duration <= 0 || rt.MaxEvents < 0 }):
		return errors.New("-rate, -duration and -max-events must be positive")
	case slices.ContainsFunc(rts, func(rt roundTripConfig) bool { return rt.Rate > 1000 }):
		return errors.New("-rate is per view; above 1000 events/s it measures the rate limiter")
	case cfg.FanOut.Updates < 1 || cfg.FanOut.Updates > 100_000 || cfg.FanOut.Rate <= 0 || cfg.FanOut.Rate > 10_000:
		return errors.New("-updates must be from 1 to 100000 and -update-rate from above 0 to 10000")
	case cfg.Burst.Publishes < 1 || cfg.Burst.Publishes > 100_000:
		return errors.New("-burst must be from 1 to 100000")
	case cfg.Converge <= 0:
		return errors.New("-converge-timeout must be positive")
	case cfg.Timeout <= 0:
		return errors.New("-timeout must be positive")
	case cfg.Heartbeat < 10*time.Millisecond:
		return errors.New("-heartbeat must be at least 10ms")
	}
	slices.Sort(cfg.Counts)
	cfg.Counts = slices.Compact(cfg.Counts)
	for _, sc := range cfg.Scenarios {
		if n := cfg.views(sc); cfg.Sources == 0 && cfg.sourcesFor(n) > 254 {
			return fmt.Errorf("%s: %d views at %d per source address need more than 254 addresses; raise -per-source", sc, n, cfg.PerSource)
		}
	}
	return nil
}

// views returns the most views scenario sc opens.
func (cfg *Config) views(sc string) int {
	switch sc {
	case "fanout":
		return cfg.FanOut.Views
	case "burst":
		return cfg.Burst.Viewers
	case "active":
		return cfg.ActiveRound.Views
	}
	return cfg.Counts[len(cfg.Counts)-1]
}

// heapProfileFile returns where scenario sc saves the server's heap profile, or "" for
// nowhere: -heap-profile, with the scenario's name before the extension when the run has
// more than one scenario.
func (cfg *Config) heapProfileFile(sc string) string {
	if cfg.HeapProfile == "" || len(cfg.Scenarios) == 1 {
		return cfg.HeapProfile
	}
	dir, base := filepath.Split(cfg.HeapProfile)
	name, ext, _ := strings.Cut(base, ".")
	if ext != "" {
		ext = "." + ext
	}
	return dir + name + "." + sc + ext
}

// sourcesFor returns how many source addresses n websockets are spread over.
func (cfg *Config) sourcesFor(n int) int {
	if cfg.Sources > 0 {
		return cfg.Sources
	}
	return max(1, (n+cfg.PerSource-1)/cfg.PerSource)
}

// run runs the scenarios of cfg, each on a server of its own, and returns what they
// found, also when one fails part way; a failed scenario does not stop the next.
func run(ctx context.Context, cfg Config, logw io.Writer) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	progress := func(format string, args ...any) { fmt.Fprintf(logw, "liveload: "+format+"\n", args...) }

	rep := newReport(cfg)
	defer func() { rep.LoadEnd = loadproc.LoadAvg() }()
	if cfg.CPUProfile != "" {
		stop, err := startCPUProfile(cfg.CPUProfile)
		if err != nil {
			return nil, err
		}
		defer stop()
	}
	nofile, err := loadproc.RaiseNoFile()
	if err != nil {
		return nil, err
	}
	rep.NoFile = nofile
	// Each view holds one descriptor in the tool and one in the server; leave room for
	// the dead renders' HTTP connections and the process's own files.
	for _, sc := range cfg.Scenarios {
		if n := cfg.views(sc); uint64(n+cfg.Concurrency+64) > nofile {
			return nil, fmt.Errorf("%s: %d connections need about %d file descriptors; RLIMIT_NOFILE is %d (see ulimit -Hn)", sc, n, n+cfg.Concurrency+64, nofile)
		}
	}

	var errs []error
	for _, sc := range cfg.Scenarios {
		var err error
		switch sc {
		case "idle":
			err = runIdle(ctx, &cfg, rep, logw, progress)
		case "fanout":
			rep.FanOut, err = runFanOut(ctx, &cfg, logw, progress)
		case "burst":
			rep.Burst, err = runBurst(ctx, &cfg, logw, progress)
		case "active":
			rep.Active, err = runActive(ctx, &cfg, logw, progress)
		}
		if err != nil && len(cfg.Scenarios) > 1 {
			err = fmt.Errorf("%s: %w", sc, err)
		}
		if err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return rep, joinErrors(errs)
}

// errorList is errors that happened together, printed on one line.
type errorList []error

func (e errorList) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e errorList) Unwrap() []error { return e }

// joinErrors returns nil for no errors, the error for one, and an errorList for more.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errorList(errs)
}

// warmUp opens one view, sends it one event, checks that the reply patches the page and
// closes the view.
func warmUp(ctx context.Context, c *client, event string) error {
	v, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer v.close()
	c.rec.reset(time.Now(), false)
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

// startCPUProfile profiles this process to file until the returned function is called.
func startCPUProfile(file string) (stop func(), err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("-cpu-profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpu-profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
