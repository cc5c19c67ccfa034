package pgtest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/liveapp/liveapp/internal/pgcluster"
)

func TestWithDatabaseReplacesTheDatabase(t *testing.T) {
	tests := []struct{ name, conn, want string }{
		{"URL", "postgres://u:p@db.example:5433/app?sslmode=require", "postgres://u:p@db.example:5433/test_x?sslmode=require"},
		{"URL without database", "postgresql://u@localhost", "postgresql://u@localhost/test_x"},
		{"keyword/value", "host=/run/postgresql dbname=app", "host=/run/postgresql dbname=app dbname=test_x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withDatabase(tt.conn, "test_x")
			if got != tt.want {
				t.Errorf("withDatabase(%q) = %q, want %q", tt.conn, got, tt.want)
			}
			cfg, err := pgx.ParseConfig(got)
			if err != nil || cfg.Database != "test_x" {
				t.Errorf("%q parses to database %q, %v", got, cfg.Database, err)
			}
		})
	}
}

// BenchmarkCreateDatabase reports what a test pays for its database, a copy of an
// empty database or of a template with a small schema; dropping is not counted.
func BenchmarkCreateDatabase(b *testing.B) {
	s, err := shared.get()
	if err != nil {
		if errors.Is(err, pgcluster.ErrNotInstalled) && os.Getenv("CI") != "true" {
			b.Skip(err)
		}
		b.Fatal(err)
	}
	schema := func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `create table a (id bigint primary key, v text unique);
			create table b (id bigint primary key, a_id bigint references a, v text);
			create index on b (a_id)`)
		return err
	}
	for _, bench := range []struct {
		name  string
		setup SetupFunc
	}{{"empty", nil}, {"template", schema}} {
		b.Run(bench.name, func(b *testing.B) {
			ctx := context.Background()
			template := ""
			if bench.setup != nil {
				if template, err = s.template("bench", bench.setup); err != nil {
					b.Fatal(err)
				}
			}
			var total time.Duration
			n := 0
			for b.Loop() {
				t0 := time.Now()
				name, err := s.create(ctx, template)
				if err != nil {
					b.Fatal(err)
				}
				total += time.Since(t0)
				n++
				b.StopTimer()
				if err := s.drop(ctx, name); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(total.Microseconds())/1e3/float64(n), "create-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// TestWithoutMainTheClusterGoesWithTheBinary runs a test binary that exits
// without Main's cleanup: its server must stop with it, and the next binary must
// remove the directory left behind.
func TestWithoutMainTheClusterGoesWithTheBinary(t *testing.T) {
	if os.Getenv("PGTEST_HELPER_EXIT_WITHOUT_CLEANUP") != "" {
		s, err := shared.get()
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(s.cluster.Dir)
		os.Exit(0)
	}
	if os.Getenv("DATABASE_URL") != "" || runtime.GOOS != "linux" {
		t.Skip("needs a throwaway cluster on Linux")
	}
	if _, err := pgcluster.FindBin(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWithoutMainTheClusterGoesWithTheBinary$")
	cmd.Env = append(os.Environ(), "PGTEST_HELPER_EXIT_WITHOUT_CLEANUP=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	dir := strings.TrimSpace(string(out))
	c := &pgcluster.Cluster{Dir: dir}
	t.Cleanup(func() { c.Remove(context.Background()) })

	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		st, err := c.Status()
		if err != nil {
			t.Fatal(err)
		}
		if !st.Running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server outlived its test binary")
		}
	}

	removeLeftovers()
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("a young cluster directory was removed: %v", err)
	}
	old := time.Now().Add(-2 * time.Minute)
	if err := os.Chtimes(dir, old, old); err != nil {
		t.Fatal(err)
	}
	removeLeftovers()
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the leftover %s is still there: %v", dir, err)
	}
}
