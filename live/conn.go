package live

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// Close codes (docs/protocol.md, section 5).
const (
	CloseDisconnect   = 4000 // Disconnect was broadcast to the socket's id
	CloseRevalidation = 4001 // the session's Revalidate hook failed
	CloseHeartbeat    = 4002 // nothing arrived for Config.HeartbeatTimeout
	CloseResync       = 4003 // the PubSub was down: the view may have missed messages, so mount it again
	CloseRateLimit    = 4008 // a flood: Config.MaxViolations refused frames in a row
	CloseSlowClient   = 4009 // the client stopped reading: a write stalled (Config.WriteTimeout, Config.MaxBufferedBytes)
	CloseOverloaded   = 4011 // the view's messages outran its handlers (Config.MaxQueuedMessages)
	CloseViewFailed   = 4500 // the view failed and could not remount

	// CloseRestart (1012, "service restart") is what Shutdown sends: this node is going
	// away, so the client reconnects at once, after a random moment of up to a second so
	// that a node's thousands of tabs do not all land on the others in the same instant.
	CloseRestart = 1012
)

// closeDrain is how long a socket that sent its close frame waits for the client's reply
// before the connection is cut.
const closeDrain = time.Second

// A conn is one connected socket.
//
// # Concurrency
//
// Up to three goroutines serve a conn, and each owns its part:
//
//   - The reader runs while the socket is open. It alone calls the read methods of ws and
//     sets the read deadline, and it owns the event bucket and the violation count. It
//     queues client frames for the worker, and admits upload chunks against the gates
//     the worker opened (see admitChunk); it never calls into the view.
//   - The worker runs while there is work (a client frame, a PubSub message, a message the
//     view sent itself, a timer, a heartbeat) and exits when there is none, on one of the
//     runtime's pool of goroutines (workerPool). It alone touches the Socket and the view:
//     every callback runs on it, one at a time, so views need no locks. It renders and
//     diffs, and sends its frames (send).
//   - Whoever sends a frame while nothing is being written becomes the writer for that
//     frame, and writes it itself if the socket takes it without waiting (writeNow). A
//     frame that would wait goes to the writer goroutine, which runs while frames wait and
//     exits when none do. One goroutine writes frames at a time (the writing flag):
//     writeNow writes a whole frame in one call that holds the socket's write lock, which
//     ws's own writes (the writer's, and close frames) take too, so frames never
//     interleave. A client that stops reading cannot stop the worker, except for the one
//     frame the socket took in part, which is finished within WriteTimeout.
//
// close may be called from any goroutine: it uses only ws.WriteControl and ws.Close,
// which gorilla/websocket allows concurrently with everything else, and ends the drain
// with a timer that calls Close, not with a read deadline. mu guards everything the
// goroutines share: the queues, the flags, the timers and the upload gates.
//
// # Queues and backpressure
//
// Client frames, server-side work and outgoing frames wait in three separate queues, each
// with its own bound (see Config): the reader refuses client frames past EventBurst as it
// refuses a flood; server-side work past MaxQueuedMessages means the view cannot keep up
// (CloseOverloaded); frames past MaxBufferedBytes, or a write blocked for WriteTimeout,
// mean the client cannot (CloseSlowClient). The worker runs every message handler, but
// renders once for everything that it drained, and only when what came before has been
// written: a burst of messages makes a few larger patches, not one frame each.
type conn struct {
	rt      *Runtime
	ws      *websocket.Conn
	br      *bufio.Reader   // what ws reads frames through; see waitReadable
	raw     syscall.RawConn // the socket's file descriptor, nil if none; see writeNow
	sock    *Socket
	binding string  // the browser's CSRF binding, to sign tokens after live navigation
	addr    addrKey // the client's address, counted against Config.MaxSocketsPerAddress

	// view is the type of the view mounted last, for Runtime.SocketsByView: set by
	// the worker, read by any goroutine. Nil until a view mounts.
	view atomic.Pointer[string]

	limiter    bucket // reader only
	violations int    // consecutive refused frames; reader only

	panics    int      // consecutive failed jobs; worker only
	refusals  int      // consecutive events nothing handles; worker only
	batch     *callCtx // the context of the batch of view work running; worker only
	devFailed bool     // the last DevRerender failed and its error shows; worker only
	dirty     bool     // server-side work changed the view since the last render sent; worker only
	id        string   // the live_socket_id filed in the runtime's index; worker only

	mu        sync.Mutex
	events    []*clientFrame // client frames for the worker
	inbox     []job          // server-side work for the worker
	out       [][]byte       // frames for the writer
	outBytes  int            // the bytes in out
	sent      int            // the bytes of every frame queued, for Config.Observe
	finalCode int            // a close frame to send once out is written
	working   bool           // a worker goroutine runs
	writing   bool           // a goroutine is writing frames: the writer, or one in writeNow
	flushLate bool           // the worker left a render for when the writer is done
	closed    bool           // no new work or frames are taken
	drain     *time.Timer    // cuts the connection after a close frame
	timerGen  uint64         // the generation of the revalidation timer; older ones are ignored
	revTimer  *time.Timer
	timers    map[*time.Timer]struct{} // SendAfter timers not yet fired
	gates     map[string]*chunkGate    // upload entries that take chunks; see admitChunk
	uploading int                      // entries whose chunks are arriving

	// The connection's contexts end when the socket closes: the one of the callback
	// running now, and the base of background work, made by the first StartAsync. An idle
	// socket holds neither (a context that has had children keeps their map).
	endCall func()
	ctx     context.Context
	cancel  context.CancelFunc
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

// serveSocket checks a websocket upgrade (origin, CSRF, view token, the client's share of
// sockets) and then runs the connection. Refusals are plain HTTP errors, before any
// websocket exists.
func (rt *Runtime) serveSocket(w http.ResponseWriter, r *http.Request) {
	rt.mu.Lock()
	down := rt.shutdown
	rt.mu.Unlock()
	if down {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	q := r.URL.Query()
	if q.Get("v") != "1" {
		http.Error(w, "unsupported protocol version", http.StatusBadRequest)
		return
	}
	if !rt.originAllowed(r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	secret := rt.csrfSecret(r)
	if !csrfMatches(q.Get("csrf"), secret) {
		http.Error(w, "invalid CSRF token", http.StatusForbidden)
		return
	}
	tok, err := rt.signer.verifyView(q.Get("token"), secret, rt.now())
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
	// The tab's URL may have moved on by live patches; accept it when it resolves to the
	// token's route, else mount what the token names.
	target, _ := url.Parse(tok.URL)
	if u, err := url.Parse(q.Get("url")); err == nil && rt.lookup(u.EscapedPath()) == rte {
		target = &url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}
	}
	if target == nil {
		http.Error(w, "invalid view token", http.StatusForbidden)
		return
	}
	ip := rt.ClientIP(r)
	addr := addrKeyOf(ip)
	if wait := rt.limits.coolingDown(addr, tok.Binding, rt.now()); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		http.Error(w, "too many events from this client: retry later", http.StatusTooManyRequests)
		return
	}
	if !rt.limits.admit(addr) {
		http.Error(w, "too many sockets from this address", http.StatusTooManyRequests)
		return
	}
	cookies := r.Header.Get("Cookie")
	hw := &hijackWriter{ResponseWriter: w}
	ws, err := rt.upgrader().Upgrade(hw, r, nil)
	if err != nil {
		rt.limits.release(addr)
		return // the upgrader has answered the client
	}
	c := &conn{rt: rt, ws: ws, br: hw.br, raw: rawConnOf(ws.NetConn()), binding: tok.Binding, addr: addr}
	c.limiter = *newBucket(rt.cfg.EventRate, rt.cfg.EventBurst)
	c.sock = &Socket{rt: rt, connected: true, conn: c, url: target.RequestURI(), params: paramsFor(rte, target), cookies: cookies,
		clientIP: ip, secure: rt.secure(r),
		flash: flashFromPairs(tok.Flash)}
	rt.mu.Lock()
	rt.conns[c] = struct{}{}
	rt.mu.Unlock()
	if rt.devStale(tok.Expires - rt.cfg.TokenMaxAge.Milliseconds()) {
		// The page was rendered before DevReload: load it again. The view mounts
		// anyway, for the moment the browser takes to leave.
		c.send(frameDev("reload", "", ""))
	}
	c.post(job{run: func(c *conn) { c.join(rte) }})
	// Read on a new goroutine and return, so that net/http's connection goroutine ends and
	// drops its buffers and the upgrade *http.Request: an idle socket keeps only what it
	// needs.
	go c.read()
}

// shut marks the conn closed and cancels its contexts, and reports whether this call did
// it. Queued work is dropped from then on.
func (c *conn) shut() bool { return c.shutWith(0) }

// shutWith is shut that also leaves finalCode for the writer to send once it has written
// what is queued, in the same step, so that the writer never sees the socket closed
// without it and drops the queue.
func (c *conn) shutWith(finalCode int) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	c.closed = true
	if finalCode != 0 {
		c.finalCode = finalCode
		c.startWriter()
	}
	endCall, cancel := c.endCall, c.cancel
	c.mu.Unlock()
	if endCall != nil {
		endCall()
	}
	if cancel != nil {
		cancel()
	}
	return true
}

