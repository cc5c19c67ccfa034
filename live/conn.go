package live

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/live/internal/dom"
	"github.com/liveapp/liveapp/live/pubsub"
)

// Close codes (docs/protocol.md, section 5).
const (
	CloseDisconnect   = 4000 // Disconnect was broadcast to the socket's id
	CloseRevalidation = 4001 // the session's Revalidate hook failed
	CloseRateLimit    = 4008 // too many events
	CloseSlowClient   = 4009 // the outgoing queue overflowed
	CloseViewFailed   = 4500 // the view failed and could not remount
)

// A connected socket uses one goroutine while idle: the reader, blocked on the network. A
// worker goroutine starts when there is work (a client frame, a PubSub message, a
// heartbeat) and exits when the queue is empty. Every view callback and every write happens on the
// worker, one at a time, so views need no locks and writes are ordered.
type conn struct {
	rt      *Runtime
	ws      *websocket.Conn
	br      *bufio.Reader // what ws reads frames through; see waitReadable
	sock    *Socket
	binding string // the browser's CSRF binding, to sign tokens after live navigation

	limiter    bucket // touched by the reader only
	violations int    // consecutive refused events; reader only

	mu       sync.Mutex
	queue    []job
	running  bool
	closed   bool
	idTopic  string
	idCancel func()
	revTimer *time.Timer
	panics   int // consecutive failed jobs; worker only

	devFailed bool // the last DevRerender failed and its error shows; worker only
}

type job struct {
	frame     []byte
	heartbeat bool
	in        *clientFrame
	msg       *delivery
	fn        func()
	final     bool
	closeCode int
}

type delivery struct {
	topic string
	data  []byte
	fn    MessageHandler
	mount uint64 // the Socket's mount the subscription belongs to
}

func (rt *Runtime) upgrader() *websocket.Upgrader {
	rt.upgraderOnce.Do(func() {
		rt.wsUpgrader = &websocket.Upgrader{
			// ReadBufferSize 0: gorilla reads through hijackWriter's buffer.
			WriteBufferSize: 1024,
			WriteBufferPool: &sync.Pool{},
			// serveSocket has checked the Origin against the allowlist already.
			CheckOrigin: func(*http.Request) bool { return true },
		}
	})
	return rt.wsUpgrader
}

