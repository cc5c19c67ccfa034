//go:build unix

package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live/devmode/devproto"
)

// waitTimeout bounds every wait in these tests: a restart of the fake app takes
// a second or two, but only a broken dev server makes a test wait this long, so
// it leaves a loaded machine room.
const waitTimeout = 60 * time.Second

// needGo returns the go command, or skips the test without it (fails it in CI).
func needGo(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go command is not on PATH")
		}
		t.Skip("the go command is not on PATH")
	}
	return goCmd
}

// fakeApp writes an app whose command, cmd/fake, is testdata/fakeapp, into a
// new directory, and returns the directory.
func fakeApp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "fakeapp", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "go.mod", "module fake\n\ngo 1.26\n")
	write(t, dir, "cmd/fake/main.go", string(src))
	write(t, dir, "internal/web/static/app.css", "body { color: black }")
	write(t, dir, "internal/web/static/app.js", "// js")
	write(t, dir, "internal/web/templates/home.html", "<p>home</p>")
	return dir
}

// setVersion rewrites the fake app's version constant: a Go edit.
func setVersion(t *testing.T, dir, version string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(dir, "cmd", "fake", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(src), "const version = ")
	j := i + strings.IndexByte(string(src[i:]), '\n')
	write(t, dir, "cmd/fake/main.go", string(src[:i])+"const version = "+strconv.Quote(version)+string(src[j:]))
}

// devServer is a Server running the fake app in dir, for the length of a test.
type devServer struct {
	url    string
	dir    string
	events chan Event
}

