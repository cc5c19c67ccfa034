package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// Report is what one run measured. Sizes are bytes.
type Report struct {
	Machine         string  `json:"machine"` // GOOS/GOARCH and CPUs
	GoVersion       string  `json:"go"`
	LoadStart       string  `json:"load_start"` // load averages (1, 5, 15 min) when the run began
	LoadEnd         string  `json:"load_end"`   // and when it ended
	Logins          int     `json:"logins"`
	GOMAXPROCS      int     `json:"server_gomaxprocs"`
	HashConcurrency int     `json:"hash_concurrency"`
	HashWait        string  `json:"hash_wait"`
	HashMemoryKiB   uint32  `json:"hash_memory_kib"` // argon2id memory of one hash
	Answers         []Kind  `json:"answers"`
	FirstError      string  `json:"first_error,omitempty"`
	Seconds         float64 `json:"seconds"`          // from the first login sent to the last answer
	Verifies        int64   `json:"verifies"`         // password hashes the server computed meanwhile
	VerifiesPerSec  float64 `json:"verifies_per_sec"` // Verifies / Seconds
	StartRSS        uint64  `json:"start_rss_bytes"`  // after one warm-up login
	BaselineRSS     uint64  `json:"baseline_rss_bytes"`
	PeakRSS         uint64  `json:"peak_rss_bytes"`
	PeakFrom        string  `json:"peak_from"`                    // "VmHWM", or "sampled VmRSS" where VmHWM cannot be reset
	Bound           uint64  `json:"bound_bytes"`                  // BaselineRSS + HashConcurrency × HashMemoryKiB KiB
	MemoryLimit     uint64  `json:"memory_limit_bytes,omitempty"` // the server's soft memory limit, with -limit-memory
}

// Kind counts the answers of one kind and their latencies, in milliseconds.
type Kind struct {
	Kind  string  `json:"kind"`
	Count int     `json:"count"`
	P50ms float64 `json:"p50_ms"`
	MaxMs float64 `json:"max_ms"`
}

func newReport(cfg Config) *Report {
	r := &Report{
		Machine:   fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		GoVersion: runtime.Version(),
		Logins:    cfg.Logins,
		HashWait:  "2s (default)",
		LoadStart: loadproc.LoadAvg(),
	}
	if cfg.HashWait > 0 {
		r.HashWait = cfg.HashWait.String()
	}
	return r
}

// tally counts answers by kind, in a fixed order.
func (r *Report) tally(answers []answer) {
	byKind := map[string][]time.Duration{}
	for _, a := range answers {
		byKind[a.kind] = append(byKind[a.kind], a.latency)
		if a.detail != "" && r.FirstError == "" {
			r.FirstError = a.kind + ": " + a.detail
		}
	}
	for _, k := range []string{invalidCredentials, busy, tooManyAttempts, otherStatus, transportError} {
		lat := byKind[k]
		if len(lat) == 0 {
			continue
		}
		slices.Sort(lat)
		r.Answers = append(r.Answers, Kind{Kind: k, Count: len(lat), P50ms: ms(lat[(len(lat)-1)/2]), MaxMs: ms(lat[len(lat)-1])})
	}
}

// count returns the number of answers of kind.
func (r *Report) count(kind string) int {
	for _, k := range r.Answers {
		if k.Kind == kind {
			return k.Count
		}
	}
	return 0
}

// WriteTable prints the report as a table and a few lines, for people.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "%d concurrent wrong-password logins over HTTP, %s, %s\n", r.Logins, r.GoVersion, r.Machine)
	fmt.Fprintf(w, "load average at start %s, at end %s\n", r.LoadStart, r.LoadEnd)
	fmt.Fprintf(w, "server: GOMAXPROCS %d, HashConcurrency %d, HashWait %s, argon2id m=%d KiB, rate limits off\n\n",
		r.GOMAXPROCS, r.HashConcurrency, r.HashWait, r.HashMemoryKiB)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "answer\tcount\tp50 ms\tmax ms\t")
	for _, k := range r.Answers {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t\n", k.Kind, k.Count, k.P50ms, k.MaxMs)
	}
	tw.Flush()
	if r.FirstError != "" {
		fmt.Fprintf(w, "first unexpected answer: %s\n", r.FirstError)
	}
	fmt.Fprintf(w, "\npassword checks: %d in %.2f s, %.1f/s\n", r.Verifies, r.Seconds, r.VerifiesPerSec)
	verdict := "within"
	if r.PeakRSS > r.Bound {
		verdict = "OVER"
	}
	fmt.Fprintf(w, "server RSS: %.1f MiB after warm-up, %.1f MiB baseline with %d logins in flight but not hashing, peak %.1f MiB (%s)\n",
		mib(r.StartRSS), mib(r.BaselineRSS), r.Logins, mib(r.PeakRSS), r.PeakFrom)
	fmt.Fprintf(w, "bound: baseline %.1f MiB + (%d + 1) hashes × %.1f MiB + %d requests × %d KiB = %.1f MiB: peak %s the bound\n",
		mib(r.BaselineRSS), r.HashConcurrency, float64(r.HashMemoryKiB)/1024, r.Logins, requestAllowance>>10, mib(r.Bound), verdict)
	if r.MemoryLimit > 0 {
		fmt.Fprintf(w, "the server's soft memory limit was set to the bound\n")
	}
	if r.PeakRSS > r.Bound {
		fmt.Fprintln(w, "(the bound counts the buffers of the hashes in progress; with accounts.Config.SkipHashGC set, those of")
		fmt.Fprintln(w, "finished hashes stay resident until the collector's own pacing reclaims them)")
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
