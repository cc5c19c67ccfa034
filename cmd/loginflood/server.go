package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is the child process that serves logins, started from this binary
// with serveEnv set.
type server struct {
	cmd     *exec.Cmd
	addr    string // host:port
	out     *tail  // the child's stderr, for error messages
	exited  chan struct{}
	waitErr error
}

// startServer starts the server over database dbURL and waits until it
// listens. The child is killed if this process dies (see tieToParent).
func startServer(ctx context.Context, dbURL string, cfg Config, logw io.Writer) (*server, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this binary to run it as the server: %w", err)
	}
	s := &server{out: &tail{max: 16 << 10}, exited: make(chan struct{})}
	s.cmd = exec.Command(self, "-database-url", dbURL,
		"-hash-concurrency", strconv.Itoa(cfg.HashConcurrency), "-hash-wait", cfg.HashWait.String())
	s.cmd.Env = append(os.Environ(), serveEnv+"=1")
	var w io.Writer = s.out
	if logw != nil {
		w = io.MultiWriter(s.out, logw)
	}
	s.cmd.Stderr = w
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	tieToParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the server: %w", err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()

	// The first line says where the server listens; the rest is copied on.
	listening := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		listening <- strings.TrimSpace(line)
		io.Copy(w, r)
	}()
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	select {
	case line := <-listening:
		addr, ok := strings.CutPrefix(line, "listening on ")
		if !ok {
			s.stop()
			return nil, fmt.Errorf("server did not start: %q\n%s", line, s.out)
		}
		s.addr = addr
		return s, nil
	case <-timer.C:
		err = errors.New("server did not listen within 30 s")
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.stop()
	return nil, fmt.Errorf("%w\n%s", err, s.out)
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// alive reports an error when the child has exited.
func (s *server) alive() error {
	select {
	case <-s.exited:
		return fmt.Errorf("server exited: %v\n%s", s.waitErr, s.out)
	default:
		return nil
	}
}

// stats fetches the server's GET /stats.
func (s *server) stats(ctx context.Context, c *http.Client) (serverStats, error) {
	var st serverStats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.addr+"/stats", nil)
	if err != nil {
		return st, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return st, fmt.Errorf("server stats: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("server stats: %w", err)
	}
	return st, nil
}

// stop asks the server to shut down (SIGTERM) and kills it when it has not
// exited within five seconds. It is safe to call more than once.
func (s *server) stop() {
	if s.alive() != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}