func startDevServer(t *testing.T, dir string, configure func(*Server)) *devServer {
	t.Helper()
	goCmd := needGo(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ds := &devServer{url: "http://" + ln.Addr().String(), dir: dir, events: make(chan Event, 1000)}
	s := &Server{
		Dir: dir, Name: "fake", Listener: ln.(*net.TCPListener), GoCmd: goCmd,
		Output: &testWriter{t: t},
		Report: func(e Event) {
			t.Logf("event: %s", e)
			ds.events <- e
		},
	}
	if configure != nil {
		configure(s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return ds
}

// next waits for the next event of one of kinds, skipping others.
func (ds *devServer) next(t *testing.T, kinds ...EventKind) Event {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case e := <-ds.events:
			for _, k := range kinds {
				if e.Kind == k {
					return e
				}
			}
		case <-deadline:
			t.Fatalf("no event of kinds %v within %v", kinds, waitTimeout)
		}
	}
}

// get fetches path over a new connection and returns the status and body.
func (ds *devServer) get(t *testing.T, path string) (int, string) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: waitTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(ds.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// serving returns the version and pid the fake app answers with.
func (ds *devServer) serving(t *testing.T) (string, int) {
	t.Helper()
	code, body := ds.get(t, "/")
	var version string
	var pid int
	if _, err := fmt.Sscanf(body, "%s %d", &version, &pid); code != 200 || err != nil {
		t.Fatalf("GET / = %d %q, want the fake app's version and pid", code, body)
	}
	return version, pid
}

// waitServing waits until the fake app answers with version, and returns its
// pid: for a moment after a restart, the old process may still accept.
func (ds *devServer) waitServing(t *testing.T, version string) int {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		v, pid := ds.serving(t)
		if v == version {
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("serving %s (pid %d), want %s", v, pid, version)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// commands returns the dev commands the fake app has received, decoded.
func (ds *devServer) commands(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ds.dir, "commands.log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var cmds []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l == "" {
			continue
		}
		c, err := devproto.ParseCommand(l)
		if err != nil {
			t.Errorf("the app got a malformed command %q: %v", l, err)
		}
		cmds = append(cmds, strings.TrimSpace(string(c.Op)+" "+c.Path+c.Text))
	}
	return cmds
}

// waitCommand waits until the app has received a command starting with prefix.
func (ds *devServer) waitCommand(t *testing.T, prefix string) string {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		for _, c := range ds.commands(t) {
			if strings.HasPrefix(c, prefix) {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app got no %q command; it got %q", prefix, ds.commands(t))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func clearCommands(t *testing.T, dir string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, "commands.log")); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

func TestDevServerKeepsTheAppUpToDate(t *testing.T) {
	dir := fakeApp(t)
	ds := startDevServer(t, dir, nil)
	if e := ds.next(t, Started, Failed); e.Kind != Started || e.Restart {
		t.Fatalf("first event %s", e)
	}
	v, pid1 := ds.serving(t)
	if v != "v1" {
		t.Fatalf("version %s", v)
	}

	t.Run("a stylesheet edit is sent as css, with the URL path", func(t *testing.T) {
		write(t, dir, "internal/web/static/app.css", "body { color: red }")
		if e := ds.next(t, Updated); e.Err != nil {
			t.Fatal(e.Err)
		}
		ds.waitCommand(t, "css /static/app.css")
	})
	t.Run("a template edit is sent as templates", func(t *testing.T) {
		write(t, dir, "internal/web/templates/home.html", "<p>home, edited</p>")
		ds.next(t, Updated)
		ds.waitCommand(t, "templates")
	})
	t.Run("a template that does not parse is reported alone, and not sent", func(t *testing.T) {
		clearCommands(t, dir)
		write(t, dir, "internal/web/templates/home.html", "<p>home</p>\n<p>{{if .Name}}</p>")
		e := ds.next(t, Updated, Failed)
		if e.Kind != Failed || e.Step != "template" || !e.AppRunning || !strings.Contains(e.Text, "home.html:2") {
			t.Fatalf("event %s", e)
		}
		if s := e.String(); !strings.HasPrefix(s, "home.html changed: the templates do not parse") || strings.Contains(s, "re-rendered") {
			t.Errorf("the terminal shows %q", s)
		}
		if c := ds.waitCommand(t, "error"); !strings.Contains(c, "does not parse") || !strings.Contains(c, "home.html:2") {
			t.Errorf("overlay %q", c)
		}
		if slices.Contains(ds.commands(t), "templates") {
			t.Errorf("the app was told to re-read templates that do not parse: %q", ds.commands(t))
		}
	})
	t.Run("fixing the template sends it, and clears the overlay", func(t *testing.T) {
		clearCommands(t, dir)
		write(t, dir, "internal/web/templates/home.html", "<p>home</p>\n<p>{{if .Name}}{{.Name}}{{end}} {{missingFunc}}</p>")
		if e := ds.next(t, Updated, Failed); e.Kind != Updated || !strings.Contains(e.String(), "re-rendered pages") {
			t.Fatalf("event %s", e)
		}
		ds.waitCommand(t, "clear")
		if got := ds.commands(t); len(got) != 2 || got[0] != "templates" || got[1] != "clear" {
			t.Errorf("commands %q, want templates then clear", got)
		}
	})
	t.Run("another static file reloads", func(t *testing.T) {
		write(t, dir, "internal/web/static/app.js", "// js, edited")
		ds.next(t, Updated)
		ds.waitCommand(t, "reload")
	})
	t.Run("none of them restarts the app", func(t *testing.T) {
		if _, pid := ds.serving(t); pid != pid1 {
			t.Errorf("pid %d, then %d", pid1, pid)
		}
	})

	var pid2 int
	t.Run("a Go edit rebuilds, migrates and replaces the process", func(t *testing.T) {
		setVersion(t, dir, "v2")
		e := ds.next(t, Started, Failed)
		if e.Kind != Started || !e.Restart {
			t.Fatalf("event %s", e)
		}
		pid2 = ds.waitServing(t, "v2")
		waitGone(t, pid1)
		if b, _ := os.ReadFile(filepath.Join(dir, "migrate.log")); string(b) != "v1\nv2\n" {
			t.Errorf("migrate ran for %q, want v1 then v2", b)
		}
	})

	t.Run("a build error is shown over the running app, which keeps serving", func(t *testing.T) {
		clearCommands(t, dir)
		write(t, dir, "cmd/fake/broken.go", "package main\n\nfunc broken() { x := }\n")
		e := ds.next(t, Started, Failed)
		if e.Kind != Failed || e.Step != "build" || !e.AppRunning || !strings.Contains(e.Text, "broken.go:3") {
			t.Fatalf("event %s", e)
		}
		if c := ds.waitCommand(t, "error"); !strings.Contains(c, "Build failed") || !strings.Contains(c, "broken.go:3") {
			t.Errorf("overlay %q", c)
		}
		if v, pid := ds.serving(t); v != "v2" || pid != pid2 {
			t.Errorf("serving %s %d", v, pid)
		}
	})

	t.Run("fixing it restarts, and clears the overlay", func(t *testing.T) {
		write(t, dir, "cmd/fake/broken.go", "package main\n\nfunc broken() {}\n")
		if e := ds.next(t, Started, Failed); e.Kind != Started {
			t.Fatalf("event %s", e)
		}
		ds.waitCommand(t, "clear")
		old := pid2
		waitGone(t, old)
		pid2 = ds.waitServing(t, "v2")
	})

	t.Run("a failed migration leaves the old app serving", func(t *testing.T) {
		clearCommands(t, dir)
		write(t, dir, "migrate.fail", "")
		write(t, dir, "migrations/002_broken.sql", "create tabel x ();")
		e := ds.next(t, Started, Failed)
		if e.Kind != Failed || e.Step != "migrate" || !strings.Contains(e.Text, "TABEL") {
			t.Fatalf("event %s", e)
		}
		if c := ds.waitCommand(t, "error"); !strings.Contains(c, "Migration failed") {
			t.Errorf("overlay %q", c)
		}
		if _, pid := ds.serving(t); pid != pid2 {
			t.Errorf("pid %d, want the old %d", pid, pid2)
		}
		os.Remove(filepath.Join(dir, "migrate.fail"))
	})

	t.Run("a process that exits at startup leaves the old app serving", func(t *testing.T) {
		clearCommands(t, dir)
		write(t, dir, "crash", "")
		setVersion(t, dir, "v3")
		e := ds.next(t, Started, Failed)
		if e.Kind != Failed || e.Step != "start" || !strings.Contains(e.Text, "exited before it was ready") {
			t.Fatalf("event %s", e)
		}
		if c := ds.waitCommand(t, "error"); !strings.Contains(c, "boom at startup") {
			t.Errorf("overlay %q", c)
		}
		if _, pid := ds.serving(t); pid != pid2 {
			t.Errorf("pid %d, want the old %d", pid, pid2)
		}
	})
}

// waitGone waits until process pid has exited.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still runs", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDevServerServesAnErrorPageWhenNoAppRuns(t *testing.T) {
	dir := fakeApp(t)
	write(t, dir, "cmd/fake/broken.go", "package main\n\nfunc broken() { x := <-\"<b>\" }\n")
	ds := startDevServer(t, dir, nil)
	e := ds.next(t, Started, Failed)
	if e.Kind != Failed || e.Step != "build" || e.AppRunning {
		t.Fatalf("event %s", e)
	}

	code, body := ds.get(t, "/some/page")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "Build failed") || !strings.Contains(body, "broken.go:3") {
		t.Fatalf("GET = %d\n%s", code, body)
	}
	if strings.Contains(body, `"<b>"`) || !strings.Contains(body, "&lt;b&gt;") {
		t.Errorf("the build output is not escaped:\n%s", body)
	}

	// A page's long poll returns when an app serves again.
	gen := pageGen(t, body)
	polled := make(chan string, 1)
	go func() {
		req, _ := http.NewRequest("GET", ds.url+"/some/page", nil)
		req.Header.Set(waitHeader, gen)
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err != nil {
			polled <- err.Error()
			return
		}
		resp.Body.Close()
		polled <- resp.Header.Get(genHeader)
	}()
	select {
	case g := <-polled:
		t.Fatalf("the poll returned %q before anything changed", g)
	case <-time.After(300 * time.Millisecond):
	}
	if err := os.Remove(filepath.Join(dir, "cmd/fake/broken.go")); err != nil {
		t.Fatal(err)
	}
	if e := ds.next(t, Started, Failed); e.Kind != Started {
		t.Fatalf("event %s", e)
	}
	select {
	case g := <-polled:
		if g == gen || g == "" {
			t.Errorf("the poll returned generation %q, had %q", g, gen)
		}
	case <-time.After(waitTimeout):
		t.Fatal("the poll did not return when the app came up")
	}
	_, pid := ds.serving(t)

	t.Run("when the app exits, the page says so", func(t *testing.T) {
		syscall.Kill(pid, syscall.SIGKILL)
		e := ds.next(t, Exited)
		if !strings.Contains(e.Text, "fake exited: signal: killed") {
			t.Errorf("event %s", e)
		}
		code, body := ds.get(t, "/")
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "fake exited") || !strings.Contains(body, "fakeapp v1 serving") {
			t.Errorf("GET = %d\n%s", code, body)
		}
	})
	t.Run("and any change starts it again", func(t *testing.T) {
		write(t, dir, "internal/web/static/app.css", "body { color: blue }")
		if e := ds.next(t, Started, Failed); e.Kind != Started || e.Restart {
			t.Fatalf("event %s", e)
		}
		ds.serving(t)
	})
}

// pageGen returns the generation an error page polls with.
func pageGen(t *testing.T, body string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `data-gen="`)
	gen, _, ok2 := strings.Cut(rest, `"`)
	if !ok || !ok2 {
		t.Fatalf("no generation in the page:\n%s", body)
	}
	return gen
}

func TestRequestsDuringRestartsAreAnswered(t *testing.T) {
	dir := fakeApp(t)
	ds := startDevServer(t, dir, nil)
	if e := ds.next(t, Started, Failed); e.Kind != Started {
		t.Fatalf("event %s", e)
	}

	var ok, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: waitTimeout}
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := c.Get(ds.url + "/")
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				} else {
					ok.Add(1)
				}
			}
		})
	}
	// answered waits until n requests in all have been answered.
	answered := func(n int64) {
		t.Helper()
		deadline := time.Now().Add(waitTimeout)
		for ok.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d requests answered, %d failed; want %d answered", ok.Load(), failed.Load(), n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	answered(4)
	for i := 2; i <= 4; i++ {
		_, old := ds.serving(t)
		setVersion(t, dir, "v"+strconv.Itoa(i))
		if e := ds.next(t, Started, Failed); e.Kind != Started {
			t.Fatalf("event %s", e)
		}
		// Requests run while the old process goes, and go on after.
		waitGone(t, old)
		answered(ok.Load() + 4)
	}
	close(stop)
	wg.Wait()
	if failed.Load() > 0 {
		t.Errorf("%d of %d requests failed across 3 restarts; the first: %v", failed.Load(), failed.Load()+ok.Load(), firstErr.Load())
	}
	t.Logf("%d requests answered across 3 restarts", ok.Load())
}

