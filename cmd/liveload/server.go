package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
	"github.com/liveapp/liveapp/internal/tail"
)

// server is the app under measurement, running as a child process on loopback in
// production mode (-dev=false), with its debug endpoint on a second loopback port.
type server struct {
	*loadproc.Child
	addr      string       // host:port of the app
	debugAddr string       // host:port of /debug/memstats
	out       *tail.Buffer // the child's stdout and stderr, for error messages
	debug     *http.Client
}

// startServer starts bin, with args after its address flags, and waits until it answers on
// both ports. The child inherits the raised RLIMIT_NOFILE and is killed if this process
// dies (see loadproc.Start).
func startServer(ctx context.Context, bin string, logw io.Writer, args ...string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	debugAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	out := tail.New(16 << 10)
	cmd := exec.Command(bin, append([]string{"-addr", addr, "-dev=false", "-debug-addr", debugAddr}, args...)...)
	w := out.Tee(logw)
	cmd.Stdout, cmd.Stderr = w, w
	child, err := loadproc.Start(cmd, out)
	if err != nil {
		return nil, fmt.Errorf("start server %s: %w", bin, err)
	}
	s := &server{Child: child, addr: addr, debugAddr: debugAddr, out: out, debug: &http.Client{Timeout: 30 * time.Second}}
	if err := s.awaitReady(ctx, 10*time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func (s *server) awaitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if err := s.Alive(); err != nil {
			return err
		}
		_, err1 := s.memstats(ctx)
		var err2 error
		if err1 == nil {
			var c net.Conn
			if c, err2 = net.DialTimeout("tcp", s.addr, time.Second); err2 == nil {
				c.Close()
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server did not answer within %v: %v %v\n%s", limit, err1, err2, s.out)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// sample is the server's memory at one moment. Go figures are after a forced GC.
type sample struct {
	RSS          uint64 `json:"rss_bytes"`
	HeapInuse    uint64 `json:"heap_inuse_bytes"`
	HeapAlloc    uint64 `json:"heap_alloc_bytes"`
	StackInuse   uint64 `json:"stack_inuse_bytes"`
	Sys          uint64 `json:"sys_bytes"`
	NumGoroutine uint64 `json:"goroutines"`
}

// measure reads the server's memory statistics (which runs a GC), then its RSS.
func (s *server) measure(ctx context.Context) (sample, error) {
	m, err := s.memstats(ctx)
	if err != nil {
		return m, err
	}
	mem, err := loadproc.ReadMemory(s.PID())
	if err != nil {
		return m, fmt.Errorf("read server RSS: %w", err)
	}
	m.RSS = mem.RSS
	return m, nil
}

func (s *server) memstats(ctx context.Context) (sample, error) {
	var m sample
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.debugAddr+"/debug/memstats", nil)
	if err != nil {
		return m, err
	}
	resp, err := s.debug.Do(req)
	if err != nil {
		return m, fmt.Errorf("server memstats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return m, fmt.Errorf("server memstats: HTTP %d (was the server built with -debug-addr?)", resp.StatusCode)
	}
	// The names of runtime.MemStats, as the example's -debug-addr serves them.
	var ms struct{ HeapInuse, HeapAlloc, StackInuse, Sys, NumGoroutine uint64 }
	if err := json.NewDecoder(resp.Body).Decode(&ms); err != nil {
		return m, fmt.Errorf("server memstats: %w", err)
	}
	if ms.Sys == 0 || ms.NumGoroutine == 0 {
		return m, errors.New("server memstats: empty; does the server's /debug/memstats serve runtime.MemStats fields?")
	}
	m = sample{HeapInuse: ms.HeapInuse, HeapAlloc: ms.HeapAlloc, StackInuse: ms.StackInuse, Sys: ms.Sys, NumGoroutine: ms.NumGoroutine}
	return m, nil
}

// saveHeapProfile saves the server's heap profile, after a GC, to file.
func (s *server) saveHeapProfile(ctx context.Context, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.debugAddr+"/debug/pprof/heap?gc=1", nil)
	if err != nil {
		return err
	}
	resp, err := s.debug.Do(req)
	if err != nil {
		return fmt.Errorf("server heap profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("server heap profile: HTTP %d", resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("server heap profile: %w", err)
	}
	return os.WriteFile(file, b, 0o644)
}
