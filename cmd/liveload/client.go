package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// client opens views on one server the way browsers do. Every view is its own browser: a
// dead render GET that sets its own CSRF cookie, then the websocket upgrade with that
// cookie, the page's tokens and a correct Origin. A view costs the client one goroutine
// (its reader) and a 1 KiB read buffer; write buffers come from a shared pool.
type client struct {
	base    string // http://127.0.0.1:PORT
	path    string // the page to open, "/"
	feed    bool   // the page is the example's feed: views track what it shows (feed.go)
	epoch   time.Time
	http    *http.Client
	ws      websocket.Dialer
	sources []net.IP
	httpRR  atomic.Uint32  // round robin of the dead renders' connections over sources
	wsRR    atomic.Uint32  // and of the websockets, on their own so that they spread evenly
	held    []atomic.Int32 // open websockets per source address
	rec     *recorder      // where every view reports its replies

	dropped atomic.Int64 // views the server closed, or that failed, while not closing

	mu         sync.Mutex
	views      []*view        // open views, for heartbeats
	closeCodes map[string]int // why dropped views ended: a close code, or how the read failed
}

// Source addresses: one loopback source IP has about 28k ephemeral ports (32768-60999),
// and a server may cap the live sockets of one client address, so the client spreads its
// connections over 127.0.0.1..127.0.0.N, the websockets round robin.
func newClient(addr, path string, sources int, conc int) *client {
	c := &client{base: "http://" + addr, path: path, epoch: time.Now(), rec: &recorder{}, held: make([]atomic.Int32, sources)}
	for i := 1; i <= sources; i++ {
		c.sources = append(c.sources, net.IPv4(127, 0, 0, byte(i)))
	}
	c.http = &http.Client{
		Transport: &http.Transport{DialContext: c.dialHTTP, MaxIdleConnsPerHost: conc, IdleConnTimeout: 10 * time.Second},
		Timeout:   15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	c.ws = websocket.Dialer{
		NetDialContext:   c.dialWS,
		HandshakeTimeout: 15 * time.Second,
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
		WriteBufferPool:  &sync.Pool{},
	}
	return c
}

func (c *client) dialHTTP(ctx context.Context, network, addr string) (net.Conn, error) {
	return c.dial(ctx, network, addr, int(c.httpRR.Add(1)-1)%len(c.sources))
}

func (c *client) dialWS(ctx context.Context, network, addr string) (net.Conn, error) {
	return c.dial(ctx, network, addr, int(c.wsRR.Add(1)-1)%len(c.sources))
}

func (c *client) dial(ctx context.Context, network, addr string, src int) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: c.sources[src]}, Timeout: 10 * time.Second}
	return d.DialContext(ctx, network, addr)
}

// sourceOf returns the index in c.sources of a websocket's local address, or -1.
func (c *client) sourceOf(ws *websocket.Conn) int {
	if a, ok := ws.LocalAddr().(*net.TCPAddr); ok {
		for i, ip := range c.sources {
			if ip.Equal(a.IP) {
				return i
			}
		}
	}
	return -1
}

// maxPerSource returns the most websockets open from one source address.
func (c *client) maxPerSource() int {
	m := 0
	for i := range c.held {
		m = max(m, int(c.held[i].Load()))
	}
	return m
}

// since returns the time since the client was made, the clock of feed arrivals.
func (c *client) since() time.Duration { return time.Since(c.epoch) }

// closeIdle closes the dead render's kept-alive HTTP connections, so they do not count in
// the server's memory.
func (c *client) closeIdle() { c.http.CloseIdleConnections() }

var (
	reToken = regexp.MustCompile(`data-live-token="([^"]+)"`)
	reCSRF  = regexp.MustCompile(`<meta name="live-csrf" content="([^"]+)"`)
)

