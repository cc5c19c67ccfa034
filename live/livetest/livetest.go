package livetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/live/internal/dom"
)

// Host is the host name test requests use; the websocket's Origin is http://Host.
const Host = "livetest.local"

// Timeout bounds every wait for the server: a dial, a reply, a frame Await waits for. It
// is a limit on a wait that should end much sooner, not a pause, so it is generous: a
// busy CI machine must not fail a correct test.
const Timeout = 15 * time.Second

// Client is a browser stand-in: a cookie jar and an in-memory connection to one server.
// Mount views with it to share cookies between them, like tabs of one browser.
type Client struct {
	t      testing.TB
	dial   func(ctx context.Context, network, addr string) (net.Conn, error)
	jar    http.CookieJar
	http   *http.Client
	origin string
}

// NewClient starts h on an in-memory listener for the duration of the test.
func NewClient(t testing.TB, h http.Handler) *Client {
	t.Helper()
	l := newPipeListener()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: Timeout}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close(); _ = l.Close() })
	jar, _ := cookiejar.New(nil)
	return newClient(t, jar, l.dial)
}

// NewRemoteClient returns a Client of a server that runs elsewhere, such as in another
// process, and that dial connects to. Requests still go to http://Host, as they would
// through a load balancer that serves every node under one name, so the server must accept
// Host as its own (in dev mode, any host is). dial may pick a node, a source address, or
// both; the Client closes its idle connections when the test ends.
func NewRemoteClient(t testing.TB, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return newClient(t, jar, dial)
}