var fakeBinOnce struct {
	sync.Once
	path string
	err  error
}

// fakeBinary builds the fake app once per test binary and returns its path.
func fakeBinary(t *testing.T) string {
	t.Helper()
	goCmd := needGo(t)
	fakeBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "devserver-fakeapp-")
		if err != nil {
			fakeBinOnce.err = err
			return
		}
		fakeBinOnce.path = filepath.Join(dir, "fake")
		src, _ := filepath.Abs(filepath.Join("testdata", "fakeapp", "main.go"))
		cmd := exec.Command(goCmd, "build", "-o", fakeBinOnce.path, src)
		if out, err := cmd.CombinedOutput(); err != nil {
			fakeBinOnce.err = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if fakeBinOnce.err != nil {
		t.Fatal(fakeBinOnce.err)
	}
	return fakeBinOnce.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fakeBinOnce.path != "" {
		os.RemoveAll(filepath.Dir(fakeBinOnce.path))
	}
	os.Exit(code)
}

func TestStopEscalatesToSIGKILL(t *testing.T) {
	bin := fakeBinary(t)
	// The app that exits on SIGTERM gets a timeout that only a broken stop
	// reaches: a loaded machine may take a while to run its exit.
	tests := []struct {
		name       string
		env        []string
		timeout    time.Duration
		wantKilled bool
	}{
		{"an app that exits on SIGTERM is not killed", nil, waitTimeout, false},
		{"an app that ignores SIGTERM is killed after the timeout", []string{"FAKEAPP_IGNORE_TERM=1"}, 300 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			p, err := startProcess(bin, t.TempDir(), append(os.Environ(), tt.env...), ln.(*net.TCPListener), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.waitReady(t.Context(), waitTimeout); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			killed := p.stop(tt.timeout)
			took := time.Since(start)
			if killed != tt.wantKilled {
				t.Errorf("killed = %v after %v", killed, took)
			}
			if tt.wantKilled && took < tt.timeout {
				t.Errorf("killed after %v, before the timeout of %v", took, tt.timeout)
			}
			if !p.exited() || alive(p.cmd.Process.Pid) {
				t.Error("the process still runs")
			}
		})
	}
}

