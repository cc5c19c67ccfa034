package main

import (
	"bufio"
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
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
	"github.com/liveapp/liveapp/internal/tail"
)

// server is the child process that serves logins, started from this binary
// with serveEnv set.
type server struct {
	*loadproc.Child
	addr string       // host:port
	out  *tail.Buffer // the child's stderr, for error messages
}

// startServer starts the server over database dbURL and waits until it
// listens. The child is killed if this process dies (see loadproc.Start).
func startServer(ctx context.Context, dbURL string, cfg Config, logw io.Writer) (*server, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this binary to run it as the server: %w", err)
	}
	out := tail.New(16 << 10)
	cmd := exec.Command(self, "-database-url", dbURL,
		"-hash-concurrency", strconv.Itoa(cfg.HashConcurrency), "-hash-wait", cfg.HashWait.String())
	cmd.Env = append(os.Environ(), serveEnv+"=1")
	w := out.Tee(logw)
	cmd.Stderr = w
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	child, err := loadproc.Start(cmd, out)
	if err != nil {
		return nil, fmt.Errorf("start the server: %w", err)
	}
	s := &server{Child: child, out: out}

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
			s.Stop()
			return nil, fmt.Errorf("server did not start: %q\n%s", line, s.out)
		}
		s.addr = addr
		return s, nil
	case <-timer.C:
		err = errors.New("server did not listen within 30 s")
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.Stop()
	return nil, fmt.Errorf("%w\n%s", err, s.out)
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
