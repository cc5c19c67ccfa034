package testbrowser

import (
	"context"
	"encoding/json"
	"testing"
)

// A Close is how the live client met the close of its socket, as RecordClose saw it.
type Close struct {
	Code int `json:"code"` // the close code the server sent
	// ReconnectedAtOnce reports whether the client had opened a new socket by the time a
	// timer of 0 ms, set once its close handler returned, ran. Timers of equal delay run
	// in the order they were set, so a reconnect the client set for 0 ms has always run
	// by then, however slow the machine. Chromium runs timers in the order they are due,
	// so a reconnect the client put off, even by the 50 ms of its shortest backoff, has
	// not, unless the browser froze for that long inside the handler.
	ReconnectedAtOnce bool `json:"reconnectedAtOnce"`
}

// closeKey is where the record is kept: sessionStorage outlives the page loads that
// often follow a close.
const closeKey = "testbrowser:close"

// recordClose wraps the current socket's close handler, and counts the sockets the page
// opens after it.
const recordClose = `(() => {
	const sock = window.liveapp?.socket;
	if (!sock) return false;
	sessionStorage.removeItem('` + closeKey + `');
	const handle = sock.onclose, Native = window.WebSocket;
	let opened = 0;
	window.WebSocket = class extends Native {
		constructor(...args) { super(...args); opened++; }
	};
	sock.onclose = function (ev) {
		handle?.call(this, ev);
		setTimeout(() => {
			window.WebSocket = Native;
			sessionStorage.setItem('` + closeKey + `', JSON.stringify({code: ev.code, reconnectedAtOnce: opened > 0}));
		}, 0);
	};
	return true;
})()`

// RecordClose watches the live client in tab, whose socket must be open, for the next
// close of that socket, and returns a function that reports it. That function fails t
// when the socket has not closed, so call it once the test has seen what the close led
// to: it works after the page has loaded another of the site's pages in the same tab.
func RecordClose(t testing.TB, tab context.Context) func() Close {
	t.Helper()
	if !Eval[bool](t, tab, recordClose) {
		t.Fatal("testbrowser: RecordClose: the page has no live socket (window.liveapp.socket)")
	}
	return func() Close {
		t.Helper()
		s := Eval[string](t, tab, `sessionStorage.getItem('`+closeKey+`') ?? ''`)
		if s == "" {
			t.Fatal("testbrowser: the live socket has not closed, or the tab left the site")
		}
		var c Close
		if err := json.Unmarshal([]byte(s), &c); err != nil {
			t.Fatalf("testbrowser: close record %q: %v", s, err)
		}
		return c
	}
}
