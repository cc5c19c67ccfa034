// liveapp:auth begin
// Package migrations holds the app's SQL schema and applies it together with
// liveapp's accounts schema.
// liveapp:auth else
// // Package migrations holds the app's SQL schema and applies it.
// liveapp:auth end
//
// liveapp:projects begin
// Add a migration by creating the next numbered file, such as
// 002_create_tasks.sql, with the SQL that migrates up above a
// "---- create above / drop below ----" line and the SQL that undoes it below.
// liveapp:projects else
// // Add a migration by creating the next numbered file, 001_create_tasks.sql
// // for the first, with the SQL that migrates up above a
// // "---- create above / drop below ----" line and the SQL that undoes it below.
// liveapp:projects end
// Files are embedded in the binary, so `app migrate` needs nothing but the
// database.
package migrations

import (
	"context"
	"embed"
	// liveapp:projects begin
	// liveapp:projects else
	// "io/fs"
	// liveapp:projects end

	"github.com/jackc/pgx/v5"

	liveapp "github.com/liveapp/liveapp/migrations"
)

// liveapp:projects begin

//go:embed *.sql
var files embed.FS

// liveapp:projects else
// // files holds the app's migrations. The pattern takes this file too, so that
// // it matches something before the first migration exists; Apply reads the
// // .sql files only.
// //
// //go:embed *
// var files embed.FS
//
// liveapp:projects end
// liveapp:auth begin
// VersionTable records how many of the app's migrations have run. liveapp's
// accounts migrations keep their own count in liveapp.VersionTable.
// liveapp:auth else
// // VersionTable records how many of the app's migrations have run.
// liveapp:auth end
const VersionTable = "public.schema_version"

// liveapp:auth begin
// Apply brings conn's database up to date: liveapp's accounts schema (users,
// users_tokens) first, since the app's tables refer to users, then the app's
// own migrations. It only runs what has not run yet and holds an advisory lock
// meanwhile, so every node of a deployment may call it at once.
// liveapp:auth else
// // Apply brings conn's database up to date. It only runs what has not run yet
// // and holds an advisory lock meanwhile, so every node of a deployment may
// // call it at once.
// liveapp:auth end
func Apply(ctx context.Context, conn *pgx.Conn) error {
	// liveapp:auth begin
	if err := liveapp.Apply(ctx, conn); err != nil {
		return err
	}
	// liveapp:auth end
	// liveapp:projects begin
	// liveapp:projects else
	// if sql, _ := fs.Glob(files, "*.sql"); len(sql) == 0 {
	// 	return nil // no migrations yet
	// }
	// liveapp:projects end
	return liveapp.ApplyFS(ctx, conn, files, VersionTable)
}
