package multinode_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/internal/loadproc"
	"github.com/liveapp/liveapp/internal/pgcluster"
	"github.com/liveapp/liveapp/internal/tail"
	"github.com/liveapp/liveapp/live/livetest"
)

// patience bounds every wait on the deployment: far above what a passing run takes, so
// that a busy machine does not fail a correct test. Figures are logged, never asserted.
const patience = 60 * time.Second

// password is every test user's; cheap hashes it fast. The nodes rehash it with their
// own parameters at the first login, as they would an old hash.
const password = "correct horse battery staple"

var cheap = accounts.HashParams{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// secretKeyBase is every node's SECRET_KEY_BASE: nodes that share it accept each other's
// cookies and view tokens.
const secretKeyBase = "multinode test secret: every node shares it, nobody else"

// deployment is the app on three nodes sharing one PostgreSQL cluster.
type deployment struct {
	pg    *pgcluster.Cluster
	dbURL string
	bin   string
	nodes []*node
}

// node is one process of the app on a port of its own, which it keeps across restarts.
type node struct {
	name  string
	addr  string // 127.0.0.1:port
	debug string // DEBUG_ADDR, where it serves /debug/vars
	proc  *process
}

// process is one run of a node.
type process struct {
	cmd    *exec.Cmd
	child  *loadproc.Child
	out    *output
	exited <-chan struct{}
}

// deploy starts PostgreSQL and three nodes of the app, named A, B and C, stopped when t
// ends.
func deploy(t testing.TB) *deployment {
	t.Helper()
	bin := appBinary(t)
	d := &deployment{pg: newCluster(t), bin: bin}
	d.dbURL = createDatabase(t, d.pg, "app")
	for _, name := range []string{"A", "B", "C"} {
		d.nodes = append(d.nodes, &node{name: name, addr: freeAddr(t), debug: freeAddr(t)})
	}
	// As a release is deployed: the migrations once, then the nodes together.
	migrate := exec.Command(bin, "migrate")
	migrate.Dir = t.TempDir()
	migrate.Env = append(os.Environ(), "APP_ENV=prod", "DATABASE_URL="+d.dbURL, "SECRET_KEY_BASE="+secretKeyBase)
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("app migrate: %v\n%s", err, out)
	}
	for _, n := range d.nodes {
		d.start(t, n)
	}
	for _, n := range d.nodes {
		d.awaitReady(t, n)
	}
	return d
}

// start starts a process of n without waiting for it.
func (d *deployment) start(t testing.TB, n *node) {
	t.Helper()
	_, port, _ := net.SplitHostPort(n.addr)
	cmd := exec.Command(d.bin, "serve")
	cmd.Dir = t.TempDir() // not the app's root: the templates are the compiled-in ones
	cmd.Env = append(os.Environ(),
		"APP_ENV=prod", // as deployed: production mode, listening on the loopback interface only
		"HOST=127.0.0.1",
		"PORT="+port,
		"DATABASE_URL="+d.dbURL,
		"SECRET_KEY_BASE="+secretKeyBase,
		"PUBLIC_URL=http://"+livetest.Host,
		"DEBUG_ADDR="+n.debug,
	)
	p := &process{cmd: cmd, out: newOutput()}
	last := tail.New(16 << 10) // for Alive's error
	w := io.MultiWriter(p.out, last)
	cmd.Stdout, cmd.Stderr = w, w
	child, err := loadproc.Start(cmd, last)
	if err != nil {
		t.Fatalf("start node %s: %v", n.name, err)
	}
	p.child, p.exited = child, child.Done()
	n.proc = p
	t.Cleanup(func() {
		child.Stop()
		if t.Failed() {
			t.Logf("node %s (%s) said:\n%s", n.name, n.addr, p.out)
		}
	})
}

// awaitReady waits until n's process listens.
func (d *deployment) awaitReady(t testing.TB, n *node) {
	t.Helper()
	n.proc.await(t, `"msg":"listening"`, 1) // production logs JSON
}

// kill kills n's process with SIGKILL and waits until it is gone.
func (d *deployment) kill(t testing.TB, n *node) {
	t.Helper()
	if err := n.proc.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-n.proc.exited
}

