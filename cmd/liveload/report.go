package main

import (
	"debug/buildinfo"
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// Report is everything one run measured. Sizes are bytes, latencies microseconds.
type Report struct {
	Machine   string     `json:"machine"`    // GOOS/GOARCH and CPUs
	GoVersion string     `json:"go"`         // the toolchain that built the server
	Server    string     `json:"server"`     // the server binary
	Path      string     `json:"path"`       // the page every view shows
	NoFile    uint64     `json:"nofile"`     // RLIMIT_NOFILE after raising it
	LoadStart string     `json:"load_start"` // load averages (1, 5, 15 min) when the run began
	LoadEnd   string     `json:"load_end"`   // and when it ended
	Baseline  sample     `json:"baseline"`   // after the warm-up view closed
	Idle      []IdleStep `json:"idle"`
	Client    ClientCost `json:"client"`
	RoundTrip *RoundTrip `json:"round_trip,omitempty"`
}

func newReport(cfg Config) *Report {
	r := &Report{
		Machine:   fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		GoVersion: runtime.Version(),
		Server:    cfg.Server,
		Path:      cfg.Path,
		LoadStart: loadproc.LoadAvg(),
	}
	if bi, err := buildinfo.ReadFile(cfg.Server); err == nil {
		r.GoVersion = bi.GoVersion
	}
	return r
}

// WriteTable prints the report as tables, for people.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "server %s %s (production mode), %s, %s, RLIMIT_NOFILE %d\n", r.Server, r.Path, r.GoVersion, r.Machine, r.NoFile)
	fmt.Fprintf(w, "load average at start %s, at end %s\n\n", r.LoadStart, r.LoadEnd)
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
	rt := r.RoundTrip
	if rt == nil {
		return
	}
	fmt.Fprintf(w, "\nround trip: %d active of %d open views, %g events/s each (jittered), %.1f s\n", rt.Active, rt.Open, rt.RatePerConn, rt.Seconds)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "sent\treplies\terrors\tevents/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\treply B (wire)\t")
	fmt.Fprintf(tw, "%d\t%d\t%d\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%.0f\t\n", rt.Sent, rt.Replies, rt.Errors(), rt.EventsPerSec,
		rt.P50us/1000, rt.P90us/1000, rt.P99us/1000, rt.MaxUs/1000, rt.ReplyWireB)
	tw.Flush()
	if rt.FirstError != "" {
		fmt.Fprintf(w, "first error: %s\n", rt.FirstError)
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
