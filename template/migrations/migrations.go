// Package migrations holds the app's SQL schema and applies it together with
// liveapp's accounts schema.
//
// Add a migration by creating the next numbered file, such as
// 002_create_tasks.sql, with the SQL that migrates up above a
// "---- create above / drop below ----" line and the SQL that undoes it below.
// Files are embedded in the binary, so `app migrate` needs nothing but the
// database.
package migrations

import (
	"context"
	"embed"

	"github.com/jackc/pgx/v5"

	liveapp "github.com/liveapp/liveapp/migrations"
)

//go:embed *.sql
var files embed.FS

// VersionTable records how many of the app's migrations have run. liveapp's
// accounts migrations keep their own count in liveapp.VersionTable.
const VersionTable = "public.schema_version"

// Apply brings conn's database up to date: liveapp's accounts schema (users,
// users_tokens) first, since the app's tables refer to users, then the app's
// own migrations. It only runs what has not run yet and holds an advisory lock
// meanwhile, so every node of a deployment may call it at once.
func Apply(ctx context.Context, conn *pgx.Conn) error {
	if err := liveapp.Apply(ctx, conn); err != nil {
		return err
	}
	return liveapp.ApplyFS(ctx, conn, files, VersionTable)
}