// open performs the dead render and connects the view, returning once the server has
// sent the connected render.
func (c *client) open(ctx context.Context) (*view, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+c.path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("dead render: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("dead render: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("dead render: HTTP %d", resp.StatusCode)
	}
	tok, csrf := reToken.FindSubmatch(body), reCSRF.FindSubmatch(body)
	if tok == nil || csrf == nil {
		return nil, fmt.Errorf("dead render of %s is not a live page", c.path)
	}
	var cookies []string
	for _, ck := range resp.Cookies() {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	h := http.Header{"Origin": {c.base}}
	if len(cookies) > 0 {
		h.Set("Cookie", strings.Join(cookies, "; "))
	}
	q := url.Values{"v": {"1"}, "csrf": {string(csrf[1])}, "token": {string(tok[1])}, "url": {c.base + c.path}}
	u := "ws" + strings.TrimPrefix(c.base, "http") + "/live/socket?" + q.Encode()
	ws, resp, err := c.ws.DialContext(ctx, u, h)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("websocket upgrade: HTTP %d: %w", resp.StatusCode, err)
		}
		return nil, fmt.Errorf("websocket upgrade: %w", err)
	}
	v := &view{c: c, ws: ws, src: c.sourceOf(ws), pending: make(map[int64]time.Time, 2), done: make(chan struct{})}
	render, err := v.awaitRender()
	if err != nil {
		ws.Close()
		return nil, err
	}
	if c.feed {
		if v.feed, err = newFeedView(render); err != nil {
			ws.Close()
			return nil, err
		}
	}
	if v.src >= 0 {
		c.held[v.src].Add(1)
	}
	go v.read()
	c.mu.Lock()
	c.views = append(c.views, v)
	c.mu.Unlock()
	return v, nil
}

// heartbeats sends every open view a heartbeat each interval, as browsers do, until ctx
// ends. Browsers' timers are out of step, so the heartbeats are spread evenly over the
// interval, a few views every heartbeatSlice: sent in a few large batches, they made
// bursts of thousands of frames that the server's latency showed and real clients do not
// make. A view whose write fails is dropped by its reader.
func (c *client) heartbeats(ctx context.Context, every time.Duration) {
	parts := max(1, int(every/heartbeatSlice))
	t := time.NewTicker(every / time.Duration(parts))
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c.mu.Lock()
		views := c.views
		c.mu.Unlock()
		for j := i % parts; j < len(views); j += parts {
			views[j].heartbeat()
		}
	}
}

// heartbeatSlice is how often the client sends the heartbeats that are due.
const heartbeatSlice = 10 * time.Millisecond

// view is one connected view: a websocket whose reader matches replies to the events the
// view sent. Heartbeats keep it open.
type view struct {
	c    *client
	ws   *websocket.Conn
	src  int        // index of its source address in c.sources, or -1
	feed *feedView  // what a view of the feed shows; nil for other pages
	wmu  sync.Mutex // serializes writes

	mu      sync.Mutex
	ref     int64
	pending map[int64]time.Time // ref -> when the event was written
	closing bool
	done    chan struct{} // closed when the reader ends; made before the reader starts
}

// serverFrame holds the fields of a server frame the client looks at.
type serverFrame struct {
	T   string          `json:"t"`
	Ref int64           `json:"ref"`
	Ops json.RawMessage `json:"ops"`
	Err string          `json:"err"`
	Msg string          `json:"msg"`
}

// awaitRender reads the first frames until the connected render, and returns it.
func (v *view) awaitRender() ([]byte, error) {
	_ = v.ws.SetReadDeadline(time.Now().Add(15 * time.Second))
	defer v.ws.SetReadDeadline(time.Time{})
	for {
		_, data, err := v.ws.ReadMessage()
		if err != nil {
			return nil, fmt.Errorf("waiting for the render: %w", err)
		}
		var f serverFrame
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, fmt.Errorf("waiting for the render: malformed frame %.80q", data)
		}
		switch f.T {
		case "render":
			return data, nil
		case "title", "push":
		default:
			return nil, fmt.Errorf("waiting for the render: got %.120s", data)
		}
	}
}

var (
	heartbeatFrame = []byte(`{"t":"h"}`)
	opsPrefix      = []byte(`{"t":"ops"`)
)

