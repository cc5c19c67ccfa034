package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// run floods one server with logins and reports what it found, also when it
// fails part way; see the package documentation for the steps.
func run(ctx context.Context, cfg Config, logw io.Writer) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	progress := func(format string, args ...any) { fmt.Fprintf(logw, "loginflood: "+format+"\n", args...) }

	dbURL, removeDB, err := openDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	defer removeDB()
	var serverLog io.Writer
	if cfg.Verbose {
		serverLog = logw
	}
	srv, err := startServer(ctx, dbURL, cfg, serverLog)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	c := newClient(srv.addr, cfg.Logins)
	defer c.http.CloseIdleConnections()

	rep := newReport(cfg)
	defer func() { rep.LoadEnd = loadproc.LoadAvg() }()
	if a := c.login(ctx); a.kind != invalidCredentials {
		return nil, fmt.Errorf("warm-up login: %s %s", a.kind, a.detail)
	}
	before, err := srv.stats(ctx, c.http)
	if err != nil {
		return nil, err
	}
	rep.GOMAXPROCS, rep.HashConcurrency, rep.HashMemoryKiB = before.GOMAXPROCS, before.HashConcurrency, before.HashMemoryKiB
	m, err := readMemory(srv.PID())
	if err != nil {
		return nil, err
	}
	rep.StartRSS = m.RSS

	if rep.BaselineRSS, err = baseline(ctx, srv, c, cfg.Logins); err != nil {
		return rep, err
	}
	rep.Bound = rep.BaselineRSS + uint64(rep.HashConcurrency+1)*uint64(rep.HashMemoryKiB)<<10 +
		uint64(cfg.Logins)*requestAllowance
	if cfg.LimitMemory {
		rep.MemoryLimit = rep.Bound
		if err := c.post(ctx, "/debug/memory-limit", url.Values{"bytes": {strconv.FormatUint(rep.Bound, 10)}}); err != nil {
			return rep, err
		}
	}
	progress("server RSS %.1f MiB with %d logins in flight but not hashing; flooding it with %d wrong-password logins", mib(rep.BaselineRSS), cfg.Logins, cfg.Logins)

	// The peak is the kernel's VmHWM, reset just before the flood; where that
	// cannot be reset, the highest of frequent VmRSS samples.
	hwmReset := loadproc.ResetPeak(srv.PID()) == nil
	stopSampling := sampleRSS(srv.PID(), 5*time.Millisecond)
	start := time.Now()
	answers := c.flood(ctx, cfg.Logins)
	rep.Seconds = time.Since(start).Seconds()
	sampled := stopSampling()
	if m, err = readMemory(srv.PID()); err != nil {
		return rep, err
	}
	rep.PeakRSS, rep.PeakFrom = sampled, "sampled VmRSS"
	if hwmReset {
		rep.PeakRSS, rep.PeakFrom = max(m.HWM, sampled), "VmHWM"
	}
	after, err := srv.stats(ctx, c.http)
	if err != nil {
		return rep, err
	}
	rep.Verifies = after.Hashes - before.Hashes
	rep.VerifiesPerSec = float64(rep.Verifies) / rep.Seconds
	rep.tally(answers)

	if err := ctx.Err(); err != nil {
		return rep, err
	}
	if err := srv.Alive(); err != nil {
		return rep, err
	}
	if n := rep.count(invalidCredentials) + rep.count(busy); n != cfg.Logins {
		return rep, fmt.Errorf("%d of %d logins were answered neither \"invalid credentials\" nor \"busy\" (first: %s)", cfg.Logins-n, cfg.Logins, rep.FirstError)
	}
	if rep.count(invalidCredentials) == 0 {
		return rep, errors.New("no password was checked")
	}
	if rep.PeakRSS > rep.Bound {
		return rep, fmt.Errorf("%w: %.1f MiB > %.1f MiB", errOverBound, mib(rep.PeakRSS), mib(rep.Bound))
	}
	return rep, nil
}

// errOverBound reports a peak server RSS over Report.Bound.
var errOverBound = errors.New("peak server RSS exceeds the bound")

// The kinds of answer to a login.
const (
	invalidCredentials = "invalid credentials" // 401: the password was checked
	busy               = "busy, try again"     // 503: no hash slot within HashWait
	tooManyAttempts    = "too many attempts"   // 429: a rate limit, which should be off
	otherStatus        = "other HTTP status"
	transportError     = "transport error"
)