// Via returns a Client that shares c's cookies but makes its connections with dial: the
// same browser, sent to another server by a load balancer. Views mounted through either
// see the cookies the other received.
func (c *Client) Via(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *Client {
	return newClient(c.t, c.jar, dial)
}

func newClient(t testing.TB, jar http.CookieJar, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *Client {
	c := &Client{t: t, dial: dial, jar: jar, origin: "http://" + Host}
	tr := &http.Transport{DialContext: dial}
	c.http = &http.Client{
		Jar:       jar,
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: Timeout,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return c
}

// HTTP returns an *http.Client that talks to the server with the client's cookies and does
// not follow redirects. Use it for the plain HTTP parts of a flow (a login form's POST).
func (c *Client) HTTP() *http.Client { return c.http }

// URL makes an absolute URL for path on the test server.
func (c *Client) URL(path string) string { return "http://" + Host + path }

// SetCookie stores a cookie in the client's jar.
func (c *Client) SetCookie(ck *http.Cookie) {
	u, _ := url.Parse(c.URL("/"))
	c.jar.SetCookies(u, []*http.Cookie{ck})
}

// Get performs a GET and returns the status, the Location header and the body.
func (c *Client) Get(path string) (status int, location, body string) {
	c.t.Helper()
	resp, err := c.http.Get(c.URL(path))
	if err != nil {
		c.t.Fatalf("livetest: GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// Mount mounts a view for t on a fresh client: see Client.Mount.
func Mount(t testing.TB, h http.Handler, path string) *View {
	t.Helper()
	return NewClient(t, h).Mount(path)
}

// View is a view mounted through the dead render and a connected websocket.
type View struct {
	c          *Client
	t          testing.TB
	deadHTML   string
	deadTree   *dom.Node
	heartbeat  time.Duration
	status     int
	ws         *websocket.Conn
	wsURL      string // the socket's URL, with the page's tokens, for Reconnect
	tree       *dom.Node
	ref        int64
	url        string
	title      string
	redirect   string
	pushes     []Push
	errors     []string
	closed     int // close code once the server closed the socket
	heartbeats int // heartbeat answers received
	dev        []DevFrame
	devSeen    int                   // dev frames AwaitDev has returned
	uploads    map[int64]uploadOffer // "up" frames by the ref of their offer; see UploadFiles
	mu         sync.Mutex
}

// DevFrame is a dev-mode frame from the server (docs/protocol.md, section 3.3): Do is
// "reload", "css" (with Path), "error" (with Msg) or "clear".
type DevFrame struct {
	Do   string
	Path string
	Msg  string
}

// Push is an event the view pushed with Socket.PushEvent.
type Push struct {
	Event   string
	Payload json.RawMessage
}

// EventError is an error reply from the server to an event.
type EventError struct{ Message string }

func (e *EventError) Error() string { return "livetest: server replied: " + e.Message }

// Mount performs the dead render of path and, when it rendered a live page, connects the
// websocket and waits for the connected render. A redirect at either stage is recorded:
// see Redirect.
func (c *Client) Mount(path string) *View {
	c.t.Helper()
	v := &View{c: c, t: c.t, url: path}
	status, loc, body := c.Get(path)
	v.status = status
	if status >= 300 && status < 400 {
		v.redirect = loc
		return v
	}
	if status != http.StatusOK {
		c.t.Fatalf("livetest: GET %s: status %d: %s", path, status, body)
	}
	pg, err := parsePage(body)
	if err != nil {
		c.t.Fatalf("livetest: GET %s is not a live page: %v\n%s", path, err, body)
	}
	// Serialize the dead render as the connected view's HTML is, so that the two compare.
	v.deadTree, err = dom.Parse(pg.rootHTML)
	if err != nil {
		c.t.Fatalf("livetest: GET %s: %v", path, err)
	}
	v.deadHTML = string(dom.AppendHTML(nil, v.deadTree))
	v.heartbeat = pg.heartbeat
	// The socket URL is data-live-socket resolved against the page's URL, as the client
	// resolves it.
	sock, err := url.Parse(c.URL(path))
	if err == nil {
		sock, err = sock.Parse(pg.socket)
	}
	if err != nil {
		c.t.Fatalf("livetest: GET %s: bad data-live-socket %q: %v", path, pg.socket, err)
	}
	sock.Scheme, sock.Fragment = "ws", ""
	sock.RawQuery = url.Values{"v": {"1"}, "csrf": {pg.csrf}, "token": {pg.token}, "url": {c.URL(path)}}.Encode()
	v.wsURL = sock.String()
	if err := v.connect(v.c); err != nil {
		c.t.Fatalf("livetest: connect %s at %s: %v", path, sock.Path, err)
	}
	return v
}

// Reconnect opens the view's websocket again with the tokens of its page, as the browser
// client does after the server closed it, and waits for the connected render (or a
// redirect). It goes through via when via is not nil: the same tab, reconnected to
// another server by a load balancer. The view keeps nothing of its former connection but
// its URL; Closed is 0 again unless the new socket closes too. It returns the error of
// a socket that could not be opened, such as an HTTP 503 from a server shutting down.
func (v *View) Reconnect(via *Client) error {
	v.t.Helper()
	if v.wsURL == "" {
		v.t.Fatalf("livetest: view at %s never connected (redirected to %q)", v.url, v.redirect)
	}
	if via == nil {
		via = v.c
	}
	if v.ws != nil {
		_ = v.ws.Close()
	}
	v.mu.Lock()
	v.ws, v.tree, v.closed, v.redirect = nil, nil, 0, ""
	v.mu.Unlock()
	return v.connect(via)
}

// SocketURL returns the URL the view's websocket connected to, with its page's tokens: a
// load tool may open more sockets with it, each a tab of the same page.
func (v *View) SocketURL() string { return v.wsURL }

func (v *View) connect(c *Client) error {
	wsURL := v.wsURL
	d := websocket.Dialer{NetDialContext: c.dial, HandshakeTimeout: Timeout, Jar: c.jar}
	h := http.Header{"Origin": {c.origin}}
	ws, resp, err := d.Dial(wsURL, h)
	if err != nil {
		if resp != nil {
			return fmt.Errorf("%w (HTTP %d)", err, resp.StatusCode)
		}
		return err
	}
	v.ws = ws
	v.t.Cleanup(func() { _ = ws.Close() })
	// The first frame is the render, or a redirect when a hook halted.
	for v.tree == nil && v.redirect == "" && v.closed == 0 {
		if err := v.readOne(); err != nil {
			return err
		}
	}
	return nil
}

// readOne reads and applies one server frame. A close is recorded in v.closed, not
// returned as an error.
func (v *View) readOne() error {
	data, err := v.read()
	if err != nil || data == nil {
		return err
	}
	return v.apply(data)
}

// read returns the next server frame, or nil once the server closed the socket (the code
// is in v.closed).
func (v *View) read() ([]byte, error) {
	_ = v.ws.SetReadDeadline(time.Now().Add(Timeout))
	_, data, err := v.ws.ReadMessage()
	if err != nil {
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			v.closed = ce.Code
			return nil, nil
		}
		return nil, fmt.Errorf("livetest: read: %w", err)
	}
	return data, nil
}

type serverFrame struct {
	T     string            `json:"t"`
	Ref   int64             `json:"ref"`
	HTML  string            `json:"html"`
	URL   string            `json:"url"`
	Title *string           `json:"title"`
	Ops   json.RawMessage   `json:"ops"`
	Err   string            `json:"err"`
	To    string            `json:"to"`
	Msg   string            `json:"msg"`
	Ev    []json.RawMessage `json:"ev"`
	Do    string            `json:"do"`
	Path  string            `json:"path"`
	// An "up" frame's; see UploadFiles.
	Chunk int       `json:"chunk"`
	E     []upEntry `json:"e"`
	Drop  []string  `json:"drop"`
}

func (v *View) apply(data []byte) error {
	var f serverFrame
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("livetest: server sent malformed JSON %q: %w", data, err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	switch f.T {
	case "render":
		tree, err := dom.Parse(f.HTML)
		if err != nil {
			return fmt.Errorf("livetest: render: %w", err)
		}
		v.tree = tree
		if f.URL != "" {
			v.url = f.URL
		}
		if f.Title != nil {
			v.title = *f.Title
		}
	case "r", "ops":
		if len(f.Ops) > 0 {
			ops, err := dom.DecodeOps(f.Ops)
			if err != nil {
				return fmt.Errorf("livetest: server sent bad ops %s: %w", f.Ops, err)
			}
			if err := dom.Apply(v.tree, ops); err != nil {
				return fmt.Errorf("livetest: server ops do not apply: %w\nops: %s", err, f.Ops)
			}
		}
		if f.Err != "" {
			v.errors = append(v.errors, f.Err)
		}
	case "redirect":
		v.redirect = f.To
	case "url":
		v.url = f.To
	case "title":
		if f.Title != nil {
			v.title = *f.Title
		}
	case "error":
		v.errors = append(v.errors, f.Msg)
	case "h":
		v.heartbeats++
	case "dev":
		v.dev = append(v.dev, DevFrame{Do: f.Do, Path: f.Path, Msg: f.Msg})
	case "up":
		if f.Drop == nil {
			if v.uploads == nil {
				v.uploads = make(map[int64]uploadOffer)
			}
			v.uploads[f.Ref] = uploadOffer{chunk: f.Chunk, entries: f.E}
		}
	default:
		return fmt.Errorf("livetest: unknown server frame %q", data)
	}
	for _, raw := range f.Ev {
		var pair []json.RawMessage
		var name string
		if json.Unmarshal(raw, &pair) != nil || len(pair) != 2 || json.Unmarshal(pair[0], &name) != nil {
			return fmt.Errorf("livetest: malformed pushed event %s", raw)
		}
		if name == "lv:stream" {
			if err := applyStream(v.tree, pair[1]); err != nil {
				return err
			}
			continue
		}
		v.pushes = append(v.pushes, Push{Event: name, Payload: pair[1]})
	}
	return nil
}

// send writes a client frame and processes server frames until the reply to it arrives.
// It returns the reply's error message, if any.
func (v *View) send(frame map[string]any) error {
	v.t.Helper()
	_, err := v.request(frame)
	return err
}

// request sends frame and waits for its reply, applying every frame before it. It
// returns the value the handler gave Socket.Reply, or nil.
func (v *View) request(frame map[string]any) (json.RawMessage, error) {
	v.t.Helper()
	if v.ws == nil {
		v.t.Fatalf("livetest: view at %s is not connected (redirected to %q)", v.url, v.redirect)
	}
	v.ref++
	ref := v.ref
	frame["ref"] = ref
	b, _ := json.Marshal(frame)
	return v.exchange(ref, websocket.TextMessage, b)
}

// exchange writes a client frame with ref and processes server frames until the reply to
// it arrives. It returns the value the handler gave Socket.Reply, or nil.
func (v *View) exchange(ref int64, msgType int, b []byte) (json.RawMessage, error) {
	v.t.Helper()
	_ = v.ws.SetWriteDeadline(time.Now().Add(Timeout))
	if err := v.ws.WriteMessage(msgType, b); err != nil {
		return nil, fmt.Errorf("livetest: write: %w", err)
	}
	for {
		data, err := v.read()
		if err != nil {
			return nil, fmt.Errorf("livetest: waiting for reply %d: %w", ref, err)
		}
		if data == nil {
			return nil, fmt.Errorf("livetest: socket closed with %d before the reply", v.closed)
		}
		if err := v.apply(data); err != nil {
			v.t.Fatal(err)
		}
		var r struct {
			T   string          `json:"t"`
			Ref int64           `json:"ref"`
			Err string          `json:"err"`
			Rep json.RawMessage `json:"rep"`
		}
		_ = json.Unmarshal(data, &r)
		if r.T == "r" && r.Ref == ref {
			if r.Err != "" {
				return nil, &EventError{Message: r.Err}
			}
			return r.Rep, nil
		}
	}
}

// Heartbeat sends a heartbeat, as the browser client does every 30 seconds, and waits for
// the server's answer. Between two heartbeats with no event in between, the server drops
// what it keeps to make the next diff cheaper.
func (v *View) Heartbeat() error {
	v.t.Helper()
	if v.ws == nil {
		v.t.Fatalf("livetest: view at %s is not connected (redirected to %q)", v.url, v.redirect)
	}
	v.mu.Lock()
	want := v.heartbeats + 1
	v.mu.Unlock()
	_ = v.ws.SetWriteDeadline(time.Now().Add(Timeout))
	if err := v.ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"h"}`)); err != nil {
		return fmt.Errorf("livetest: write: %w", err)
	}
	for {
		v.mu.Lock()
		got := v.heartbeats
		v.mu.Unlock()
		if got >= want {
			return nil
		}
		data, err := v.read()
		if err != nil {
			return fmt.Errorf("livetest: waiting for the heartbeat's answer: %w", err)
		}
		if data == nil {
			return fmt.Errorf("livetest: socket closed with %d before the heartbeat's answer", v.closed)
		}
		if err := v.apply(data); err != nil {
			v.t.Fatal(err)
		}
	}
}

// Send sends an event of kind (click, submit, change...) named name with params, and
// waits for the reply. An error reply is returned as an *EventError. It does not look at
// the page: prefer ClickElement, SubmitForm and ChangeForm, which check that the page
// has an element bound to the event, unless the test means to send what no page would.
func (v *View) Send(kind, name string, params url.Values) error {
	v.t.Helper()
	return v.send(map[string]any{"t": "e", "n": name, "k": kind, "p": paramsOf(params)})
}

// SendTo sends an event as Send does, for the component whose id is target: what an
// element inside the component, or one whose live-target names it, would send. Like
// Send, it does not look at the page; ClickElement and the others find an element's
// component themselves.
func (v *View) SendTo(target, kind, name string, params url.Values) error {
	v.t.Helper()
	return v.send(map[string]any{"t": "e", "n": name, "k": kind, "p": paramsOf(params), "c": target})
}

// Click sends a click event named name with the given live-value parameters as name,
// value pairs, whatever the page shows. Prefer ClickElement, which checks that the page
// has an element with that live-click and takes the parameters from it.
func (v *View) Click(name string, pairs ...string) error {
	v.t.Helper()
	p := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		p.Set(pairs[i], pairs[i+1])
	}
	return v.Send("click", name, p)
}

// Submit sends a submit event named name with form as its params, whatever the page
// shows. Prefer SubmitForm, which checks that the page has the form and its fields.
func (v *View) Submit(name string, form url.Values) error {
	v.t.Helper()
	return v.Send("submit", name, form)
}

// Change sends a change event named name with form as its params, whatever the page
// shows. Prefer ChangeForm, which checks that the page has the form and its fields.
func (v *View) Change(name string, form url.Values) error {
	v.t.Helper()
	return v.Send("change", name, form)
}

// Navigate asks for a live navigation to path, as a live-navigate link does.
func (v *View) Navigate(path string) error {
	v.t.Helper()
	return v.send(map[string]any{"t": "nav", "url": path})
}

// Patch asks for a live patch to path, as a live-patch link does.
func (v *View) Patch(path string) error {
	v.t.Helper()
	return v.send(map[string]any{"t": "patch", "url": path})
}

// SendRaw writes an arbitrary frame, for tests of malformed input, and returns the next
// server frame as raw JSON (or "" if the socket closed; see Closed).
func (v *View) SendRaw(msgType int, data []byte) string {
	v.t.Helper()
	_ = v.ws.SetWriteDeadline(time.Now().Add(Timeout))
	if err := v.ws.WriteMessage(msgType, data); err != nil {
		return ""
	}
	_ = v.ws.SetReadDeadline(time.Now().Add(Timeout))
	_, resp, err := v.ws.ReadMessage()
	if err != nil {
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			v.closed = ce.Code
		}
		return ""
	}
	if err := v.apply(resp); err != nil {
		v.t.Fatal(err)
	}
	return string(resp)
}

// Await processes server frames (PubSub updates, pushes) until the view's HTML contains
// want, and fails the test after Timeout.
func (v *View) Await(want string) {
	v.t.Helper()
	deadline := time.Now().Add(Timeout)
	for !v.Contains(want) {
		if time.Now().After(deadline) || v.closed != 0 {
			v.t.Fatalf("livetest: %q never appeared; HTML:\n%s", want, v.HTML())
		}
		if err := v.readOne(); err != nil {
			v.t.Fatal(err)
		}
	}
}

// AwaitFunc processes server frames until ok returns true for the view's HTML, and fails
// the test after Timeout.
func (v *View) AwaitFunc(what string, ok func(html string) bool) {
	v.t.Helper()
	deadline := time.Now().Add(Timeout)
	for !ok(v.HTML()) {
		if time.Now().After(deadline) || v.closed != 0 {
			v.t.Fatalf("livetest: %s never happened; HTML:\n%s", what, v.HTML())
		}
		if err := v.readOne(); err != nil {
			v.t.Fatal(err)
		}
	}
}

// AwaitDev processes server frames until a dev frame whose Do is do arrives, and returns
// it; it fails the test after Timeout. Each call looks only at the dev frames that came
// after the one the previous call returned.
func (v *View) AwaitDev(do string) DevFrame {
	v.t.Helper()
	deadline := time.Now().Add(Timeout)
	for {
		v.mu.Lock()
		for i := v.devSeen; i < len(v.dev); i++ {
			if v.dev[i].Do == do {
				v.devSeen = i + 1
				f := v.dev[i]
				v.mu.Unlock()
				return f
			}
		}
		v.mu.Unlock()
		if time.Now().After(deadline) || v.closed != 0 {
			v.t.Fatalf("livetest: no dev frame %q came; dev frames: %+v", do, v.DevFrames())
		}
		if err := v.readOne(); err != nil {
			v.t.Fatal(err)
		}
	}
}

// AwaitClose waits until the server closes the socket and returns the close code. A
// connection that ends without a close frame (a server that died) counts as closed with
// 1006, websocket.CloseAbnormalClosure.
func (v *View) AwaitClose() int {
	v.t.Helper()
	return v.AwaitCloseWithin(Timeout)
}

// AwaitCloseWithin is AwaitClose with limit in place of Timeout, for a close that waits
// on something slow elsewhere, such as a database coming back.
func (v *View) AwaitCloseWithin(limit time.Duration) int {
	v.t.Helper()
	deadline := time.Now().Add(limit)
	for v.closed == 0 {
		_ = v.ws.SetReadDeadline(deadline)
		_, data, err := v.ws.ReadMessage()
		var ce *websocket.CloseError
		switch {
		case errors.As(err, &ce):
			v.closed = ce.Code
		case err != nil:
			v.t.Fatalf("livetest: waiting for close: %v", err)
		default:
			if err := v.apply(data); err != nil {
				v.t.Fatal(err)
			}
		}
	}
	return v.closed
}

// HTML returns the connected view's current HTML (the content of #live-root), or the dead
// render's when the view never connected.
func (v *View) HTML() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.tree == nil {
		return v.deadHTML
	}
	return string(dom.AppendHTML(nil, v.tree))
}

// DeadHTML returns the HTML of #live-root from the plain HTTP render, serialized as HTML
// serializes the connected view's.
func (v *View) DeadHTML() string { return v.deadHTML }

// HeartbeatInterval returns how often the browser client would send heartbeats to this
// view: #live-root's data-live-heartbeat, or 30 seconds without one. Call Heartbeat to
// send one.
func (v *View) HeartbeatInterval() time.Duration { return v.heartbeat }

// Contains reports whether the view's HTML contains s.
func (v *View) Contains(s string) bool { return strings.Contains(v.HTML(), s) }

// Redirect returns where the server last sent the browser with a full page load: an
// HTTP redirect of the dead render, or a redirect frame. "" if none.
func (v *View) Redirect() string { return v.redirect }

// URL returns the view's current URL (after live navigation and patches).
func (v *View) URL() string { return v.url }

// Title returns the page title the server last set.
func (v *View) Title() string { return v.title }

// Pushes returns the events pushed so far.
func (v *View) Pushes() []Push { return v.pushes }

// Errors returns the error messages the server sent (error frames and error replies).
func (v *View) Errors() []string { return v.errors }

// DevFrames returns the dev-mode frames received so far.
func (v *View) DevFrames() []DevFrame {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]DevFrame(nil), v.dev...)
}

// Closed returns the close code once the server has closed the socket, else 0.
func (v *View) Closed() int { return v.closed }

// Close closes the websocket from the client side.
func (v *View) Close() {
	if v.ws != nil {
		_ = v.ws.Close()
	}
}

// Context returns a context bounded by Timeout, for tests that call app code directly.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	t.Cleanup(cancel)
	return ctx
}
