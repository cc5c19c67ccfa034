package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/testbrowser"
	"github.com/liveapp/liveapp/live/client"
)

// fakeSocket replaces window.WebSocket before the client loads, so a test plays
// the server: sockets lists every socket the client opened, sock() is the last,
// and a test calls open, recv and drop on it. sent holds the decoded frames (a
// binary upload chunk as {bin, ref, id, at, data}).
const fakeSocket = `
window.sockets = [];
class FakeSocket {
  constructor(url) { this.url = url; this.readyState = 0; this.sent = []; sockets.push(this); }
  send(data) {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(typeof data === 'string' ? JSON.parse(data) : chunk(data));
  }
  close(code) { this.readyState = 3; this.closedWith = code; }
  open() { this.readyState = 1; this.onopen && this.onopen({}); }
  recv(frame) { this.onmessage && this.onmessage({data: JSON.stringify(frame)}); }
  drop(code) { this.readyState = 3; this.onclose && this.onclose({code: code}); }
}
FakeSocket.CONNECTING = 0; FakeSocket.OPEN = 1; FakeSocket.CLOSING = 2; FakeSocket.CLOSED = 3;
// chunk decodes a binary upload chunk frame (docs/protocol.md, section 3.4).
function chunk(data) {
  const b = new Uint8Array(data.buffer, data.byteOffset, data.byteLength), v = new DataView(b.buffer, b.byteOffset), n = b[5];
  const text = (x) => new TextDecoder().decode(x);
  return {bin: b[0], ref: v.getUint32(1), id: text(b.subarray(6, 6 + n)), at: Number(v.getBigUint64(6 + n)), data: text(b.subarray(14 + n))};
}
window.WebSocket = FakeSocket;
window.sock = () => sockets[sockets.length - 1];
window.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
window.until = async (f) => { for (let i = 0; i < 500 && !f(); i++) await sleep(10); return f(); };
window.$ = (s) => document.querySelector(s);
window.live = (html) => { sock().open(); sock().recv({t: 'render', html: html}); };
`

// pageServer serves, on 127.0.0.1, the client script at its hashed name and:
//   - /applier: a root without a token (the client does not connect) and a #want div;
//   - POST /no-content: 204, which leaves the page that posted a form in place;
//   - any other path: a live page whose root has data-live-token="TOKEN", with the
//     fake socket installed. ?socket=P sets data-live-socket.
//
// It records the _live_flash cookie of every page request.
type pageServer struct {
	URL string

	mu     sync.Mutex
	flash  []string
	visits map[string]int
}

func newPageServer(t *testing.T) *pageServer {
	t.Helper()
	ps := &pageServer{visits: map[string]int{}}
	// The pages are a dev-mode server's: dev.js comes first.
	script := `<script src="/live/` + client.DevFilename() + `"></script><script src="/live/` + client.Filename() + `"></script>`
	mux := http.NewServeMux()
	mux.Handle("GET /live/", client.Handler()) // the client, and the upload script it fetches
	mux.HandleFunc("GET /applier", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8">%s</head>
<body><div id="live-root"></div><div id="want"></div></body></html>`, script)
	})
	// A form posted here leaves the page in place, as a download would.
	mux.HandleFunc("POST /no-content", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		ps.mu.Lock()
		ps.visits[r.URL.Path]++
		if c, err := r.Cookie("_live_flash"); err == nil {
			ps.flash = append(ps.flash, c.Value)
		}
		ps.mu.Unlock()
		socket := ""
		if s := r.URL.Query().Get("socket"); s != "" {
			socket = fmt.Sprintf(` data-live-socket="%s"`, s)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>%s</title>
<meta name="live-csrf" content="CSRF"><script>%s</script>%s</head>
<body><div id="live-root" data-live-session="app" data-live-token="TOKEN"%s>dead</div></body></html>`,
			r.URL.Path, fakeSocket, script, socket)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(srv.Close)
	ps.URL = srv.URL
	return ps
}

func (ps *pageServer) flashCookies() []string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]string(nil), ps.flash...)
}

// evalJSON runs the body of an async function in the page and returns its result
// as JSON.
func evalJSON(t *testing.T, ctx context.Context, body string) json.RawMessage {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](
		"(async () => {\n"+body+"\n})()", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	return got
}

// sameJSON fails t unless got and want hold equal JSON values.
func sameJSON(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("result %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// waitFor evaluates a JavaScript expression in the page until it is true, for up
// to testbrowser.Timeout. It survives page loads: an evaluation that a navigation
// cuts short is tried again.
func waitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(testbrowser.Timeout)
	var err error
	for time.Now().Before(deadline) {
		var ok bool
		ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool]("(() => { try { return !!("+expr+"); } catch { return false; } })()"))
		if err == nil && ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: timed out (last error: %v)", expr, err)
}
