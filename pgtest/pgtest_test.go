package pgtest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func currentDatabase(t *testing.T, db *pgxpool.Pool) string {
	t.Helper()
	var name string
	if err := db.QueryRow(t.Context(), "select current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestNewDatabaseIsFreshAndWritable(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	if name := currentDatabase(t, db); !strings.HasPrefix(name, "test_") {
		t.Errorf("database %q, want a test_ name", name)
	}
	var tables int
	if err := db.QueryRow(ctx, "select count(*) from pg_tables where schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("a fresh database has %d tables", tables)
	}
	if _, err := db.Exec(ctx, "create table notes (body text); insert into notes values ('hello')"); err != nil {
		t.Fatal(err)
	}
}

func TestParallelTestsGetDifferentDatabases(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	t.Run("group", func(t *testing.T) {
		for i := range 4 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				db := pgtest.New(t)
				// The same table in every database: no clash.
				if _, err := db.Exec(t.Context(), "create table notes (body text)"); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				seen[currentDatabase(t, db)] = true
				mu.Unlock()
			})
		}
	})
	if len(seen) != 4 {
		t.Errorf("4 tests got %d databases: %v", len(seen), seen)
	}
}

func TestTemplateSetupRunsOnceAndEveryCopyStartsFromIt(t *testing.T) {
	var runs atomic.Int32
	// Templates outlive tests: a name of its own for every run (-count).
	name := fmt.Sprint("widgets-", time.Now().UnixNano())
	setup := func(ctx context.Context, conn *pgx.Conn) error {
		runs.Add(1)
		_, err := conn.Exec(ctx, "create table widgets (name text); insert into widgets values ('from setup')")
		return err
	}
	t.Run("group", func(t *testing.T) {
		for i := range 4 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				db := pgtest.New(t, pgtest.WithTemplate(name, setup))
				var names []string
				rows, _ := db.Query(t.Context(), "select name from widgets")
				names, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					t.Fatal(err)
				}
				if len(names) != 1 || names[0] != "from setup" {
					t.Errorf("widgets = %q, want only the setup's row", names)
				}
				// Seen by no other test.
				if _, err := db.Exec(t.Context(), "insert into widgets values ($1)", t.Name()); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
	if n := runs.Load(); n != 1 {
		t.Errorf("setup ran %d times, want 1", n)
	}
}

func TestCleanupDropsTheDatabaseEvenWithConnectionsOpen(t *testing.T) {
	var name string
	t.Run("user", func(t *testing.T) {
		url := pgtest.URL(t)
		conn, err := pgx.Connect(t.Context(), url) // never closed
		if err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(t.Context(), "select current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	var exists bool
	err := pgtest.New(t).QueryRow(t.Context(), "select exists (select from pg_database where datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test", name)
	}
}