// serveSocket checks a websocket upgrade (origin, CSRF, view token) and then runs the
// connection. Refusals are plain HTTP errors, before any websocket exists.
func (rt *Runtime) serveSocket(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("v") != "1" {
		http.Error(w, "unsupported protocol version", http.StatusBadRequest)
		return
	}
	if !rt.originAllowed(r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	secret := csrfSecretFrom(r)
	if !csrfMatches(q.Get("csrf"), secret) {
		http.Error(w, "invalid CSRF token", http.StatusForbidden)
		return
	}
	tok, err := rt.signer.verifyView(q.Get("token"), secret, time.Now())
	if errors.Is(err, errExpiredToken) {
		http.Error(w, "view token expired: reload the page", http.StatusGone)
		return
	}
	if err != nil {
		http.Error(w, "invalid view token", http.StatusForbidden)
		return
	}
	var rte *route
	for _, x := range rt.routes {
		if x.pattern == tok.Route && x.session.name == tok.Session {
			rte = x
		}
	}
	if rte == nil {
		http.Error(w, "this page no longer exists: reload", http.StatusGone)
		return
	}
	// The tab's URL may have moved on by live patches; accept it when it maps to the
	// token's route, else mount what the token names.
	target, _ := url.Parse(tok.URL)
	if u, err := url.Parse(q.Get("url")); err == nil && rte.match(u.Path, nil) {
		target = &url.URL{Path: u.Path, RawQuery: u.RawQuery}
	}
	if target == nil {
		http.Error(w, "invalid view token", http.StatusForbidden)
		return
	}
	cookies := r.Header.Get("Cookie")
	hw := &hijackWriter{ResponseWriter: w}
	ws, err := rt.upgrader().Upgrade(hw, r, nil)
	if err != nil {
		return // the upgrader has answered the client
	}
	c := &conn{rt: rt, ws: ws, br: hw.br, binding: tok.Binding}
	c.limiter = *newBucket(rt.cfg.EventRate, rt.cfg.EventBurst)
	c.sock = &Socket{rt: rt, connected: true, conn: c, url: target.RequestURI(), params: paramsFor(rte, target), cookies: cookies,
		clientIP: rt.ClientIP(r), secure: rt.secure(r),
		flash: flashFromPairs(tok.Flash)}
	rt.mu.Lock()
	rt.conns[c] = struct{}{}
	rt.mu.Unlock()
	if rt.devStale(tok.Expires - rt.cfg.TokenMaxAge.Milliseconds()) {
		// The page was rendered before DevReload: load it again. The view mounts
		// anyway, for the moment the browser takes to leave.
		c.post(job{frame: frameDev("reload", "", "")})
	}
	c.post(job{fn: func() { c.join(rte) }})
	// Read on a new goroutine and return, so that net/http's connection goroutine ends and
	// drops its buffers and the upgrade *http.Request: an idle socket keeps only what it
	// needs.
	go c.read()
}

// read is the connection's reader loop; it returns when the connection ends.
func (c *conn) read() {
	defer c.finish()
	ws, cfg := c.ws, &c.rt.cfg
	ws.SetReadLimit(cfg.MaxMessageSize)
	_ = ws.SetReadDeadline(time.Now().Add(cfg.HeartbeatTimeout))
	for {
		if c.br.Buffered() == 0 {
			waitReadable(ws.NetConn())
		}
		if takeHeartbeat(c.br) {
			if !c.closing() {
				now := time.Now()
				_ = ws.SetReadDeadline(now.Add(cfg.HeartbeatTimeout))
				c.heartbeat(now)
			}
			continue
		}
		typ, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if c.closing() {
			continue // drain until the client's close reply or the deadline close set
		}
		now := time.Now()
		_ = ws.SetReadDeadline(now.Add(cfg.HeartbeatTimeout))
		if typ != websocket.TextMessage {
			c.post(job{frame: frameError("binary frames are not supported")})
			continue
		}
		if c.violations >= cfg.MaxViolations {
			continue
		}
		f, err := decodeClientFrame(data)
		if err != nil {
			var fe *FrameError
			errors.As(err, &fe)
			if fe.Ref > 0 {
				c.post(job{frame: frameReply(fe.Ref, nil, fe.Reason, nil)})
			} else {
				c.post(job{frame: frameError(fe.Reason)})
			}
			continue
		}
		if f.Kind == frameHeartbeat {
			c.heartbeat(now)
			continue
		}
		// Every frame draws from the bucket: navigation mounts views.
		if !c.limiter.allow(now) {
			c.violations++
			if f.Ref > 0 {
				c.post(job{frame: frameReply(f.Ref, nil, "too many events: slow down", nil)})
			}
			if c.violations == cfg.MaxViolations {
				// Close after the replies already queued; read on (and drop) until then.
				c.post(job{closeCode: CloseRateLimit})
			}
			continue
		}
		c.violations = 0
		c.post(job{in: f})
	}
}

// heartbeat queues the answer to a client heartbeat. Heartbeats draw from the event
// bucket too, since each costs a write, but a refused one gets no reply (it has no ref).
func (c *conn) heartbeat(now time.Time) {
	if c.violations >= c.rt.cfg.MaxViolations {
		return
	}
	if !c.limiter.allow(now) {
		c.violations++
		if c.violations == c.rt.cfg.MaxViolations {
			c.post(job{closeCode: CloseRateLimit})
		}
		return
	}
	c.violations = 0
	c.post(job{heartbeat: true})
}

// post queues a job for the worker, starting it if needed, and reports whether it did.
// A full queue drops the client.
func (c *conn) post(j job) bool {
	c.mu.Lock()
	if c.closed && !j.final {
		c.mu.Unlock()
		return false
	}
	if len(c.queue) >= c.rt.cfg.QueueSize && !j.final {
		c.mu.Unlock()
		go c.close(CloseSlowClient, "too slow")
		return false
	}
	c.queue = append(c.queue, j)
	if !c.running {
		c.running = true
		go c.work()
	}
	c.mu.Unlock()
	return true
}

func (c *conn) work() {
	for {
		c.mu.Lock()
		batch := c.queue
		c.queue = nil
		if len(batch) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		closed := c.closed
		c.mu.Unlock()
		for _, j := range batch {
			if closed && !j.final {
				continue
			}
			c.do(j)
		}
	}
}

func (c *conn) do(j job) {
	switch {
	case j.frame != nil:
		c.write(j.frame)
	case j.closeCode != 0:
		c.close(j.closeCode, "too many events")
	case j.heartbeat:
		// A socket that handled nothing between two heartbeats drops its parsed tree and
		// what its Memos remember.
		if s := c.sock; !s.busy {
			s.hot = nil
			for _, m := range s.memos {
				m.forget()
			}
		} else {
			s.busy = false
		}
		c.write(heartbeatFrame)
	case j.final:
		j.fn()
	default:
		c.safely(j)
	}
}

// safely runs a job that calls into the view, recovering a panic: the socket gets an
// error and a fresh mount, while the server and other sockets carry on.
func (c *conn) safely(j job) {
	defer func() {
		p := recover()
		if p == nil {
			c.panics = 0
			return
		}
		c.rt.log.Error("live: view panicked", "route", c.sock.route.pattern, "panic", p, "stack", string(debug.Stack()))
		c.panics++
		if c.panics > 1 {
			c.close(CloseViewFailed, "view failed")
			return
		}
		msg := "the page hit an error and was reloaded"
		if c.rt.cfg.Dev {
			msg = fmt.Sprintf("panic: %v", p)
		}
		c.write(frameError(msg))
		c.sock.unsubscribeView()
		c.safely(job{fn: func() { c.join(c.sock.route) }})
	}()
	switch {
	case j.in != nil:
		c.handle(j.in)
	case j.msg != nil:
		if j.msg.mount != c.sock.mounts {
			return // queued for a view that has since been replaced (live navigation)
		}
		err := j.msg.fn(c.rt.ctx, j.msg.topic, j.msg.data)
		c.after(0, c.errMessage(err))
	default:
		j.fn()
	}
}

func (c *conn) write(frame []byte) {
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.rt.cfg.WriteTimeout))
	if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		c.close(0, "")
	}
}