func TestSendToAnAppThatDoesNotReadFailsInTime(t *testing.T) {
	bin := fakeBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	p, err := startProcess(bin, t.TempDir(), append(os.Environ(), "FAKEAPP_DEAF=1"), ln.(*net.TCPListener), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop(time.Second)
	if err := p.waitReady(t.Context(), waitTimeout); err != nil {
		t.Fatal(err)
	}
	// The pipe fills, then a write waits out sendTimeout and fails. How long
	// filling the pipe takes is the machine's business; the test asks that the
	// send fails by its deadline rather than blocking, and bounds the wait only
	// to catch a send that blocks for good.
	start := time.Now()
	failed := make(chan error, 1)
	go func() {
		var err error
		for i := 0; i < 10000 && err == nil; i++ {
			err = p.send(ErrorCmd(strings.Repeat("x", 1000)))
		}
		failed <- err
	}()
	select {
	case err := <-failed:
		if err == nil {
			t.Fatal("10 MB of commands to an app that does not read them all went through")
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("send failed with %v, want its write deadline exceeded", err)
		}
		if d := time.Since(start); d < sendTimeout {
			t.Errorf("send failed after %v, before its timeout of %v", d, sendTimeout)
		}
		t.Logf("send failed after %v", time.Since(start).Round(time.Millisecond))
	case <-time.After(waitTimeout):
		t.Fatalf("send still blocks after %v", waitTimeout)
	}
}

// testWriter writes the app's output to the test log.
type testWriter struct {
	t  *testing.T
	mu sync.Mutex
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t.Logf("app: %s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func TestPassingTheListenerLeavesItNonBlocking(t *testing.T) {
	bin := fakeBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	tl := ln.(*net.TCPListener)
	p, err := startProcess(bin, t.TempDir(), os.Environ(), tl, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop(5 * time.Second)
	rc, err := tl.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var flags int
	rc.Control(func(fd uintptr) { flags, err = fcntlGetfl(int(fd)) })
	if err != nil {
		t.Fatal(err)
	}
	if flags&syscall.O_NONBLOCK == 0 {
		t.Fatal("the socket is in blocking mode after it was passed: an Accept of the dev server's would tie up a thread")
	}
	// And the dev server's own Accept still gives way to a deadline.
	if err := p.waitReady(t.Context(), waitTimeout); err != nil {
		t.Fatal(err)
	}
	p.stop(5 * time.Second)
	tl.SetDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := tl.Accept(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Accept = %v, want a deadline error", err)
	}
}

func fcntlGetfl(fd int) (int, error) {
	r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}
