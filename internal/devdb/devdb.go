package devdb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/liveapp/liveapp/internal/pgcluster"
)

// Dir is where, under an app's root, the development database lives.
const Dir = ".liveapp/db"

// lockFile is the lock a liveapp dev holds on the database, beside Dir: Dir
// belongs to the server's user when run as root, and Reset deletes it.
const lockFile = ".liveapp/db.lock"

// ErrInUse is matched (errors.Is) by the error of Start, Stop and Reset when
// another process, a liveapp dev, uses the database.
var ErrInUse = errors.New("a liveapp dev is using the development database of this app: stop it first (Ctrl-C in its terminal)")

// DB is an app's development database: a PostgreSQL cluster in Dir under the
// app's root, holding a database named after the app. A DB holds no state but
// the lock Start takes; its methods read the rest from the directory, so that
// one process can start the database and another stop it.
type DB struct {
	// AppDir is the app's root.
	AppDir string

	// Name is the database's name, such as shop_dev.
	Name string

	// Keep leaves the server running when the process that started it ends.
	// Otherwise, on Linux, the server shuts down with that process, even when
	// it is killed; Stop stops it earlier, in order.
	Keep bool

	mu     sync.Mutex
	unlock func() // the lock Start took
}

// New returns the development database of the app named name in appDir.
func New(appDir, name string) *DB { return &DB{AppDir: appDir, Name: name + "_dev"} }

func (d *DB) cluster() *pgcluster.Cluster {
	return &pgcluster.Cluster{Dir: filepath.Join(d.AppDir, filepath.FromSlash(Dir)), Attached: !d.Keep}
}

// Started says what Start did.
type Started struct {
	URL     string // the database's connection URL
	Created bool   // the cluster was created (the first run)
	Running bool   // the server was running already
}

// Start makes the database ready: it creates the cluster on the first run,
// starts its server unless it runs, and creates the database unless it
// exists. It locks the database for this process until Stop or Release;
// when another process holds the lock, it returns an error matching
// ErrInUse.
//
// When the server binaries are missing, the error matches
// pgcluster.ErrNotInstalled and says how to install them. When the caller is
// root, the server runs as an unprivileged user (see pgcluster), which must be
// able to reach Dir: when it cannot, because the app lives in a directory
// such as /root, the error says what to do, and nothing is changed.
func (d *DB) Start(ctx context.Context) (Started, error) {
	var res Started
	c := d.cluster()
	res.URL = c.URL(d.Name)
	st, err := c.Status()
	if err != nil {
		return res, err
	}
	if !st.Initialized || !st.Running {
		if _, err := pgcluster.FindBin(st.Version); err != nil {
			return res, err // it says what to install
		}
	}
	if err := os.MkdirAll(filepath.Join(d.AppDir, ".liveapp"), 0o755); err != nil {
		return res, err
	}
	if err := d.lock(); err != nil {
		return res, err
	}
	ok := false
	defer func() {
		if !ok {
			d.Release()
		}
	}()
	if err := d.checkAccess(c); err != nil {
		return res, err
	}
	if !st.Initialized {
		if err := c.Init(ctx); err != nil {
			return res, err
		}
		res.Created = true
	}
	res.Running = st.Running
	if err := c.Start(ctx); err != nil {
		return res, err
	}
	if err := d.createDatabase(ctx, c); err != nil {
		return res, err
	}
	ok = true
	return res, nil
}

// checkAccess turns a pgcluster.AccessError into advice.
func (d *DB) checkAccess(c *pgcluster.Cluster) error {
	var ae *pgcluster.AccessError
	if err := c.CheckAccess(); !errors.As(err, &ae) {
		return err
	}
	them := "it"
	if len(ae.Blocked) > 1 {
		them = "them"
	}
	return fmt.Errorf(`PostgreSQL cannot reach %s:
it refuses to run as root, so liveapp runs it as the user %s,
who may not enter %s. Do one of:

    chmod o+x %s
        lets other users pass through %s (not list %s)
    move the app to a directory other users can enter, such as /srv or /tmp
    DATABASE_URL=postgres://... liveapp dev
        uses a database of your own instead`,
		ae.Dir, ae.User, strings.Join(ae.Blocked, ", "), strings.Join(ae.Blocked, " "), them, them)
}

// createDatabase creates the database unless it exists.
func (d *DB) createDatabase(ctx context.Context, c *pgcluster.Cluster) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("devdb: connect to the development cluster: %w", err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, "select exists (select from pg_database where datname = $1)", d.Name).Scan(&exists); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "create database "+pgx.Identifier{d.Name}.Sanitize()); err != nil {
		return fmt.Errorf("devdb: create database %s: %w", d.Name, err)
	}
	return nil
}

// Status describes the development database.
type Status struct {
	Dir     string // the cluster's directory
	URL     string // the database's connection URL
	Created bool   // the cluster exists
	Version string // its PostgreSQL major version, when Created
	Running bool   // its server runs
	PID     int    // the server's process id, when Running
	InUse   bool   // a liveapp dev holds it
}

// Status reports whether the cluster exists, whether its server runs and
// whether a liveapp dev uses it.
func (d *DB) Status() (Status, error) {
	c := d.cluster()
	st, err := c.Status()
	if err != nil {
		return Status{}, err
	}
	s := Status{Dir: c.Dir, URL: c.URL(d.Name), Created: st.Initialized, Version: st.Version, Running: st.Running, PID: st.PID}
	d.mu.Lock()
	held := d.unlock != nil
	d.mu.Unlock()
	if held {
		s.InUse = true
	} else if unlock, err := lockPath(d.lockPath()); errors.Is(err, ErrInUse) {
		s.InUse = true
	} else if err == nil {
		unlock()
	}
	return s, nil
}

// Stop stops the server, if it runs, and releases the lock Start took. When
// another process holds the lock, it returns an error matching ErrInUse.
func (d *DB) Stop(ctx context.Context) error {
	if err := d.lock(); err != nil {
		return err
	}
	defer d.Release()
	return d.cluster().Stop(ctx)
}

// Reset stops the server and deletes the cluster, data and all; the next
// Start creates a fresh one. When another process holds the lock, it returns
// an error matching ErrInUse.
func (d *DB) Reset(ctx context.Context) error {
	if err := d.lock(); err != nil {
		return err
	}
	defer d.Release()
	c := d.cluster()
	if _, err := os.Stat(c.Dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return c.Remove(ctx)
}

// Lock takes the lock Start takes, without starting anything, so that a
// caller can refuse early when another process uses the database: it returns
// an error matching ErrInUse then. Start, Stop and Reset keep a lock taken
// here; Release releases it.
func (d *DB) Lock() error { return d.lock() }

// Release releases the lock Start took, leaving the server as it is.
func (d *DB) Release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.unlock != nil {
		d.unlock()
		d.unlock = nil
	}
}

// lock takes the lock for d, unless d holds it already.
func (d *DB) lock() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.unlock != nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(d.lockPath()), 0o755); err != nil {
		return err
	}
	unlock, err := lockPath(d.lockPath())
	if err != nil {
		return err
	}
	d.unlock = unlock
	return nil
}

func (d *DB) lockPath() string { return filepath.Join(d.AppDir, filepath.FromSlash(lockFile)) }