// pubsubStats is what a node's /debug/vars says of its PubSub (pgpubsub.Stats).
type pubsubStats struct {
	Sent, SendErrors, Received, Reconnects uint64
	LastGap                                time.Duration
	Connected                              bool
}

// stats reads n's PubSub counters from its /debug/vars, and returns them as JSON too.
func (n *node) stats(t testing.TB) (pubsubStats, string) {
	t.Helper()
	resp, err := http.Get("http://" + n.debug + "/debug/vars")
	if err != nil {
		t.Fatalf("node %s: %v", n.name, err)
	}
	defer resp.Body.Close()
	var vars struct{ PubSub json.RawMessage }
	var st pubsubStats
	if err := json.NewDecoder(resp.Body).Decode(&vars); err != nil || vars.PubSub == nil {
		t.Fatalf("node %s: /debug/vars: %v, pubsub %s", n.name, err, vars.PubSub)
	}
	if err := json.Unmarshal(vars.PubSub, &st); err != nil {
		t.Fatalf("node %s: /debug/vars: pubsub %s: %v", n.name, vars.PubSub, err)
	}
	return st, string(vars.PubSub)
}

// checkAlive fails t for every node whose process exited or panicked.
func (d *deployment) checkAlive(t testing.TB) {
	t.Helper()
	for _, n := range d.nodes {
		if err := n.proc.child.Alive(); err != nil {
			t.Errorf("node %s: %v", n.name, err)
		}
		if out := n.proc.out.String(); strings.Contains(out, "panic") {
			t.Errorf("node %s panicked:\n%s", n.name, out)
		}
	}
}

// output keeps all a process said, and lets the test wait for a line.
type output struct {
	mu   sync.Mutex
	text strings.Builder
	more chan struct{} // receives after each write, unless full
}

func newOutput() *output { return &output{more: make(chan struct{}, 1)} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	o.text.Write(p)
	o.mu.Unlock()
	select {
	case o.more <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.text.String()
}

// count returns how many times s occurs in the output so far.
func (o *output) count(s string) int { return strings.Count(o.String(), s) }

// await waits until s occurs n times in the output, and fails t when the process exits
// first or patience runs out.
func (p *process) await(t testing.TB, s string, n int) {
	t.Helper()
	timeout := time.NewTimer(patience)
	defer timeout.Stop()
	for p.out.count(s) < n {
		select {
		case <-p.out.more:
		case <-p.exited:
			t.Fatalf("the process exited before it said %q %d times: %v", s, n, p.child.Alive())
		case <-timeout.C:
			t.Fatalf("the process did not say %q %d times within %v:\n%s", s, n, patience, p.out)
		}
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if appBin.path != "" {
		os.RemoveAll(filepath.Dir(appBin.path))
	}
	os.Exit(code)
}

var appBin struct {
	once sync.Once
	path string
	err  error
}

// appBinary builds the template's app once per test binary.
func appBinary(t testing.TB) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go command is not on PATH")
		}
		t.Skip("the go command is not on PATH")
	}
	appBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "multinode-app-")
		if err != nil {
			appBin.err = err
			return
		}
		appBin.path = filepath.Join(dir, "app")
		out, err := exec.Command(goCmd, "build", "-o", appBin.path, "github.com/liveapp/liveapp/template/cmd/app").CombinedOutput()
		if err != nil {
			appBin.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if appBin.err != nil {
		t.Fatal(appBin.err)
	}
	return appBin.path
}

