// Package livetest tests live views in process, without a browser: it mounts a view over
// plain HTTP (the dead render) and again over a real websocket (the connected mount),
// sends events, and lets the test assert on the rendered HTML, redirects and pushed events.
//
// The server runs the application's own http.Handler on an in-memory listener, so every
// request goes through the same middleware, hooks, CSRF and token checks as in
// production. The client reads the dead render as the browser client does: it parses the
// page with a full HTML parser, finds #live-root[data-live-token] and the live-csrf meta
// tag, and opens the websocket at the root's data-live-socket path (live.Config.SocketPath;
// /live/socket without the attribute). It keeps the rendered tree and applies the server's
// patches to it with the runtime's reference applier, so a wrong patch fails the test too.
//
//	lv := livetest.Mount(t, app, "/counter")
//	if err := lv.ClickElement(`button[live-click="inc"]`); err != nil {
//		t.Fatal(err)
//	}
//	if !lv.Contains("Count: 1") {
//		t.Fatal(lv.HTML())
//	}
//
// # Events bound to elements
//
// ClickElement, SubmitForm and ChangeForm act on an element of the view's current HTML,
// named by a selector, the way a user acts on it in a browser. They fail the test when no
// element or several match the selector, or when the element is not bound to the event
// (no live-click, no live-submit on the form, no live-change), and they build the event's
// name and params as the browser client does: live-value-* attributes, the form's fields
// with the values the test enters, _target for a change. A test written with them
// therefore also checks the template: it fails when a button loses its live-click or a
// form its field. Prefer them.
//
// Click, Submit, Change and Send send an event by name with the params the test gives,
// whatever the page shows. Use them for what no page would send: a crafted id, a
// malformed value, an event the current page does not offer, as an attacker would.
//
// # Selectors
//
// A selector is a small subset of CSS: a type (button, or *), #id, .class and attribute
// tests ([name], [name=value], [name="value"], and the ~=, ^=, $= and *= forms), joined
// by descendant (space) and child (>) combinators, as in
//
//	#new-item button[type=submit]
//	li#item-3 > button[live-click="delete"]
//	form[live-submit="save"]
//
// Pseudo-classes, selector lists and sibling combinators are not supported, and a selector
// that uses them fails the test. Selectors match inside #live-root only.
//
// # Waiting
//
// Nothing in the package sleeps. Every method that needs the server reads frames until
// what it waits for arrives (the reply to its event, the text Await looks for), and gives
// up after Timeout, a bound that a passing test never reaches.
//
// # Servers in other processes
//
// NewRemoteClient talks to a server that runs elsewhere, over connections that its dial
// function makes, while still addressing every request to http://Host, as a load balancer
// that serves several nodes under one name would. Via gives the same browser (the same
// cookie jar) another route, to another node; Reconnect opens a view's socket again with
// its page's tokens, through the same route or another, as the browser client does after a
// close. internal/multinode drives three processes of an app this way.
//
// # Uploads
//
// UploadFiles chooses files in a live-upload input or drops them on a live-drop-target,
// and sends them chunk by chunk as the browser client does, so a test of a view with
// Socket.AllowUpload goes through the same limits, sniffing and progress as a browser.
//
// # Errors
//
// Misuse and template mismatches (a view that is not connected, a page that is not live,
// a selector that matches nothing) fail the test with t.Fatalf. An error reply from the
// server to an event is returned as an *EventError, so that a test can assert on it.
//
// # Concurrency
//
// Clients and Views are for the test's goroutine: like testing.T's Fatal methods, which
// they call, they must not be used from other goroutines.
package livetest
