package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/internal/pgcluster"
)

// shared is the server of this test binary: every test shares it, Main closes it.
var shared server

// Main runs the tests of m, then stops and removes the throwaway cluster, or, with
// DATABASE_URL, drops the template databases; then it exits. Call it from
// TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if err := shared.close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// Option configures New and URL.
type Option func(*options)

type options struct {
	template string
	setup    SetupFunc
}

// SetupFunc prepares a template database through conn, for instance by applying
// migrations. It runs once per test binary and template name.
type SetupFunc func(ctx context.Context, conn *pgx.Conn) error

// WithTemplate makes the new database a copy of the template database name,
// which setup prepares the first time any test of the binary asks for it. The
// name identifies the template: it must always come with the same setup. When
// setup fails, every test that asks for the template fails with its error.
func WithTemplate(name string, setup SetupFunc) Option {
	return func(o *options) { o.template, o.setup = name, setup }
}

// New creates a database for t and returns a pool connected to it. The pool is
// closed and the database dropped when t ends. New skips or fails t when there is
// no server to use (see the package documentation).
func New(t testing.TB, opts ...Option) *pgxpool.Pool {
	t.Helper()
	url := URL(t, opts...)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close) // before URL's cleanup drops the database
	if err := pool.Ping(t.Context()); err != nil {
		t.Fatalf("pgtest: connect to the test database: %v", err)
	}
	return pool
}

// URL creates a database for t and returns its connection URL. The database is
// dropped when t ends, and connections still open to it are closed. URL skips
// or fails t when there is no server to use (see the package documentation).
func URL(t testing.TB, opts ...Option) string {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	s, err := shared.get()
	if err != nil {
		msg := "pgtest: " + err.Error()
		if errors.Is(err, pgcluster.ErrNotInstalled) && os.Getenv("CI") != "true" {
			t.Skip(msg)
		}
		t.Fatal(msg)
	}
	template := ""
	if o.setup != nil {
		if template, err = s.template(o.template, o.setup); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
	name, err := s.create(t.Context(), template)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.drop(context.Background(), name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return s.url(name)
}
