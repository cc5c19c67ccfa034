// Package pgcluster initializes, starts and stops a private PostgreSQL cluster: a
// data directory and a server that listens only on a Unix socket inside it.
//
// A Cluster is a plain value naming a directory; every method reads the state
// from that directory, so one process can start a cluster and another can report
// its status or stop it (liveapp dev keeps a per-project cluster between runs;
// liveapp db status|stop act on it later). The directory holds:
//
//	data/        the data directory (initdb's -D)
//	run/         the socket directory, when its path is short enough (see URL)
//	server.log   the server's output, appended to at each start
//
// The server accepts connections only through its socket, with trust
// authentication, as the superuser "postgres"; the socket directory is mode 0700,
// so only its owner (and root) can connect.
//
// initdb and postgres refuse to run as root. When the caller is root, Init runs
// initdb as an unprivileged user (Cluster.RunAs, by default liveapp-pg, created
// with useradd --system when missing, else nobody), chowns the cluster directory
// to it and makes the directories above it traversable (o+x) when they are not;
// Start runs postgres as the owner of the data directory. Otherwise both run as
// the caller. No sudo or runuser is needed.
//
// The server binaries are found by FindBin; when they are missing, methods return
// an error matching ErrNotInstalled that says what to install.
package pgcluster
