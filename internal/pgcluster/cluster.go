package pgcluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Superuser is the database superuser that initdb creates and URL connects as.
const Superuser = "postgres"

// maxSocketPath is the longest Unix socket path the kernel accepts (sun_path is
// 108 bytes with the terminating NUL); postgres refuses longer ones.
const maxSocketPath = 107

// Cluster is a PostgreSQL cluster kept in the directory Dir. The zero value of
// every other field is a sensible default. A Cluster holds no state of its own:
// its methods may be called from different processes, one at a time per
// directory.
type Cluster struct {
	// Dir is the cluster's directory, created by Init. Relative paths are
	// resolved against the working directory.
	Dir string

	// Port is the server's port number. The server listens on no TCP port, but
	// the number names its socket file and its lock file. Zero means a number in
	// [10000, 60000) derived from Dir, the same at every start.
	Port int

	// NoSync turns off fsync, synchronous_commit and full_page_writes, and runs
	// initdb with --no-sync: much faster, but a machine crash can corrupt the
	// cluster. For throwaway clusters.
	NoSync bool

	// Attached ties the server to the calling process: on Linux the server shuts
	// down immediately when the process that started it exits, even when it is
	// killed, so a test binary cannot leave a server behind. Otherwise (and on
	// other systems) the server keeps running until Stop, as liveapp dev wants.
	Attached bool

	// Settings are extra server settings (postgres -c name=value), applied at
	// each start, such as {"max_connections": "200"}.
	Settings map[string]string

	// Bin is the directory holding initdb and postgres. Empty means FindBin,
	// preferring the version that created the data directory.
	Bin string

	// RunAs is the operating-system user that runs initdb and postgres when the
	// caller is root. Empty means: for Init, DefaultRunAs, created with useradd
	// --system when missing, or nobody when it cannot be created; for Start, the
	// owner of the data directory. Ignored when not root.
	RunAs string
}

// Status describes a cluster's directory and server.
type Status struct {
	Initialized bool   // Dir holds a data directory (Init has run)
	Version     string // the data directory's major version ("15"), when Initialized
	Running     bool   // a server runs on the data directory
	PID         int    // the server's process id, when Running
}

// paths are the absolute paths of a cluster's parts.
type paths struct {
	dir, data, log, socket string
	port                   int
	ownSocketDir           bool // socket is under dir (else a short directory under /tmp)
}

func (c *Cluster) paths() paths {
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		dir = filepath.Clean(c.Dir)
	}
	p := paths{dir: dir, data: filepath.Join(dir, "data"), log: filepath.Join(dir, "server.log"), port: c.Port}
	if p.port == 0 {
		h := fnv.New32a()
		h.Write([]byte(dir))
		p.port = 10000 + int(h.Sum32()%50000)
	}
	socketFile := "/.s.PGSQL." + strconv.Itoa(p.port)
	p.socket, p.ownSocketDir = filepath.Join(dir, "run"), true
	if len(p.socket)+len(socketFile) > maxSocketPath {
		// A deep Dir: use a directory named for Dir in a short temporary directory,
		// so that every process finds the same one.
		sum := sha256.Sum256([]byte(dir))
		name := "liveapp-pg-" + hex.EncodeToString(sum[:6])
		p.socket, p.ownSocketDir = filepath.Join("/tmp", name), false
		if t := filepath.Join(os.TempDir(), name); len(t)+len(socketFile) <= maxSocketPath {
			p.socket = t
		}
	}
	return p
}

// URL returns the connection URL of database dbname as the superuser, through the
// server's socket, such as
// postgres://postgres@/app?host=/home/me/app/.liveapp/pg/run&port=54321&sslmode=disable.
// The socket is in Dir/run, or, when that path is too long for a Unix socket, in
// a directory of the system's temporary directory named for Dir.
func (c *Cluster) URL(dbname string) string {
	p := c.paths()
	q := url.Values{"host": {p.socket}, "port": {strconv.Itoa(p.port)}, "sslmode": {"disable"}}
	u := url.URL{Scheme: "postgres", User: url.User(Superuser), Path: "/" + dbname, RawQuery: q.Encode()}
	return u.String()
}

