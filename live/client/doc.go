// Package client holds liveapp's browser client: one hand-written JavaScript file,
// client.js, that implements the client side of the wire protocol (docs/protocol.md).
//
// The script has no dependencies. It is served minified: `go generate` writes
// client.min.js from client.js with esbuild, and a test fails when the committed
// copy is out of date. It boots on a page whose
// #live-root element carries a data-live-token, opens one websocket to the
// server, sends the user's events from live-* attributes (live-click,
// live-submit, live-change, live-keydown, live-keyup, live-focus, live-blur,
// live-navigate and live-patch links), and applies the server's frames: whole
// renders, DOM patches, pushed events, redirects and history changes. It
// reconnects with jittered exponential backoff and carries form values across a
// reconnect. It runs client hooks (live-hook), leaves live-update="ignore"
// regions to the page's scripts, and runs JS commands (live.JS) with no round
// trip. From a server in dev mode it also takes dev frames: reload the page,
// swap a stylesheet in place, show or clear an error overlay.
//
// The Go side only serves the file. Its name carries a hash of its content, so
// the runtime mounts Handler at "/live/" + Filename() and browsers may cache it
// for ever: a new client is a new URL.
package client
