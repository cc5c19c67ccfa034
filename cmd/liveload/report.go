package main

import (
	"debug/buildinfo"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// Report is everything one run measured. Sizes are bytes, latencies microseconds. The
// fields from Baseline to RoundTrip are the idle scenario's.
type Report struct {
	Machine      string     `json:"machine"`                  // GOOS/GOARCH and CPUs
	GoVersion    string     `json:"go"`                       // the toolchain that built the server
	Server       string     `json:"server"`                   // the server binary
	Scenarios    []string   `json:"scenarios"`                // what ran, in order
	Path         string     `json:"path"`                     // the page every idle view shows
	NoFile       uint64     `json:"nofile"`                   // RLIMIT_NOFILE after raising it
	LoadStart    string     `json:"load_start"`               // load averages (1, 5, 15 min) when the run began
	LoadEnd      string     `json:"load_end"`                 // and when it ended
	Sources      int        `json:"sources,omitempty"`        // source addresses of the idle views
	MaxPerSource int        `json:"max_per_source,omitempty"` // most idle views open from one
	Baseline     sample     `json:"baseline,omitzero"`        // after the warm-up view closed
	Idle         []IdleStep `json:"idle,omitempty"`
	Client       ClientCost `json:"client,omitzero"`
	RoundTrip    *RoundTrip `json:"round_trip,omitempty"`
	FanOut       *FanOut    `json:"fanout,omitempty"`
	Burst        *Burst     `json:"burst,omitempty"`
	Active       *ActiveRun `json:"active,omitempty"`
}

func newReport(cfg Config) *Report {
	r := &Report{
		Machine:   fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		GoVersion: runtime.Version(),
		Server:    cfg.Server,
		Scenarios: cfg.Scenarios,
		LoadStart: loadproc.LoadAvg(),
	}
	if bi, err := buildinfo.ReadFile(cfg.Server); err == nil {
		r.GoVersion = bi.GoVersion
	}
	return r
}

// WriteTable prints the report as tables, for people.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "server %s (production mode), %s, %s, RLIMIT_NOFILE %d\n", r.Server, r.GoVersion, r.Machine, r.NoFile)
	fmt.Fprintf(w, "load average at start %s, at end %s\n", r.LoadStart, r.LoadEnd)
	if r.Baseline.RSS > 0 {
		r.writeIdle(w)
	}
	if r.RoundTrip != nil {
		writeRoundTrip(w, r.RoundTrip)
	}
	if r.FanOut != nil {
		r.FanOut.writeTable(w)
	}
	if r.Burst != nil {
		r.Burst.writeTable(w)
	}
	if r.Active != nil {
		r.Active.writeTable(w)
	}
}

func (r *Report) writeIdle(w io.Writer) {
	fmt.Fprintf(w, "\nidle: views of %s from %s\n", r.Path, sourcesText(r.Sources, r.MaxPerSource))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "idle views\tRSS MiB\theap+stack MiB\tgoroutines\tRSS/view KiB\theap+stack/view KiB\tgoroutines/view\topen s\t")
	b := r.Baseline
	fmt.Fprintf(tw, "baseline\t%.1f\t%.1f\t%d\t\t\t\t\t\n", mib(b.RSS), mib(b.HeapInuse+b.StackInuse), b.NumGoroutine)
	for _, s := range r.Idle {
		m := s.Server
		fmt.Fprintf(tw, "%d\t%.1f\t%.1f\t%d\t%.2f\t%.2f\t%.2f\t%.1f\t\n", s.Conns, mib(m.RSS), mib(m.HeapInuse+m.StackInuse),
			m.NumGoroutine, s.RSSPerConn/1024, s.HeapStackPerConn/1024, s.GoroutinesPerConn, s.OpenSeconds)
	}
	tw.Flush()
	if c := r.Client; c.Conns > 0 {
		fmt.Fprintf(w, "client (this process): %.2f KiB heap+stack and %.2f goroutines per view\n", c.HeapStackPerConn/1024, c.GoroutinesPerConn)
	}
}

func writeRoundTrip(w io.Writer, rt *RoundTrip) {
	fmt.Fprintf(w, "\nround trip: %d active of %d open views, %g events/s each (jittered), %.0f events/s offered, %.1f s\n",
		rt.Active, rt.Open, rt.RatePerConn, rt.OfferedPerSec, rt.Seconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "sent\treplies\terrors\tsent/s\tevents/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\treply B (wire)\t")
	fmt.Fprintf(tw, "%d\t%d\t%d\t%.0f\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%.0f\t\n", rt.Sent, rt.Replies, rt.Errors(), rt.SentPerSec, rt.EventsPerSec,
		rt.P50us/1000, rt.P90us/1000, rt.P99us/1000, rt.MaxUs/1000, rt.ReplyWireB)
	tw.Flush()
	if rt.FirstError != "" {
		fmt.Fprintf(w, "first error: %s\n", rt.FirstError)
	}
}