// Status reports whether the cluster is initialized and whether its server runs.
func (c *Cluster) Status() (Status, error) {
	p := c.paths()
	var st Status
	v, err := os.ReadFile(filepath.Join(p.data, "PG_VERSION"))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	} else if err != nil {
		return st, fmt.Errorf("pgcluster: status of %s: %w", p.dir, err)
	}
	st.Initialized, st.Version = true, strings.TrimSpace(string(v))
	pid, _, err := readPIDFile(p.data)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	} else if err != nil {
		return st, fmt.Errorf("pgcluster: status of %s: %w", p.dir, err)
	}
	if isServer(pid) {
		st.Running, st.PID = true, pid
	}
	return st, nil
}

// readPIDFile returns the postmaster's process id and status ("starting",
// "ready", "stopping") from the data directory's lock file.
func readPIDFile(data string) (pid int, status string, err error) {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return 0, "", err
	}
	lines := strings.Split(string(b), "\n")
	pid, err = strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil {
		// The server writes the file in steps; a partial one reads as not yet there.
		return 0, "", fmt.Errorf("postmaster.pid: %w", fs.ErrNotExist)
	}
	if len(lines) > 7 {
		status = strings.TrimSpace(lines[7])
	}
	return pid, status, nil
}

// Init creates Dir and a data directory in it with initdb (superuser postgres,
// trust authentication, UTF8, C locale). It returns an error matching
// fs.ErrExist when the cluster is already initialized.
func (c *Cluster) Init(ctx context.Context) error {
	p := c.paths()
	if _, err := os.Stat(filepath.Join(p.data, "PG_VERSION")); err == nil {
		return fmt.Errorf("pgcluster: init %s: already initialized: %w", p.dir, fs.ErrExist)
	}
	bin, err := c.bin("")
	if err != nil {
		return fmt.Errorf("pgcluster: init %s: %w", p.dir, err)
	}
	u, err := serverUser(c.RunAs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return fmt.Errorf("pgcluster: init: %w", err)
	}
	if err := u.own(p.dir); err != nil {
		return fmt.Errorf("pgcluster: init: %w", err)
	}
	if err := u.reach(p.dir); err != nil {
		return fmt.Errorf("pgcluster: init: %w", err)
	}
	args := []string{"-D", p.data, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C"}
	if c.NoSync {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), args...)
	cmd.Dir, cmd.Env, cmd.SysProcAttr = p.dir, environ(), sysProcAttr(u, false)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pgcluster: init %s: initdb: %w\n%s", p.dir, err, tail(out, 20))
	}
	return nil
}

// Start starts the server and waits until it accepts connections, or until ctx
// is done. It does nothing when the server is already running. When the server
// fails to start, the error includes the end of its log.
func (c *Cluster) Start(ctx context.Context) error {
	p := c.paths()
	st, err := c.Status()
	if err != nil {
		return err
	}
	if st.Running {
		return nil
	}
	if !st.Initialized {
		return fmt.Errorf("pgcluster: start %s: not initialized (Init it first): %w", p.dir, fs.ErrNotExist)
	}
	bin, err := c.bin(st.Version)
	if err != nil {
		return fmt.Errorf("pgcluster: start %s: %w", p.dir, err)
	}
	u, err := dataOwner(p.data, c.RunAs)
	if err != nil {
		return err
	}
	if err := makeSocketDir(p, u); err != nil {
		return fmt.Errorf("pgcluster: start %s: %w", p.dir, err)
	}
	log, err := os.OpenFile(p.log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("pgcluster: start %s: %w", p.dir, err)
	}
	defer log.Close() // the server has its own descriptor
	if err := u.own(p.log); err != nil {
		return fmt.Errorf("pgcluster: start %s: %w", p.dir, err)
	}
	logStart, _ := log.Seek(0, io.SeekEnd)

	cmd := exec.Command(filepath.Join(bin, "postgres"), c.serverArgs(p)...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = p.data, environ(), log, log
	cmd.SysProcAttr = sysProcAttr(u, c.Attached)
	exited, err := spawn(cmd, c.Attached && attachSupported)
	if err != nil {
		return fmt.Errorf("pgcluster: start %s: %w", p.dir, err)
	}
	failed := func(err error) error {
		return fmt.Errorf("pgcluster: start %s: %w\n%s", p.dir, err, logTail(p.log, logStart, 20))
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			if err == nil {
				err = errors.New("server exited")
			}
			return failed(err)
		case <-ctx.Done():
			quit(cmd.Process.Pid)
			return failed(ctx.Err())
		case <-tick.C:
			if pid, status, err := readPIDFile(p.data); err == nil && pid == cmd.Process.Pid && status == "ready" {
				return nil
			}
		}
	}
}