// newCluster starts a throwaway cluster, removed when t ends. Like pgtest, it skips t when
// PostgreSQL is not installed, except in CI.
func newCluster(t testing.TB) *pgcluster.Cluster {
	t.Helper()
	if _, err := pgcluster.FindBin(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	c := &pgcluster.Cluster{
		Dir:      filepath.Join(t.TempDir(), "pg"),
		NoSync:   true, // no fsync: nothing here survives a machine crash anyway
		Attached: true,
		// NoSync also turns synchronous_commit off, under which a commit returns before
		// its WAL is written: an immediate shutdown would lose it. The test stops the
		// server that way and checks that no committed write is lost.
		Settings: map[string]string{"synchronous_commit": "on", "max_connections": "200"},
	}
	t.Cleanup(func() {
		if err := c.Remove(context.Background()); err != nil {
			t.Error(err)
		}
	})
	if err := c.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

// stopNow stops the server at once, as pg_ctl stop -m immediate does (SIGQUIT to the
// postmaster: every backend quits without a word to its client, and the next start
// recovers from the WAL), and waits until it is gone.
func stopNow(t testing.TB, c *pgcluster.Cluster) {
	t.Helper()
	st, err := c.Status()
	if err != nil || !st.Running {
		t.Fatalf("cluster status %+v, %v", st, err)
	}
	if err := syscall.Kill(st.PID, syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(patience); ; time.Sleep(10 * time.Millisecond) {
		if st, err := c.Status(); err == nil && !st.Running {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not stop within %v", patience)
		}
	}
}

// createDatabase creates database name in c and returns its URL.
func createDatabase(t testing.TB, c *pgcluster.Cluster, name string) string {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	return c.URL(name)
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// registerUsers creates accounts with the test password, hashed cheaply, through the
// accounts package on the app's database (the nodes have migrated it).
func (d *deployment) registerUsers(t testing.TB, emails ...string) {
	t.Helper()
	db, err := pgxpool.New(context.Background(), d.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store, err := accounts.New(db, accounts.Config{Hash: cheap})
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range emails {
		if _, err := store.Register(context.Background(), email, password); err != nil {
			t.Fatalf("register %s: %v", email, err)
		}
	}
}

// countProjects returns how many projects the database holds.
func (d *deployment) countProjects(t testing.TB) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), d.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM projects").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// browser is one browser behind the load balancer: a cookie jar, and a client per node
// that shares it, so the test says which node each request reaches. Its connections come
// from a source address of its own, as different users' would, so that the per-address
// limits of logins and sockets count each browser apart.
type browser struct {
	t  testing.TB
	on []*livetest.Client // by node
}

// newBrowser returns a browser whose connections come from src, a 127/8 address.
func (d *deployment) newBrowser(t testing.TB, src netip.Addr) *browser {
	t.Helper()
	b := &browser{t: t}
	first := livetest.NewRemoteClient(t, dialer(d.nodes[0].addr, src))
	b.on = append(b.on, first)
	for _, n := range d.nodes[1:] {
		b.on = append(b.on, first.Via(dialer(n.addr, src)))
	}
	return b
}

// dialer connects to addr from src, whatever address the client asks for.
func dialer(addr string, src netip.Addr) func(ctx context.Context, network, _ string) (net.Conn, error) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: src.AsSlice()}}
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, "tcp", addr)
	}
}

// source returns the i-th source address for browsers, from 127.0.1.1 on.
func source(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{127, 0, byte(1 + i/250), byte(1 + i%250)})
}

// logIn logs the browser in as email through node n's login form.
func (b *browser) logIn(n int, email string) {
	b.t.Helper()
	resp := b.postForm(n, "/users/log-in", "/users/log-in", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		b.t.Fatalf("log in as %s on node %d: %d to %q", email, n, resp.StatusCode, resp.Header.Get("Location"))
	}
}

// logOut logs the browser out through node n.
func (b *browser) logOut(n int) {
	b.t.Helper()
	resp := b.postForm(n, "/", "/users/log-out", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("log out on node %d: %d to %q", n, resp.StatusCode, resp.Header.Get("Location"))
	}
}

var reFormToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// postForm loads page on node n, as a browser would before submitting one of its forms,
// then posts form with the page's CSRF token to action, on the same node.
func (b *browser) postForm(n int, page, action string, form url.Values) *http.Response {
	b.t.Helper()
	c := b.on[n]
	status, loc, body := c.Get(page)
	m := reFormToken.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("GET %s on node %d (%d, to %q) has no form with a CSRF token:\n%s", page, n, status, loc, body)
	}
	form.Set("_csrf", m[1])
	req, _ := http.NewRequest("POST", c.URL(action), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+livetest.Host)
	resp, err := c.HTTP().Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

var reProjectRow = regexp.MustCompile(`id="project-(\d+)"`)

// projectIDs returns the ids of the projects a list page's HTML shows, in order.
func projectIDs(html string) []string {
	var ids []string
	for _, m := range reProjectRow.FindAllStringSubmatch(html, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// percentile returns the p-th percentile (0 to 100) of ds, nearest rank.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// loadAvg returns /proc/loadavg's first three fields, for the log.
func loadAvg() string { return loadproc.LoadAvg() }