// writeTable prints what the fanout and burst scenarios share, under title.
func (f *FeedResult) writeTable(w io.Writer, title string) {
	fmt.Fprintf(w, "\n%s: %d views of %s from %s, opened in %.1f s\n", title, f.Views, f.Path, sourcesText(f.Sources, f.MaxPerSource), f.OpenSeconds)
	fmt.Fprintf(w, "load average at start %s, at end %s\n", f.LoadStart, f.LoadEnd)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "published\terrors\tpublish s\tfinal version\tviews final\tdropped\tclose codes\tframes/view min\tmedian\tmax\t")
	fmt.Fprintf(tw, "%d\t%d\t%.3f\t%d\t%d/%d\t%d\t%s\t%d\t%d\t%d\t\n", f.Published, f.PublishErrors, f.PublishSeconds, f.FinalVersion,
		f.Final, f.Views, f.Dropped, reasons(f.CloseCodes), f.Frames.Min, f.Frames.Median, f.Frames.Max)
	tw.Flush()
	if f.FirstError != "" {
		fmt.Fprintf(w, "first error: %s\n", f.FirstError)
	}
	if f.ToFinal.N > 0 {
		fmt.Fprintf(w, "time to the final state, from the last update's request, over the %d views that got there: p50 %.1f ms, max %.1f ms\n",
			f.ToFinal.N, f.ToFinal.P50us/1000, f.ToFinal.MaxUs/1000)
	} else {
		fmt.Fprintln(w, "no view reached the final state")
	}
	fmt.Fprintf(w, "server CPU from the first update until every view was final: %.2f s, %.1f µs per view per update\n",
		f.ServerCPU, f.CPUPerViewUpdate)
	fmt.Fprintf(w, "server RSS: idle %.1f MiB, peak %.1f MiB (%.2f× idle), after %.1f MiB (heap+stack %.1f MiB)\n",
		mib(f.IdleRSS), mib(f.PeakRSS), f.PeakRatio, mib(f.After.RSS), mib(f.After.HeapInuse+f.After.StackInuse))
}

func (fo *FanOut) writeTable(w io.Writer) {
	fo.FeedResult.writeTable(w, fmt.Sprintf("fanout, %d updates at %g/s", fo.Updates, fo.Rate))
	l := fo.Latency
	fmt.Fprintf(w, "update to patch, per view and update (%d): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; never arrived %d\n",
		l.N, l.P50us/1000, l.P90us/1000, l.P99us/1000, l.MaxUs/1000, fo.Missed)
	t := fanOutTargets
	fmt.Fprintf(w, "targets: p99 <= %v %s, peak RSS <= %g× idle %s, 0 dropped %s, every view final %s\n",
		t.P99, yes(l.N > 0 && l.P99us <= micros(t.P99)), t.PeakRatio, yes(fo.PeakRatio > 0 && fo.PeakRatio <= t.PeakRatio),
		yes(fo.Dropped == 0), yes(fo.Final == fo.Views))
}

func (b *Burst) writeTable(w io.Writer) {
	b.FeedResult.writeTable(w, fmt.Sprintf("burst, %d updates in one server loop", b.Publishes))
	fmt.Fprintf(w, "targets: 0 dropped %s, every view final %s\n", yes(b.Dropped == 0), yes(b.Final == b.Views))
}

func (a *ActiveRun) writeTable(w io.Writer) {
	fmt.Fprintf(w, "\nactive: %d views of %s from %s, opened in %.1f s; %d dropped", a.Views, a.Path,
		sourcesText(a.Sources, a.MaxPerSource), a.OpenSeconds, a.Dropped)
	if a.Dropped > 0 {
		fmt.Fprintf(w, " (%s)", reasons(a.CloseCodes))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "load average at start %s, at end %s\n", a.LoadStart, a.LoadEnd)
	if a.RoundTrip != nil {
		writeRoundTrip(w, a.RoundTrip)
	}
}

func sourcesText(sources, most int) string {
	if sources == 1 {
		return fmt.Sprintf("1 source address (%d views)", most)
	}
	return fmt.Sprintf("%d source addresses (at most %d views each)", sources, most)
}

// reasons formats why views were dropped, such as "4009: 37, 1006: 2", or "-" for none.
func reasons(why map[string]int) string {
	if len(why) == 0 {
		return "-"
	}
	keys := slices.Sorted(maps.Keys(why))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, why[k])
	}
	return strings.Join(parts, ", ")
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