func (v *view) read() {
	defer close(v.done)
	defer func() {
		if v.src >= 0 {
			v.c.held[v.src].Add(-1)
		}
	}()
	for {
		buf := frameBuffers.Get().(*bytes.Buffer)
		err := v.next(buf)
		if err != nil {
			frameBuffers.Put(buf)
			v.mu.Lock()
			closing := v.closing
			v.mu.Unlock()
			if !closing {
				v.c.drop(err)
			}
			return
		}
		v.take(buf.Bytes())
		if buf.Cap() <= maxKeptFrameBuffer {
			frameBuffers.Put(buf)
		}
	}
}

// frameBuffers holds the buffers readers read frames into: a reader holds one only while
// it takes a frame, so 10,000 idle views cost no buffers, and busy ones allocate nothing.
var frameBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxKeptFrameBuffer bounds the buffers that go back to frameBuffers.
const maxKeptFrameBuffer = 64 << 10

// next reads the next message into buf, emptied first.
func (v *view) next(buf *bytes.Buffer) error {
	_, r, err := v.ws.NextReader()
	if err != nil {
		return err
	}
	buf.Reset()
	_, err = buf.ReadFrom(r)
	return err
}

// take handles one frame from the server. Replies to events are most of them: they are
// read without a JSON decoder when they have the form the server gives a reply without an
// error (see parseReply); anything else is decoded.
func (v *view) take(data []byte) {
	if v.feed != nil {
		v.feed.observe(data, v.c.since())
		// The feed's frames are patches the server sent on its own; they need
		// nothing else, and decoding them would cost the client more than the scan.
		if bytes.HasPrefix(data, opsPrefix) {
			return
		}
	}
	if bytes.Equal(data, heartbeatFrame) {
		return
	}
	if ref, ops, ok := parseReply(data); ok {
		v.replied(ref, len(data), ops, "")
		return
	}
	var f serverFrame
	if err := json.Unmarshal(data, &f); err != nil {
		v.c.rec.serverError("malformed frame")
		return
	}
	switch f.T {
	case "r":
		v.replied(f.Ref, len(data), len(f.Ops) > 0, f.Err)
	case "error":
		v.c.rec.serverError(f.Msg)
	}
}

// replied times the reply to the event ref, if the view is waiting for it.
func (v *view) replied(ref int64, size int, ops bool, errMsg string) {
	v.mu.Lock()
	sent, ok := v.pending[ref]
	delete(v.pending, ref)
	v.mu.Unlock()
	if ok {
		v.c.rec.reply(time.Since(sent), size, ops, errMsg)
	}
}

var (
	replyPrefix = []byte(`{"t":"r","ref":`)
	replyOps    = []byte(`,"ops":`)
)

// parseReply reads a reply frame of the two forms a successful event gets,
// {"t":"r","ref":N} and {"t":"r","ref":N,"ops":[...]}, and reports whether data is one.
// The server writes a reply's fields in this order (live/wire.go), with err, rep and ev
// after ops. So valid JSON with no object key after the ops' start is one of the two
// forms; anything else (ops that hold objects too) is left to the JSON decoder.
func parseReply(data []byte) (ref int64, ops bool, ok bool) {
	rest, found := bytes.CutPrefix(data, replyPrefix)
	if !found {
		return 0, false, false
	}
	i := 0
	for i < len(rest) && i < 18 && rest[i] >= '0' && rest[i] <= '9' {
		ref = ref*10 + int64(rest[i]-'0')
		i++
	}
	if i == 0 || rest[0] == '0' { // no digits, or a leading zero, which JSON refuses
		return 0, false, false
	}
	rest = rest[i:]
	if string(rest) == "}" {
		return ref, false, true
	}
	body, found := bytes.CutPrefix(rest, replyOps)
	if !found || len(body) == 0 || body[0] != '[' || hasKey(body) || !json.Valid(data) {
		return 0, false, false
	}
	return ref, true, true
}