// close sends a close frame with code (unless code is 0) and closes the connection; the
// reader then ends and cleans up. It is safe to call from any goroutine, more than once.
func (c *conn) close(code int, reason string) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	if code != 0 {
		err := c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
		if err == nil {
			// Let the reader drain what the client already sent and see its close reply
			// (or give up after a second) before the connection closes: closing with unread
			// data makes the kernel reset the connection, and the client may never see
			// the close code that tells it how to reconnect.
			_ = c.ws.SetReadDeadline(time.Now().Add(time.Second))
			return
		}
	}
	_ = c.ws.Close()
}

func (c *conn) closing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// finish runs when the reader ends: the worker releases the view's resources.
func (c *conn) finish() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	_ = c.ws.Close()
	c.post(job{final: true, fn: func() {
		c.mu.Lock()
		if c.idCancel != nil {
			c.idCancel()
			c.idCancel = nil
		}
		if c.revTimer != nil {
			c.revTimer.Stop()
		}
		c.mu.Unlock()
		c.sock.unsubscribeView()
		c.rt.mu.Lock()
		delete(c.rt.conns, c)
		c.rt.mu.Unlock()
	}})
}

// join mounts the socket's view (again, after a failure) and sends it whole.
func (c *conn) join(r *route) {
	s := c.sock
	s.resetActions()
	if err := c.rt.mount(c.rt.ctx, s, r); err != nil {
		c.rt.log.Error("live: connected mount failed", "route", r.pattern, "err", err)
		c.write(frameError(c.errMessage(err)))
		c.close(CloseViewFailed, "mount failed")
		return
	}
	if s.redirect != "" {
		c.write(frameRedirect(s.redirect, c.rt.encodeFlash(s.flash)))
		c.close(1000, "redirected")
		return
	}
	c.watchID()
	c.startTimers()
	c.sendRender("", "")
	failed := c.devFailed
	c.devFailed = false
	if msg := c.rt.devError(); msg != "" {
		// A client clears the overlay at its socket's first render: show it again.
		c.write(frameDev("error", "msg", msg))
	} else if failed {
		c.write(frameDev("clear", "", ""))
	}
}

// render renders the view's root content with a pooled buffer.
func (c *conn) render() (string, error) {
	buf := c.rt.buffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			c.rt.buffers.Put(buf)
		}
	}()
	if err := c.rt.renderRoot(buf, c.sock); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// sendRender renders the view whole into a render frame and keeps its HTML.
func (c *conn) sendRender(navURL, token string) {
	s := c.sock
	html, err := c.render()
	if err != nil {
		c.write(frameError(c.errMessage(err)))
		return
	}
	s.html = html
	if s.hot != nil {
		s.hot.tree = nil
	}
	f := renderFrame{html: html, url: navURL, token: token}
	if navURL != "" {
		f.session = s.route.session.name
	}
	if s.titleDirty || navURL != "" {
		f.title, s.titleDirty = s.title, false
	}
	f.pushes = s.pushes
	c.write(f.encode())
	s.pushes = s.pushes[:0]
}

