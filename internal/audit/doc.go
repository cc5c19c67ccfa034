// Package audit is `liveapp audit`: it reports an app's attack surface and
// flags what is left unprotected.
//
// An audit joins two sources. The route table comes from the app itself: its
// command's `audit` subcommand builds the routes as serving does, without a
// database, and prints them with the production settings (RouteTable,
// LoadRouteTable). Everything else comes from the app's source, type-checked
// with go/packages and read, never run: for each route's view, the events
// its Mount registers with their options, the data its handlers write, what
// it assigns and the topics it follows (view.go, writes.go); across the app,
// the calls of data store methods that take no scope (stores.go). Analyze
// joins them into a Report, whose findings settings.go and audit.go decide.
//
// RunProbe adds what a running app serves: its headers and cookies, and
// websocket handshakes and a frame it must refuse. It talks to the given
// origin only.
//
// The heuristics (what a write, a data store and a scope are) are in
// docs/audit.md, with the Report's JSON schema, which is stable.
package audit
