package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/liveapp/liveapp/internal/pgcluster"
	"github.com/liveapp/liveapp/migrations"
)

// openDatabase returns the URL of the database the server is to use, with
// liveapp's migrations applied, and a function that removes it afterwards:
// given is used as it is (and kept); otherwise the database is a throwaway
// one, in $DATABASE_URL's server (whose role needs CREATEDB) or in a
// throwaway cluster.
func openDatabase(ctx context.Context, given string) (dbURL string, remove func(), err error) {
	remove = func() {}
	switch {
	case given != "":
		dbURL = given
	case os.Getenv("DATABASE_URL") != "":
		dbURL, remove, err = createDatabase(ctx, os.Getenv("DATABASE_URL"))
	default:
		dbURL, remove, err = startCluster(ctx)
	}
	if err != nil {
		return "", nil, err
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err == nil {
		err = migrations.Apply(ctx, conn)
		conn.Close(ctx)
	}
	if err != nil {
		remove()
		return "", nil, fmt.Errorf("prepare the database: %w", err)
	}
	return dbURL, remove, nil
}

// createDatabase creates a database in the server of base.
func createDatabase(ctx context.Context, base string) (string, func(), error) {
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", nil, fmt.Errorf("connect to DATABASE_URL: %w", err)
	}
	name := pgx.Identifier{"loginflood_" + strings.ToLower(rand.Text()[:12])}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close(ctx)
		return "", nil, fmt.Errorf("create a throwaway database: %w", err)
	}
	remove := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close(ctx)
	}
	return withDatabase(base, strings.Trim(name, `"`)), remove, nil
}

// withDatabase returns conn, a URL or a keyword/value connection string, with
// its database replaced by name.
func withDatabase(conn, name string) string {
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		if u, err := url.Parse(conn); err == nil {
			u.Path, u.RawPath = "/"+name, ""
			return u.String()
		}
	}
	return conn + " dbname=" + name // the last setting wins
}

// startCluster starts a throwaway cluster, tied to this process, in a new
// temporary directory.
func startCluster(ctx context.Context) (string, func(), error) {
	if _, err := pgcluster.FindBin(""); err != nil {
		return "", nil, fmt.Errorf("%w; or set DATABASE_URL", err)
	}
	dir, err := os.MkdirTemp("", "loginflood-pg-")
	if err != nil {
		return "", nil, err
	}
	c := &pgcluster.Cluster{Dir: dir, NoSync: true, Attached: true}
	remove := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = c.Remove(ctx)
		os.RemoveAll(dir)
	}
	if err := c.Init(ctx); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	if err := c.Start(ctx); err != nil {
		remove()
		return "", nil, err
	}
	return c.URL("postgres"), remove, nil
}