// answer is how the server answered one login, and how long it took.
type answer struct {
	kind    string
	detail  string // for other statuses and errors
	latency time.Duration
}

// client logs in over its own HTTP connections, one per concurrent login.
type client struct {
	base string // http://127.0.0.1:PORT
	http *http.Client
}

func newClient(addr string, conns int) *client {
	return &client{
		base: "http://" + addr,
		http: &http.Client{
			Transport: &http.Transport{MaxIdleConnsPerHost: conns, IdleConnTimeout: 5 * time.Minute},
			Timeout:   time.Minute,
		},
	}
}

// loginForm is the form of every login: the flood account, a wrong password.
var loginForm = url.Values{"email": {floodEmail}, "password": {"not the password of the flood account"}}

// login posts loginForm.
func (c *client) login(ctx context.Context) answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/users/log-in", strings.NewReader(loginForm.Encode()))
	if err != nil {
		return answer{kind: transportError, detail: err.Error()}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{kind: transportError, detail: err.Error(), latency: time.Since(start)}
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	a := answer{latency: time.Since(start)}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		a.kind = invalidCredentials
	case http.StatusServiceUnavailable:
		a.kind = busy
	case http.StatusTooManyRequests:
		a.kind = tooManyAttempts
	default:
		a.kind, a.detail = otherStatus, fmt.Sprintf("HTTP %d: %.200s", resp.StatusCode, body)
	}
	return a
}

// post posts form to the server's path and expects 200 OK.
func (c *client) post(ctx context.Context, path string, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d: %s", path, resp.StatusCode, body)
	}
	return nil
}

// The bound allows HashConcurrency + 1 hashes: after the Store collects a finished
// hash's memory, small allocations may take part of the hole it left, and the next hash
// then needs new pages (see accounts.Config.SkipHashGC).

// requestAllowance is what the bound allows each login in flight beyond the baseline:
// the baseline's requests wait parked on a small stack, and a login that reaches the
// database and the hasher grows its goroutine's stack to 8 KiB.
const requestAllowance = 8 << 10

// baseline returns the server's RSS with n logins in flight, each on its own
// connection, but none hashing: it sends n requests to POST /debug/hold,
// which reads the login form and waits; once all wait, it has the server
// return its garbage to the system, reads the RSS, and releases them. Their
// connections stay open in the client's pool for the flood.
func baseline(ctx context.Context, srv *server, c *client, n int) (uint64, error) {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = c.post(ctx, "/debug/hold", loginForm) })
	}
	defer wg.Wait()
	defer c.post(context.WithoutCancel(ctx), "/debug/release", nil)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := srv.stats(ctx, c.http)
		if err != nil {
			return 0, err
		}
		if st.Held == int64(n) {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%d of %d requests reached the server within 30 s", st.Held, n)
		}
		if err := loadproc.Sleep(ctx, 20*time.Millisecond); err != nil {
			return 0, err
		}
	}
	if err := c.post(ctx, "/debug/gc", nil); err != nil {
		return 0, err
	}
	if err := loadproc.Sleep(ctx, 200*time.Millisecond); err != nil {
		return 0, err
	}
	m, err := readMemory(srv.PID())
	return m.RSS, err
}

// flood sends n logins at once and returns their answers.
func (c *client) flood(ctx context.Context, n int) []answer {
	answers := make([]answer, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			answers[i] = c.login(ctx)
		})
	}
	close(start)
	wg.Wait()
	return answers
}

// sampleRSS samples the VmRSS of process pid every interval until the
// returned function is called, which returns the highest sample.
func sampleRSS(pid int, interval time.Duration) (stop func() uint64) {
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var highest uint64
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if m, err := readMemory(pid); err == nil {
				highest = max(highest, m.RSS)
			}
			select {
			case <-done:
				peak <- highest
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-peak
	}
}

// readMemory reads the server's VmRSS and VmHWM.
func readMemory(pid int) (loadproc.Memory, error) {
	m, err := loadproc.ReadMemory(pid)
	if err != nil {
		return m, fmt.Errorf("read server memory: %w", err)
	}
	return m, nil
}
