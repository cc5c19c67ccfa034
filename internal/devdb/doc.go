// Package devdb keeps an app's development database, the one liveapp dev
// provides when DATABASE_URL is unset: a private PostgreSQL cluster in the
// app's .liveapp/db (which the app's .gitignore leaves out), made with the
// machine's own PostgreSQL binaries by package pgcluster.
//
// The cluster is created on the first Start and kept between runs, with the
// database NAME_dev in it. Its server listens on no TCP port, only on a Unix
// socket, in .liveapp/db/run (or, for a deep directory, a short directory
// under /tmp named for it), with trust authentication for the superuser
// postgres; the socket directory is private to the server's user, so only it
// and root can connect.
//
// A process that Starts the database holds a lock on it (.liveapp/db.lock)
// until it Stops or Releases it, so that liveapp db stop and reset refuse to
// pull the database from under a running liveapp dev.
//
// The server stops with the process that started it, even when that process is
// killed (on Linux), unless DB.Keep is set: then it runs until Stop, as with
// liveapp dev --keep-db.
//
// As root, the server runs as an unprivileged user (pgcluster.DefaultRunAs),
// which must be able to reach .liveapp/db; Start checks that first and, for an
// app under a private directory such as /root, says what to do instead of
// changing the directory's mode.
package devdb