// close sends a close frame with code (unless code is 0) at once, ahead of any queued
// frames, and closes the connection; the reader then ends and cleans up. It is safe to
// call from any goroutine, more than once.
func (c *conn) close(code int, reason string) {
	if !c.shut() {
		return
	}
	c.mu.Lock()
	c.out, c.outBytes = nil, 0
	c.mu.Unlock()
	c.rt.stats.closed(code)
	c.sendClose(code, reason)
}

// context returns the base context of background work: it ends when the socket closes.
func (c *conn) context() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx == nil {
		c.ctx, c.cancel = context.WithCancel(context.Background())
		if c.closed {
			c.cancel()
		}
	}
	return c.ctx
}

// closeAfterQueued closes the socket with code once the frames already queued are
// written, so that the client reads the replies that explain it first.
func (c *conn) closeAfterQueued(code int) {
	if c.shutWith(code) {
		c.rt.stats.closed(code)
	}
}

// sendClose writes a close frame and lets the reader drain what the client already sent
// and see its close reply, for at most closeDrain: closing with unread data makes the
// kernel reset the connection, and the client may never see the code that tells it how
// to reconnect.
func (c *conn) sendClose(code int, reason string) {
	if code != 0 {
		msg := websocket.FormatCloseMessage(code, reason)
		if c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second)) == nil {
			c.mu.Lock()
			if c.drain == nil {
				c.drain = time.AfterFunc(closeDrain, func() { _ = c.ws.Close() })
			}
			c.mu.Unlock()
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
	c.shut()
	_ = c.ws.Close()
	c.mu.Lock()
	if c.drain != nil {
		c.drain.Stop()
	}
	c.mu.Unlock()
	c.rt.limits.release(c.addr)
	c.post(job{final: true, run: func(c *conn) {
		c.rt.setSocketID(c, c.id, "")
		c.id = ""
		c.mu.Lock()
		if c.revTimer != nil {
			c.revTimer.Stop()
		}
		c.timerGen++
		c.mu.Unlock()
		c.sock.unmount()
		c.rt.mu.Lock()
		delete(c.rt.conns, c)
		c.rt.mu.Unlock()
	}})
}
