package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/internal/pgcluster"
)

// server is the PostgreSQL server of a test binary: DATABASE_URL's, or a
// throwaway cluster started on first use.
type server struct {
	mu        sync.Mutex
	started   bool // start has run, successfully or not
	closed    bool // Main's tests have ended
	err       error
	cluster   *pgcluster.Cluster // nil with DATABASE_URL
	base      string             // URL of the database the admin pool uses
	admin     *pgxpool.Pool      // creates and drops databases
	templates map[string]*template
}

// template is a template database, prepared once.
type template struct {
	once sync.Once
	db   string
	err  error
}

// get returns s, started. A failed start is not retried: every test gets its error.
func (s *server) get() (*server, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("used after the tests of pgtest.Main have ended")
	}
	if !s.started {
		s.started = true
		s.err = s.start()
	}
	return s, s.err
}

func (s *server) start() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s.templates = map[string]*template{}
	if u := os.Getenv("DATABASE_URL"); u != "" {
		s.base = u
	} else {
		c, err := startCluster(ctx)
		if err != nil {
			return err
		}
		s.cluster, s.base = c, c.URL("postgres")
	}
	admin, err := pgxpool.New(ctx, s.base)
	if err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		if admin != nil {
			admin.Close()
		}
		if s.cluster != nil {
			s.cluster.Remove(ctx)
		}
		if s.cluster == nil {
			return fmt.Errorf("connect to DATABASE_URL: %w", err)
		}
		return fmt.Errorf("connect to the test cluster: %w", err)
	}
	s.admin = admin
	return nil
}

// startCluster initializes and starts a throwaway cluster in a new temporary
// directory.
func startCluster(ctx context.Context) (*pgcluster.Cluster, error) {
	if _, err := pgcluster.FindBin(""); err != nil {
		return nil, err
	}
	removeLeftovers()
	dir, err := os.MkdirTemp(clusterParent(), clusterPrefix)
	if err != nil {
		return nil, err
	}
	c := &pgcluster.Cluster{
		Dir:      dir,
		NoSync:   true,
		Attached: true,
		// Each test's pool may open up to max(4, GOMAXPROCS) connections.
		Settings: map[string]string{"max_connections": "300"},
	}
	if err := c.Init(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		c.Remove(ctx)
		return nil, err
	}
	return c, nil
}

// close drops the templates of DATABASE_URL's server, or removes the cluster.
func (s *server) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if !s.started || s.err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var errs []error
	if s.cluster == nil {
		for _, tp := range s.templates {
			if tp.db != "" {
				errs = append(errs, s.drop(ctx, tp.db))
			}
		}
	}
	s.admin.Close()
	if s.cluster != nil {
		errs = append(errs, s.cluster.Remove(ctx))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("pgtest: clean up: %w", err)
	}
	return nil
}

// create creates a database, a copy of template (template1 when empty), and
// returns its name.
func (s *server) create(ctx context.Context, template string) (string, error) {
	name := "test_" + randomHex()
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := s.admin.Exec(ctx, sql); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return name, nil
}

// drop drops database name, closing the connections still open to it.
func (s *server) drop(ctx context.Context, name string) error {
	if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// template returns the database of template name, preparing it with setup the
// first time.
func (s *server) template(name string, setup SetupFunc) (string, error) {
	s.mu.Lock()
	tp := s.templates[name]
	if tp == nil {
		tp = &template{}
		s.templates[name] = tp
	}
	s.mu.Unlock()
	tp.once.Do(func() { tp.db, tp.err = s.prepare(name, setup) })
	return tp.db, tp.err
}

// prepare creates a database and runs setup in it. Connections to the result are
// then refused, since CREATE DATABASE cannot copy a database in use.
func (s *server) prepare(name string, setup SetupFunc) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	db, err := s.create(ctx, "")
	if err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	conn, err := pgx.Connect(ctx, s.url(db))
	if err == nil {
		err = setup(ctx, conn)
		conn.Close(ctx)
	}
	if err == nil {
		_, err = s.admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{db}.Sanitize()+" WITH ALLOW_CONNECTIONS false")
	}
	if err != nil {
		s.drop(ctx, db)
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	return db, nil
}

// url returns the connection URL of database name.
func (s *server) url(name string) string {
	if s.cluster != nil {
		return s.cluster.URL(name)
	}
	return withDatabase(s.base, name)
}

// withDatabase returns conn, a URL or a keyword/value connection string, with its
// database replaced by name.
func withDatabase(conn, name string) string {
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		if u, err := url.Parse(conn); err == nil {
			u.Path, u.RawPath = "/"+name, ""
			return u.String()
		}
	}
	return conn + " dbname=" + name // the last setting wins
}

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
