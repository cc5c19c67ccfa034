package migrations

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/tern/v2/migrate"
)

//go:embed *.sql
var files embed.FS

// VersionTable is the table in which Apply records how many of liveapp's
// migrations have run.
const VersionTable = "public.liveapp_schema_version"

// lockKey is the pg_advisory_lock key held while migrations run, the same for
// every set of migrations so that an app's never run concurrently with liveapp's.
const lockKey = 7_210_553_018_430_112_947

// Apply applies liveapp's accounts migrations that have not run yet on conn's
// database, recording them in VersionTable. See ApplyFS.
func Apply(ctx context.Context, conn *pgx.Conn) error {
	return ApplyFS(ctx, conn, files, VersionTable)
}

// tableName is an optionally schema-qualified SQL identifier that needs no quotes.
var tableName = regexp.MustCompile(`^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$`)

// ApplyFS applies the migrations in the top directory of fsys (files named
// NNN_description.sql, numbered from 1 without gaps) that have not run yet on
// conn's database, recording their number in table, which it creates when
// missing. Each set of migrations needs a table of its own; schema-qualify it
// ("public.schema_version"). ApplyFS holds an advisory lock while it runs: it is
// safe to call from several processes at once. A failed migration is rolled
// back (the ones before it stay applied), and the error names it (a
// *migrate.MigrationPgError for SQL errors).
func ApplyFS(ctx context.Context, conn *pgx.Conn, fsys fs.FS, table string) (err error) {
	if !tableName.MatchString(table) {
		return fmt.Errorf("migrations: version table %q: want a lower-case, optionally schema-qualified name", table)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(lockKey)); err != nil {
		return fmt.Errorf("migrations: lock: %w", err)
	}
	defer func() {
		// Unlock even when ctx is done; a connection that ctx's end closed has
		// released the lock already.
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(lockKey)); uerr != nil && err == nil && !conn.IsClosed() {
			err = fmt.Errorf("migrations: unlock: %w", uerr)
		}
	}()
	m, err := migrate.NewMigrator(ctx, conn, table)
	if err != nil {
		return fmt.Errorf("migrations: %s: %w", table, err)
	}
	if err := m.LoadMigrations(fsys); err != nil {
		return fmt.Errorf("migrations: load: %w", err)
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrations: apply (%s): %w", table, err)
	}
	return nil
}

// Files returns liveapp's migration files, for tools that run them another way,
// such as a rollback with tern's Migrator.MigrateTo.
func Files() fs.FS { return files }