// watchID subscribes the socket to Disconnect broadcasts for its id.
func (c *conn) watchID() {
	s := c.sock
	s.idChanged = false
	topic := ""
	if s.id != "" {
		topic = socketTopic(s.id)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if topic == c.idTopic {
		return
	}
	if c.idCancel != nil {
		c.idCancel()
		c.idCancel = nil
	}
	c.idTopic = topic
	if topic == "" {
		return
	}
	cancel, err := c.rt.pubsub.Subscribe(topic, func(pubsub.Message) {
		go c.close(CloseDisconnect, "disconnected")
	})
	if err != nil {
		c.rt.log.Error("live: cannot watch socket id", "err", err)
		return
	}
	c.idCancel = cancel
}

func (c *conn) startTimers() {
	c.mu.Lock()
	defer c.mu.Unlock()
	opts := c.sock.route.session.opts
	if c.revTimer != nil {
		c.revTimer.Stop()
		c.revTimer = nil
	}
	if opts.Revalidate != nil {
		check, every := opts.Revalidate, opts.RevalidateEvery
		var t *time.Timer
		t = time.AfterFunc(every, func() {
			c.post(job{fn: func() {
				if err := check(c.rt.ctx, c.sock); err != nil {
					c.close(CloseRevalidation, "session no longer valid")
					return
				}
				t.Reset(every)
			}})
		})
		c.revTimer = t
	}
}

// handle runs one client frame.
func (c *conn) handle(f *clientFrame) {
	s := c.sock
	s.resetActions()
	switch f.Kind {
	case frameEvent:
		if f.Event == "lv:clear-flash" {
			s.ClearFlash()
			c.after(f.Ref, "")
			return
		}
		reg := s.event(f.Event)
		if reg == nil {
			msg := "unknown event"
			if c.rt.cfg.Dev {
				msg = fmt.Sprintf("unknown event %q: the view registers %s", truncate(f.Event, 64), s.eventNames())
			}
			c.write(frameReply(f.Ref, nil, msg, nil))
			return
		}
		if reg.bucket != nil && !reg.bucket.allow(time.Now()) {
			c.write(frameReply(f.Ref, nil, "too many events: slow down", nil))
			return
		}
		err := reg.fn(c.rt.ctx, f.Params)
		c.after(f.Ref, c.errMessage(err))
	case frameNavigate:
		s.navigate = f.URL
		c.after(f.Ref, "")
	case framePatch:
		s.patchURL = f.URL
		c.after(f.Ref, "")
	case frameSync:
		html, err := c.render()
		if err != nil {
			c.write(frameReply(f.Ref, nil, c.errMessage(err), nil))
			return
		}
		s.html = html
		if s.hot != nil {
			s.hot.tree = nil
		}
		ops := dom.AppendOps(nil, []dom.Op{{Kind: dom.OpInner, Path: []int{}, HTML: html}})
		c.write(frameReply(f.Ref, ops, "", nil))
	}
}

func (s *Socket) eventNames() string {
	names := make([]string, 0, len(s.events))
	for _, e := range s.events {
		names = append(names, fmt.Sprintf("%q", e.name))
	}
	if len(names) == 0 {
		return "no events"
	}
	return strings.Join(names, ", ")
}

// errMessage is what the client is told about err: the error itself in dev mode, a
// generic message in production, where the detail goes to the log only.
func (c *conn) errMessage(err error) string {
	if err == nil {
		return ""
	}
	var pe *ParamError
	if c.rt.cfg.Dev || errors.As(err, &pe) {
		return err.Error()
	}
	c.rt.log.Error("live: handler failed", "route", c.sock.route.pattern, "err", err)
	return "event failed"
}

// after acts on what a handler asked for, then sends the reply (ref > 0) or the patches
// (ref == 0) and any pushed events.
func (c *conn) after(ref int64, errMsg string) {
	s := c.sock
	if s.redirect != "" {
		c.write(frameRedirect(s.redirect, c.rt.encodeFlash(s.flash)))
		c.reply(ref, nil, errMsg)
		return
	}
	if s.navigate != "" {
		c.navigateTo(ref, s.navigate)
		return
	}
	if s.patchURL != "" {
		to := s.patchURL
		s.patchURL = ""
		u, err := url.Parse(to)
		if err != nil || !s.route.match(u.Path, nil) {
			// A patch to another route is a navigation.
			c.navigateTo(ref, to)
			return
		}
		s.url, s.params = u.RequestURI(), paramsFor(s.route, u)
		if ph, ok := s.view.(ParamsHandler); ok {
			if err := ph.HandleParams(c.rt.ctx, s); err != nil {
				if err = halted(s, err); err != nil {
					errMsg = c.errMessage(err)
				} else if s.redirect != "" {
					c.after(ref, errMsg)
					return
				}
			}
		}
		c.write(frameURL(s.url))
	}
	if s.idChanged {
		c.watchID()
	}
	if s.titleDirty {
		s.titleDirty = false
		c.write(frameTitle(s.title))
	}
	ops, err := c.diff()
	if err != nil && errMsg == "" {
		errMsg = c.errMessage(err)
	}
	c.reply(ref, ops, errMsg)
}

// reply sends the reply to frame ref, or for server-initiated changes (ref 0) the patches,
// carrying the events the view pushed. A reply is the last frame an event causes.
func (c *conn) reply(ref int64, ops []byte, errMsg string) {
	s := c.sock
	switch {
	case ref > 0:
		c.write(frameReply(ref, ops, errMsg, s.pushes))
	case len(ops) > 0 || len(s.pushes) > 0:
		c.write(frameOps(ops, s.pushes))
	}
	if ref == 0 && errMsg != "" {
		c.write(frameError(errMsg))
	}
	s.pushes = s.pushes[:0]
}

// diff re-renders the view and returns the encoded patches from the last HTML sent, or
// nil when nothing changed.
//
// A socket keeps the last HTML; its parsed tree, 10 to 25 times larger, is kept only while
// the socket is busy and dropped after a heartbeat interval without events, so an idle socket
// costs little and a busy one does not parse twice per event. Nothing is parsed when the
// HTML did not change.
func (c *conn) diff() ([]byte, error) {
	s := c.sock
	s.busy = true
	html, err := c.render()
	if err != nil {
		return nil, err
	}
	if html == s.html {
		return nil, nil
	}
	if s.hot == nil {
		s.hot = new(hotState)
	}
	h := s.hot
	old := h.tree
	if old == nil {
		if old, err = dom.Parse(s.html); err != nil {
			return nil, fmt.Errorf("live: parse last render: %w", err)
		}
	}
	// Parse into the memory of the tree before old, which nothing uses any more.
	next := 1 - h.arena
	tree, err := dom.ParseIn(&h.arenas[next], html)
	if err != nil {
		return nil, fmt.Errorf("live: parse render: %w", err)
	}
	ops := dom.Diff(old, tree)
	s.html, h.tree, h.arena = html, tree, next
	if len(ops) == 0 {
		return nil, nil
	}
	return dom.AppendOps(nil, ops), nil
}

// navigateTo mounts the view at to in place when it belongs to the same live session, and
// sends the browser there with a page load otherwise.
func (c *conn) navigateTo(ref int64, to string) {
	s := c.sock
	u, err := url.Parse(to)
	var r *route
	if err == nil {
		r = c.rt.lookup(u.Path)
	}
	if r == nil || r.session != s.route.session {
		c.write(frameRedirect(to, c.rt.encodeFlash(s.flash)))
		c.reply(ref, nil, "")
		return
	}
	s.unsubscribeView()
	s.url, s.params = u.RequestURI(), paramsFor(r, u)
	s.resetActions()
	if err := c.rt.mount(c.rt.ctx, s, r); err != nil {
		// Let a page load show the failure (a 404, say); this view can no longer render.
		if !errors.Is(err, ErrNotFound) {
			c.rt.log.Error("live: navigation mount failed", "url", to, "err", err)
		}
		c.write(frameRedirect(to, c.rt.encodeFlash(s.flash)))
		c.reply(ref, nil, "")
		return
	}
	if s.redirect != "" {
		c.write(frameRedirect(s.redirect, c.rt.encodeFlash(s.flash)))
		c.reply(ref, nil, "")
		return
	}
	c.watchID()
	c.startTimers()
	token := c.rt.signer.signView(viewToken{Session: r.session.name, Route: r.pattern, URL: s.url,
		Expires: time.Now().Add(c.rt.cfg.TokenMaxAge).UnixMilli(), Binding: c.binding})
	c.sendRender(s.url, token)
	c.reply(ref, nil, "")
}
