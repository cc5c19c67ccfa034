package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// newCluster returns an uninitialized throwaway cluster in a temporary directory,
// removed at the end of the test. It skips t when PostgreSQL is not installed,
// except in CI.
func newCluster(t *testing.T, dir string) *Cluster {
	t.Helper()
	if _, err := FindBin(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "pg")
	}
	c := &Cluster{Dir: dir, NoSync: true, Attached: true}
	t.Cleanup(func() {
		if err := c.Remove(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return c
}

func connect(t *testing.T, c *Cluster) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func status(t *testing.T, c *Cluster) Status {
	t.Helper()
	st, err := c.Status()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestClusterKeepsItsDataBetweenStarts(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "")
	ctx := t.Context()

	if st := status(t, c); st.Initialized || st.Running {
		t.Fatalf("before Init: status %+v", st)
	}
	if err := c.Start(ctx); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Start before Init: got %v, want fs.ErrNotExist", err)
	}
	if err := c.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Init(ctx); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second Init: got %v, want fs.ErrExist", err)
	}
	if st := status(t, c); !st.Initialized || st.Running || st.Version == "" {
		t.Fatalf("after Init: status %+v", st)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	st := status(t, c)
	if !st.Running || st.PID == 0 {
		t.Fatalf("after Start: status %+v", st)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatalf("Start of a running server: %v", err)
	}
	if again := status(t, c); again.PID != st.PID {
		t.Fatalf("Start of a running server started another: pid %d, then %d", st.PID, again.PID)
	}

	conn := connect(t, c)
	var user, listen, fsync string
	if err := conn.QueryRow(ctx, "select current_user, current_setting('listen_addresses'), current_setting('fsync')").Scan(&user, &listen, &fsync); err != nil {
		t.Fatal(err)
	}
	if user != Superuser || listen != "" || fsync != "off" {
		t.Errorf("user %q, listen_addresses %q, fsync %q; want %q, \"\", off", user, listen, fsync, Superuser)
	}
	if _, err := conn.Exec(ctx, "create table kept (v int); insert into kept values (42)"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if st := status(t, c); st.Running {
		t.Fatalf("after Stop: status %+v", st)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop of a stopped server: %v", err)
	}

	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := connect(t, c).QueryRow(ctx, "select v from kept").Scan(&v); err != nil || v != 42 {
		t.Fatalf("after restart: v = %d, %v; want 42", v, err)
	}

	if err := c.Remove(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("after Remove: stat %s: %v", c.Dir, err)
	}
}

func TestStartFailureShowsServerLog(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "")
	if err := c.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	c.Settings = map[string]string{"shared_buffers": "plenty"}
	err := c.Start(t.Context())
	if err == nil {
		t.Fatal("Start with an invalid setting succeeded")
	}
	for _, want := range []string{"pgcluster: start", "server log", `invalid value for parameter "shared_buffers"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestDeepDirectoryGetsShortSocketDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60), "pg")
	c := newCluster(t, dir)
	p := c.paths()
	if p.ownSocketDir || len(p.socket) > 60 {
		t.Fatalf("socket directory %s for %s", p.socket, dir)
	}
	if err := c.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	connect(t, c).Close(t.Context())
	if err := c.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p.socket); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("socket directory %s left after Stop: %v", p.socket, err)
	}
}

func TestRootRunsServerAsUnprivilegedUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("runs as root only")
	}
	t.Parallel()
	c := newCluster(t, "")
	if err := c.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(c.Dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if ownedBy(fi, 0) {
		t.Errorf("data directory belongs to root")
	}
}

// TestAttachedServerStopsWithItsProcess starts an attached server in a child
// process that exits without stopping it.
func TestAttachedServerStopsWithItsProcess(t *testing.T) {
	if dir := os.Getenv("PGCLUSTER_TEST_ATTACHED_DIR"); dir != "" {
		c := &Cluster{Dir: dir, NoSync: true, Attached: true}
		if err := c.Start(context.Background()); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if !attachSupported {
		t.Skip("Attached has no effect on " + runtime.GOOS)
	}
	t.Parallel()
	c := newCluster(t, "")
	if err := c.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAttachedServerStopsWithItsProcess$")
	cmd.Env = append(os.Environ(), "PGCLUSTER_TEST_ATTACHED_DIR="+c.Dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for status(t, c).Running {
		if time.Now().After(deadline) {
			t.Fatal("the server outlived the process that started it")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestFindBin(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"13", "16", "9.6"} {
		fakeInstall(t, filepath.Join(root, v, "bin"), v+".2")
	}
	fakeInstall(t, filepath.Join(root, "17", "nobin"), "17.0")
	onPath := filepath.Join(t.TempDir(), "bin")
	fakeInstall(t, onPath, "14.1")

	tests := []struct {
		name, path, major, want string
	}{
		{"$PATH comes first", onPath, "", onPath},
		{"then the highest version", "/nonexistent", "", filepath.Join(root, "16", "bin")},
		{"the data directory's version is preferred", onPath, "13", filepath.Join(root, "13", "bin")},
		{"old two-part versions are recognized", "", "9.6", filepath.Join(root, "9.6", "bin")},
		{"an absent version falls back to the first", onPath, "12", onPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := findBin(tt.path, root, tt.major)
			if err != nil || got != tt.want {
				t.Errorf("findBin(%q, %q) = %q, %v; want %q", tt.path, tt.major, got, err, tt.want)
			}
		})
	}

	t.Run("none says what to install", func(t *testing.T) {
		_, err := findBin("/nonexistent", t.TempDir(), "")
		if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "apt-get install -y postgresql") {
			t.Errorf("got %v", err)
		}
	})
}

// fakeInstall writes initdb and postgres scripts into bin; postgres --version
// prints version.
func fakeInstall(t *testing.T, bin, version string) {
	t.Helper()
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"postgres": "#!/bin/sh\necho 'postgres (PostgreSQL) " + version + "'\n",
		"initdb":   "#!/bin/sh\nexit 1\n",
	} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPortIsStablePerDirectory(t *testing.T) {
	a, b := &Cluster{Dir: "/srv/a/pg"}, &Cluster{Dir: "/srv/b/pg"}
	port := a.paths().port
	if port < 10000 || port >= 60000 {
		t.Errorf("port %d, want one in [10000, 60000)", port)
	}
	// Whoever starts the cluster next (another process, another Cluster value)
	// must find the same port, however the directory is written.
	for _, dir := range []string{"/srv/a/pg", "/srv/a/pg/", "/srv/a/./pg", "/srv/b/../a/pg"} {
		if p := (&Cluster{Dir: dir}).paths().port; p != port {
			t.Errorf("Dir %q gives port %d, /srv/a/pg %d", dir, p, port)
		}
	}
	t.Chdir(t.TempDir())
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if rel, abs := (&Cluster{Dir: "pg"}).paths().port, (&Cluster{Dir: filepath.Join(wd, "pg")}).paths().port; rel != abs {
		t.Errorf("relative Dir pg gives port %d, the same directory written in full %d", rel, abs)
	}
	if port == b.paths().port {
		t.Errorf("two directories share port %d (unlucky hash?)", port)
	}
	if p := (&Cluster{Dir: "/srv/a", Port: 6543}).paths().port; p != 6543 {
		t.Errorf("Port 6543 gives %d", p)
	}
	if u := (&Cluster{Dir: "/srv/a", Port: 6543}).URL("app"); u != "postgres://postgres@/app?host=%2Fsrv%2Fa%2Frun&port=6543&sslmode=disable" {
		t.Errorf("URL = %s", u)
	}
}
