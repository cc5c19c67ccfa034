package devdb

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/liveapp/liveapp/internal/pgcluster"
)

// needPostgres skips t when the PostgreSQL binaries are missing, except in CI.
func needPostgres(t *testing.T) {
	t.Helper()
	if _, err := pgcluster.FindBin(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// appDir returns an empty app directory that the server's user can reach
// when the test runs as root: t.TempDir and its parent are private.
func appDir(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	for _, d := range []string{tmp, filepath.Dir(tmp)} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(tmp, "shop")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func query(t *testing.T, url, sql string) error {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(t.Context(), sql)
	return err
}

func TestDevDBLifecycle(t *testing.T) {
	needPostgres(t)
	dir := appDir(t)
	ctx := t.Context()
	db := New(dir, "shop")
	t.Cleanup(func() { New(dir, "shop").cluster().Remove(context.Background()) })

	st, err := db.Status()
	if err != nil || st.Created || st.Running || st.InUse {
		t.Fatalf("before the first start: %+v, %v", st, err)
	}

	started, err := db.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !started.Created || started.Running || !strings.Contains(started.URL, "/shop_dev?") {
		t.Fatalf("first start: %+v", started)
	}
	if err := query(t, started.URL, "create table kept (v int)"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, ".liveapp", "db", "data")); err != nil || !fi.IsDir() {
		t.Fatalf("no data directory in .liveapp/db: %v", err)
	}

	t.Run("another process may look, but not stop or reset it, nor start it too", func(t *testing.T) {
		other := New(dir, "shop")
		st, err := other.Status()
		if err != nil || !st.Running || !st.InUse || st.PID == 0 || st.URL != started.URL {
			t.Errorf("status %+v, %v", st, err)
		}
		if _, err := other.Start(ctx); !errors.Is(err, ErrInUse) {
			t.Errorf("Start: %v", err)
		}
		if err := other.Stop(ctx); !errors.Is(err, ErrInUse) {
			t.Errorf("Stop: %v", err)
		}
		if err := other.Reset(ctx); !errors.Is(err, ErrInUse) {
			t.Errorf("Reset: %v", err)
		}
	})

	second := New(dir, "shop")
	t.Run("stop stops the server and keeps the data", func(t *testing.T) {
		if err := db.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if st, _ := db.Status(); st.Running || st.InUse || !st.Created {
			t.Errorf("after Stop: %+v", st)
		}
		again, err := second.Start(ctx)
		if err != nil || again.Created || again.Running {
			t.Fatalf("second start: %+v, %v", again, err)
		}
		if err := query(t, again.URL, "select * from kept"); err != nil {
			t.Errorf("the table is gone: %v", err)
		}
	})

	t.Run("a server left running (--keep-db) is stopped by another process", func(t *testing.T) {
		second.Release()
		other := New(dir, "shop")
		st, err := other.Status()
		if err != nil || !st.Running || st.InUse {
			t.Fatalf("status %+v, %v", st, err)
		}
		if err := other.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if st, _ := other.Status(); st.Running {
			t.Errorf("after Stop: %+v", st)
		}
	})

	t.Run("reset deletes it; the next start creates a fresh one", func(t *testing.T) {
		if err := New(dir, "shop").Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, ".liveapp", "db")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf(".liveapp/db after Reset: %v", err)
		}
		fresh := New(dir, "shop")
		s, err := fresh.Start(ctx)
		if err != nil || !s.Created {
			t.Fatalf("start after reset: %+v, %v", s, err)
		}
		if err := query(t, s.URL, "select * from kept"); err == nil {
			t.Error("the table survived the reset")
		}
		if err := fresh.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if err := New(dir, "shop").Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if err := New(dir, "shop").Reset(ctx); err != nil {
			t.Errorf("reset of nothing: %v", err)
		}
	})
}

func TestDevDBUnderAPrivateDirectorySaysWhatToDo(t *testing.T) {
	needPostgres(t)
	if os.Geteuid() != 0 {
		t.Skip("the server runs as another user for root only")
	}
	home := filepath.Join(t.TempDir(), "root")
	if err := os.MkdirAll(filepath.Join(home, "shop"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := New(filepath.Join(home, "shop"), "shop").Start(t.Context())
	if err == nil || !strings.Contains(err.Error(), "chmod o+x") || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("got %v", err)
	}
	if fi, _ := os.Stat(home); fi.Mode().Perm() != 0o700 {
		t.Errorf("the private directory's mode changed to %v", fi.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(home, "shop", ".liveapp", "db")); err == nil {
		t.Error("a cluster directory was made")
	}
}
