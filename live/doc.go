// Package live is liveapp's runtime: server-rendered views that stay connected to the
// browser over a websocket and update it with minimal DOM patches.
//
// # Two mounts
//
// A live route answers a plain GET with a complete HTML page (the dead render): the
// session's hooks run, a fresh View mounts with Socket.Connected false, and the view's
// HTML is wrapped in the session's root layout with a CSRF token and a signed token that
// names the view. The page works without JavaScript. The browser client then opens one
// websocket per tab; the runtime checks its Origin, CSRF token and view token, runs the
// same hooks again, and mounts another fresh View, connected. From then on the view lives
// on the server for as long as the tab is open.
//
// # Events and patches
//
// Elements name events in attributes (live-click="inc", live-submit="save"). Only the
// names a view registers with Socket.On can run; anything else is refused with an error
// reply and the socket stays up. After each event, PubSub message or navigation, the
// runtime renders the view again, diffs the HTML against the last tree it sent, and sends
// the differences as patches. Children with an id or live-key attribute are matched by
// key, so reordering a list moves its nodes instead of rewriting them. View state never
// leaves the server; the browser only ever receives rendered HTML, plus whatever a view
// sends on purpose with Socket.PushEvent.
//
// # Components
//
// A view may split its page into components (MountComponent): each has its own state,
// Mount, Update and Render, and its own events, which the client sends to the component
// named by the live-target of the element or an ancestor. A component's event renders
// and diffs the component alone, not the view; the view and its components exchange
// typed assigns (Mounted.Update) and typed messages (Notify, OnNotify).
//
// # Live sessions and hooks
//
// A LiveSession groups routes with their on-mount hooks, a root layout, HTTP middleware
// for the dead render and an optional revalidation callback. Live navigation
// (Socket.Navigate, or a link with live-navigate) stays in the same tab only inside one
// live session, and re-runs the hooks; crossing to another session is a full page load, so
// that session's middleware and layout apply. A hook returns Halt to send the browser
// elsewhere, over HTTP and over the websocket alike.
//
// # Declared requirements
//
// What a page or an event requires is declared where it is registered, as a named
// Requirement: on a live session (SessionOptions.Requires), a route (Route.Requires) or
// an event (the EventOption Requires), and a page that needs nothing says so
// (SessionOptions.Public, Route.Public). A route's requirements run after its hooks on
// every mount; an event's before each call, refusing it with the reply "not allowed".
// Runtime.RouteTable and Socket.Events list them, so that what guards an app can be read
// and audited without reading its handlers. docs/security.md explains the model.
//
// # Revocation
//
// A hook can name its socket with Socket.SetID, usually after the session token.
// Runtime.Disconnect closes every socket with that id on every node sharing the PubSub;
// the browser reconnects, the hooks run again, and a logged-out session lands on the login
// page. A session's Revalidate callback runs on every open socket at an interval, so an
// expired session cannot keep a socket alive either.
//
// # Views that update themselves
//
// Socket.Send and Socket.SendAfter queue a function for the view's goroutine, and
// StartAsync runs work on another goroutine whose result comes back as an Async value.
// All of it is serialized with the view's events and ends when the view unmounts, so a
// view never needs a lock, and never a goroutine of its own that writes its fields.
//
// # Uploads
//
// Socket.AllowUpload lets a view take files under a name, with an accept list, a size
// limit and a number of entries. The browser offers files, the server makes entries and
// refuses what breaks a limit, and the bytes arrive in binary chunk frames that the reader
// admits only in order, at the agreed size, one per reply; the server counts them, sniffs
// the type of the first, and re-renders the progress. Socket.ConsumeUploads hands the
// complete entries to a handler as readers and deletes their temporary files; package
// storage keeps what the app accepts.
//
// # Limits
//
// Every connection has a frame size limit, an event token bucket, a heartbeat timeout
// (the client beats every 30 s; the server never pings), a per-callback deadline, and a
// bound on each of its queues: client frames, server-side messages and frames to write.
// A flood closes the socket and makes its browser and address cool down; one address may
// hold only so many sockets. A client counts as slow only when its writes stall. Config
// documents every default. A panic in a view's handler is recovered: that socket gets an
// error and a fresh mount, and nothing else is affected.
//
// # Dev mode
//
// Config.Dev explains errors to the browser, and turns on the Dev methods that `liveapp
// dev` calls through package devmode after an edit: reload every page (DevReload), swap a
// stylesheet in place (DevCSS), render every view again and send the patches
// (DevRerender), and show an error over every page (DevError). Outside dev mode they do
// nothing.
//
// Package livetest tests views in process; docs/protocol.md specifies the wire protocol.
package live