// hasKey reports whether JSON text b has an object key: a quote that ends a string
// (preceded by an even number of backslashes) followed by a colon.
func hasKey(b []byte) bool {
	for {
		i := bytes.Index(b, []byte(`":`))
		if i < 0 {
			return false
		}
		slashes := 0
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			slashes++
		}
		if slashes%2 == 0 {
			return true
		}
		b = b[i+2:]
	}
}

// send writes one event and notes when, for the reader to time the reply.
func (v *view) send(event string) error {
	v.mu.Lock()
	v.ref++
	ref := v.ref
	v.mu.Unlock()
	var frame [64]byte
	b := append(frame[:0], `{"t":"e","ref":`...)
	b = strconv.AppendInt(b, ref, 10)
	b = append(b, `,"n":`...)
	b = strconv.AppendQuote(b, event)
	b = append(b, `,"k":"click","p":{}}`...)
	v.mu.Lock()
	v.pending[ref] = time.Now()
	v.mu.Unlock()
	if err := v.write(b); err != nil {
		v.mu.Lock()
		delete(v.pending, ref)
		v.mu.Unlock()
		return err
	}
	return nil
}

// write sends one text frame; the heartbeat goroutine and the event sender share it.
func (v *view) write(b []byte) error {
	v.wmu.Lock()
	defer v.wmu.Unlock()
	_ = v.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return v.ws.WriteMessage(websocket.TextMessage, b)
}

// heartbeat sends a heartbeat unless the view is closing.
func (v *view) heartbeat() {
	v.mu.Lock()
	closing := v.closing
	v.mu.Unlock()
	if !closing {
		_ = v.write([]byte(`{"t":"h"}`))
	}
}

// ended reports whether the view's reader has ended.
func (v *view) ended() bool {
	select {
	case <-v.done:
		return true
	default:
		return false
	}
}

// outstanding returns how many events await a reply.
func (v *view) outstanding() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.pending)
}

// close sends a normal close frame and closes the connection.
func (v *view) close() {
	v.mu.Lock()
	v.closing = true
	v.mu.Unlock()
	v.wmu.Lock()
	defer v.wmu.Unlock()
	_ = v.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	_ = v.ws.Close()
	<-v.done
}

// openViews opens views until there are n, with at most conc in flight, and returns
// them all. It stops at the first failure.
func (c *client) openViews(ctx context.Context, views []*view, n, conc int) ([]*view, error) {
	need := n - len(views)
	if need <= 0 {
		return views, nil
	}
	var (
		mu       sync.Mutex
		firstErr error
		failed   int
		started  atomic.Int64
		wg       sync.WaitGroup
	)
	for range min(conc, need) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for started.Add(1) <= int64(need) {
				mu.Lock()
				stop := firstErr != nil
				mu.Unlock()
				if stop || ctx.Err() != nil {
					return
				}
				v, err := c.open(ctx)
				mu.Lock()
				if err != nil {
					failed++
					if firstErr == nil {
						firstErr = err
					}
				} else {
					views = append(views, v)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return views, fmt.Errorf("opened %d of %d connections (%d failed): %w", len(views), n, failed, firstErr)
	}
	return views, nil
}

// closeViews closes all views, conc at a time.
func closeViews(views []*view, conc int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(conc, len(views)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(views)); i = next.Add(1) - 1 {
				views[i].close()
			}
		}()
	}
	wg.Wait()
}

// errDropped reports views the server closed under the client.
var errDropped = errors.New("the server closed connections")

// drop counts a view that ended while the client was not closing it, and why: the close
// code the server sent, or how the read failed without one.
func (c *client) drop(err error) {
	c.dropped.Add(1)
	why := "read error"
	var ce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		why = strconv.Itoa(ce.Code)
	case errors.Is(err, syscall.ECONNRESET):
		why = "connection reset"
	case errors.As(err, &ne) && ne.Timeout():
		why = "timeout"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeCodes == nil {
		c.closeCodes = make(map[string]int)
	}
	c.closeCodes[why]++
}

// dropReasons returns a copy of why views were dropped, by close code or failure.
func (c *client) dropReasons() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.closeCodes)
}