// serverArgs are postgres's arguments: the cluster's fixed settings, then
// Settings in name order.
func (c *Cluster) serverArgs(p paths) []string {
	args := []string{"-D", p.data, "-p", strconv.Itoa(p.port), "-k", p.socket, "-c", "listen_addresses="}
	if c.NoSync {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	for _, name := range slices.Sorted(maps.Keys(c.Settings)) {
		args = append(args, "-c", name+"="+c.Settings[name])
	}
	return args
}

// spawn starts cmd and returns a channel that receives cmd.Wait's result once the
// process exits; waiting also reaps it. With lockThread, cmd is started from, and
// waited for on, an OS thread locked to one goroutine: Pdeathsig fires when the
// starting thread exits, so the thread must live as long as the server.
func spawn(cmd *exec.Cmd, lockThread bool) (<-chan error, error) {
	started := make(chan error, 1)
	exited := make(chan error, 1)
	go func() {
		if lockThread {
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine, after the server
		}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		exited <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return exited, nil
}

// makeSocketDir creates the socket directory, mode 0700, owned by the server's
// user. A directory under /tmp that exists already must be a directory of that
// user, not a link someone else planted.
func makeSocketDir(p paths, u *osUser) error {
	if err := os.Mkdir(p.socket, 0o700); err == nil {
		return u.own(p.socket)
	} else if !errors.Is(err, fs.ErrExist) {
		return err
	}
	if p.ownSocketDir {
		return u.own(p.socket)
	}
	fi, err := os.Lstat(p.socket)
	if err != nil {
		return err
	}
	uid := os.Geteuid()
	if u != nil {
		uid = u.uid
	}
	if !fi.IsDir() || fi.Mode().Perm()&0o077 != 0 || !ownedBy(fi, uid) {
		return fmt.Errorf("socket directory %s exists but is not a private directory of uid %d", p.socket, uid)
	}
	return nil
}

// Stop asks the server for a fast shutdown (clients are disconnected, their
// transactions rolled back) and waits for it to exit. It does nothing when the
// server is not running. If ctx is done first, Stop asks for an immediate
// shutdown, which needs crash recovery at the next start, and returns ctx's error.
func (c *Cluster) Stop(ctx context.Context) error {
	p := c.paths()
	st, err := c.Status()
	if err != nil {
		return err
	}
	if st.Running {
		if err := interrupt(st.PID); err != nil {
			return fmt.Errorf("pgcluster: stop %s: %w", p.dir, err)
		}
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for isServer(st.PID) {
			select {
			case <-ctx.Done():
				quit(st.PID)
				return fmt.Errorf("pgcluster: stop %s: %w", p.dir, ctx.Err())
			case <-tick.C:
			}
		}
	}
	if !p.ownSocketDir {
		os.Remove(p.socket) // empty once the server is gone
	}
	return nil
}

// Remove stops the server, like Stop, and deletes Dir.
func (c *Cluster) Remove(ctx context.Context) error {
	if err := c.Stop(ctx); err != nil {
		return err
	}
	p := c.paths()
	if err := os.RemoveAll(p.dir); err != nil {
		return fmt.Errorf("pgcluster: remove: %w", err)
	}
	return nil
}

// bin returns c.Bin, or finds the binaries of version major (any version when
// major is empty).
func (c *Cluster) bin(major string) (string, error) {
	if c.Bin != "" {
		return c.Bin, nil
	}
	return FindBin(major)
}

// environ is the caller's environment without the PG* variables, which would
// change the defaults of initdb and postgres.
func environ() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PG") })
}
