// Package migrations holds the SQL schema of liveapp's accounts (the users,
// users_tokens and rate_limits tables) and applies it, with
// github.com/jackc/tern/v2.
//
// Migrations are files named NNN_description.sql, applied in number order, each
// in a transaction; the part above a "---- create above / drop below ----" line
// migrates up. A version table records how many have run, so applying is
// idempotent: only the new ones run. A session-level advisory lock
// (pg_advisory_lock) is held meanwhile, so processes that start together, such
// as several replicas of an app, apply each migration exactly once.
//
// # An app's own migrations
//
// A generated app keeps its own migrations in its migrations/ directory, with a
// version table of their own, and applies them after liveapp's, so that they may
// refer to users:
//
//	// myapp/migrations/migrations.go
//	package migrations
//
//	import "embed"
//
//	//go:embed *.sql
//	var FS embed.FS
//
//	// myapp/internal/db/migrate.go
//	import (
//		accounts "github.com/liveapp/liveapp/migrations"
//		"myapp/migrations"
//	)
//
//	func Migrate(ctx context.Context, conn *pgx.Conn) error {
//		if err := accounts.Apply(ctx, conn); err != nil {
//			return err
//		}
//		return accounts.ApplyFS(ctx, conn, migrations.FS, "public.schema_version")
//	}
//
// The app's tests get a migrated database each with
// pgtest.New(t, pgtest.WithTemplate("migrated", db.Migrate)).
package migrations
