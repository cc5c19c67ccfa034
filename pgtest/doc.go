// Package pgtest gives each test a fresh PostgreSQL database.
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSignup(t *testing.T) {
//		db := pgtest.New(t, pgtest.WithTemplate("migrated", migrate))
//		...
//	}
//
// New returns a pool connected to a new database, dropped when the test ends;
// URL returns the database's connection URL instead, for code that opens its
// own connections. Tests may call them in parallel.
//
// # The server
//
// When DATABASE_URL is set, databases are created in that server (PostgreSQL 13
// or later; its role needs CREATEDB). Otherwise the first call starts a
// throwaway cluster (a Unix socket only, fsync off) shared by every test of the
// test binary, in /dev/shm when that is a tmpfs with 1 GiB free (creating a
// database there takes ~20 ms, ten times less than on a disk), else in the
// temporary directory. When the PostgreSQL server binaries are missing, New and
// URL skip the test with a message that says what to install, except in CI
// (CI=true), where they fail it.
//
// Main runs the tests, then stops the cluster and removes its directory (with
// DATABASE_URL, it drops the template databases). Without Main, New still works:
// on Linux the server shuts down when the test binary exits, and the next test
// binary that starts a cluster removes directories left over this way.
//
// # Templates
//
// A fresh database is a copy of a template database, which is much faster than
// running migrations in every test. WithTemplate names a setup function (such as
// one that applies migrations): the first test that asks for the template
// creates a database, runs the setup in it, and makes it the template of every
// later database requested with the same name. The setup runs once per test
// binary and template name, so a name must always come with the same setup.
// Without WithTemplate, databases are copies of template1: empty.
package pgtest
