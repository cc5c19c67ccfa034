// Package multinode tests the app of liveapp new as a deployment: three processes of the
// template's binary (template/cmd/app) on 127.0.0.1 ports, sharing one throwaway
// PostgreSQL cluster (internal/pgcluster), driven over HTTP and websockets by
// livetest.NewRemoteClient. Every request is addressed to one host name whichever node
// serves it, as behind a load balancer without sticky sessions, and the test picks the
// node of each connection.
//
// The package holds only tests and benchmarks:
//
//   - TestThreeNodes checks what issue 10 asks of a deployment: live updates and logouts
//     cross nodes; PostgreSQL stopped at once (as pg_ctl stop -m immediate does) and
//     started again costs no node, no committed write and no revocation; a node killed
//     with SIGKILL costs its tabs one remount elsewhere. It logs the latencies it sees
//     (logout to closed tab, recovery to the first message across nodes) without
//     asserting on them.
//   - The benchmarks time a change published on one node until the patch reaches a tab
//     on another, a logout on one node until the tab on another closes, and one change
//     fanned out to many tabs of one list page spread over the three nodes (see
//     docs/performance.md for the commands and figures).
//
// It needs the go command (to build the app), and PostgreSQL's server binaries; like
// pgtest, it skips without them unless CI=true. It always starts a cluster of its own,
// even when DATABASE_URL is set, since it stops the server mid-test.
package multinode
