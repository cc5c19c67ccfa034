package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/live/client"
	"github.com/liveapp/liveapp/live/internal/dom"
	"github.com/liveapp/liveapp/live/pubsub"
)

// Config configures a Runtime. The zero value of every field but Secret is a safe default.
type Config struct {
	// Secret signs view tokens and flash cookies. It must be at least 32 bytes of random
	// data and the same on every node of the app. Required.
	Secret []byte

	// Dev enables dev mode: error replies explain what went wrong, and a websocket upgrade
	// without an Origin header is accepted (tools and tests send none). Never in production.
	Dev bool

	// AllowedOrigins lists the origins ("https://example.com") allowed to open the
	// websocket, compared exactly. Empty means the app's own origin: the scheme and Host of
	// the upgrade request.
	AllowedOrigins []string

	// SecureCookies marks cookies Secure (with the __Host- prefix) even when the request
	// did not arrive over TLS, for apps behind a TLS-terminating proxy. Over TLS or with
	// SecureCookies, only the __Host- CSRF cookie is read: an unprefixed one may come from
	// a sibling subdomain.
	SecureCookies bool

	// TrustForwardedProto treats a request as secure, as if it came over TLS, when the
	// last value of its X-Forwarded-Proto header is https: for apps behind a proxy that
	// terminates TLS and sets that header. Only the last value counts, the one the
	// nearest proxy wrote; set it only when every request passes through such a proxy,
	// since a client that reaches the app directly could send the header itself. See
	// Runtime.Secure for what a secure request changes.
	TrustForwardedProto bool

	// CookiePrefix names the runtime's cookies: _PREFIX_csrf (__Host-PREFIX_csrf when
	// secure) and _PREFIX_flash. Browsers share cookies between the apps of one host
	// name whatever their ports, so two apps on localhost need different prefixes, or
	// each would read the other's. Letters, digits, _ and - only. Default "live".
	CookiePrefix string

	// ErrorPage, when set, writes the response of an HTTP request the runtime refuses or
	// fails: 404 when a dead render's hooks or Mount return ErrNotFound, 500 when they
	// fail otherwise, 403 when ProtectForms refuses a form. err says why, for logs and
	// dev mode: it may hold internals, so never show it to users in production. Nil
	// writes a short plain-text answer (with err in dev mode). Apps set it to show the
	// error in their own layout.
	ErrorPage func(w http.ResponseWriter, r *http.Request, status int, err error)

	// ClientIP returns the address of the client that sent r, for Socket.ClientIP. Nil
	// uses the peer address of the connection; behind a reverse proxy, set it to read the
	// proxy's header (only from proxies you trust).
	ClientIP func(r *http.Request) netip.Addr

	// PubSub carries messages between views and disconnects between nodes. Nil uses an
	// in-process pubsub.Memory, which is right for a single machine.
	PubSub pubsub.PubSub

	// SocketPath is where browsers open the websocket. Default "/live/socket".
	SocketPath string

	// MaxMessageSize is the largest client frame read, in bytes; the reader refuses
	// anything larger before decoding it. Default 64 KiB.
	MaxMessageSize int64

	// EventRate and EventBurst set each connection's event token bucket: every client
	// frame, heartbeats included, takes a token. Defaults 30 per second, burst 60. EventBurst
	// also bounds the client frames waiting for the view. A frame refused by either is a
	// violation, answered with an error reply; MaxViolations in a row (default 5) are a
	// flood: the socket closes with CloseRateLimit (4008) after the replies already queued.
	EventRate     float64
	EventBurst    int
	MaxViolations int

	// FloodCooldown is how long the browser and the address of a socket closed for a
	// flood must wait before a new socket is accepted; until then upgrades are refused with
	// 429 Too Many Requests. Default 10 s; negative disables it.
	FloodCooldown time.Duration

	// MaxSocketsPerAddress caps the sockets open at once from one client address (an IPv4
	// address, or an IPv6 /64), as ClientIP finds it; upgrades past it are refused with 429.
	// Default 512; negative means no cap. Raise it for apps whose users share one address
	// in large numbers (a big office behind one NAT).
	MaxSocketsPerAddress int

	// HeartbeatTimeout closes a socket from which nothing, not even a heartbeat, has
	// arrived for that long, with code CloseHeartbeat (4002). The client sends a heartbeat
	// every half of it. Default 60 s.
	HeartbeatTimeout time.Duration

	// WriteTimeout bounds each write to a socket. A write blocked that long means the
	// client stopped reading: it is dropped with CloseSlowClient (4009). Default 10 s.
	WriteTimeout time.Duration

	// MaxBufferedBytes bounds the bytes of frames waiting to be written to one socket; a
	// client that lets more wait is dropped with CloseSlowClient (4009). Patches caused by
	// PubSub and other server-side work never pile up here: while frames wait, the view
	// renders no new patches, and sends one for all its changes when the writer is done.
	// Default 1 MiB.
	MaxBufferedBytes int

	// MaxQueuedMessages bounds the server-side work waiting for one view: PubSub
	// messages, messages the view sent itself, timers and async results; a run of the same
	// PubSub message, one delivery after another, counts once. Past it the view
	// cannot keep up, and the socket closes with CloseOverloaded (4011); the client
	// reconnects and mounts the current state. The view's handlers run far faster than
	// messages arrive in any sane app, so this is a bound on memory, not a rate. Default
	// 4096, which with the runtime's 88 bytes of bookkeeping per waiting job bounds the
	// queue at 352 KiB plus the payloads, which subscribers share.
	MaxQueuedMessages int

	// EventTimeout is the deadline of the context each callback of a connected view gets
	// (Mount, events, messages, HandleParams, hooks, revalidation). Messages handled in
	// one batch (all that waited when the view got to them) share one context, whose
	// deadline runs from the first of them. The context also ends when the socket closes.
	// A handler that ignores its context is not stopped; its socket waits for it. Default
	// 10 s.
	EventTimeout time.Duration

	// TokenMaxAge is how long a dead render's view token can be used to connect. Default
	// 24 hours.
	TokenMaxAge time.Duration

	// UploadDir is where the bytes of uploads wait, in temporary files with random names,
	// until the view consumes them (Socket.ConsumeUploads), cancels them, or unmounts;
	// each is deleted then. Empty means os.TempDir(). A process that dies leaves its
	// files behind: give the runtime a directory of its own and empty it at start.
	UploadDir string

	// MaxConcurrentUploads caps the upload entries of one socket whose chunks are
	// arriving at once; a chunk that would start another is refused as a violation.
	// Default 4.
	MaxConcurrentUploads int

	// MaxUploadBytes caps the bytes one socket's upload entries hold or will hold (their
	// announced sizes, until consumed or cancelled); an offer past it is refused with
	// ErrUploadNoRoom. With MaxConcurrentUploads it bounds what a socket's uploads take:
	// MaxUploadBytes on disk, and one chunk per entry arriving in memory. Default 64 MiB.
	MaxUploadBytes int64

	// UploadIdleTimeout stops an upload entry whose chunks stop arriving for that long,
	// with ErrUploadStalled, and deletes what arrived. Default 30 s.
	UploadIdleTimeout time.Duration

	// Logger receives errors and panics. Nil uses slog.Default().
	Logger *slog.Logger

	// Observe, when set, is told of every mount, event, navigation and live patch a
	// connected view handles, with its duration and the bytes sent (see Activity):
	// LogActivity makes a dev log of it, and a dashboard or metrics can count it. It is
	// called on the socket's worker, after the work and before the next: it must be quick
	// and must not block. Nil reports nothing, and costs nothing.
	Observe func(Activity)

	// Now returns the current time, for token expiry, rate limits, cool-downs and the
	// upload idle timeout. Nil uses time.Now. Tests set it to move time without sleeping.
	Now func() time.Time
}

func (c *Config) setDefaults() {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.SocketPath == "" {
		c.SocketPath = "/live/socket"
	}
	if c.MaxMessageSize <= 0 {
		c.MaxMessageSize = 64 << 10
	}
	if c.EventRate <= 0 {
		c.EventRate = 30
	}
	if c.EventBurst <= 0 {
		c.EventBurst = 60
	}
	if c.MaxViolations <= 0 {
		c.MaxViolations = 5
	}
	if c.FloodCooldown == 0 {
		c.FloodCooldown = 10 * time.Second
	}
	if c.MaxSocketsPerAddress == 0 {
		c.MaxSocketsPerAddress = 512
	}
	def(&c.HeartbeatTimeout, 60*time.Second)
	def(&c.WriteTimeout, 10*time.Second)
	def(&c.TokenMaxAge, 24*time.Hour)
	def(&c.EventTimeout, 10*time.Second)
	if c.MaxBufferedBytes <= 0 {
		c.MaxBufferedBytes = 1 << 20
	}
	if c.MaxQueuedMessages <= 0 {
		c.MaxQueuedMessages = 4096
	}
	if c.MaxConcurrentUploads <= 0 {
		c.MaxConcurrentUploads = 4
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = 64 << 20
	}
	def(&c.UploadIdleTimeout, 30*time.Second)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Runtime serves live views: it renders them over HTTP, accepts their websockets, runs
// their events and sends patches. Make one with New, add live sessions and routes, then
// Register it on an http.ServeMux. A Runtime is safe for concurrent use once registered;
// adding routes after Register is not supported.
type Runtime struct {
	cfg      Config
	signer   signer
	pubsub   pubsub.PubSub
	sessions []*LiveSession
	routes   []*route
	router   *http.ServeMux // the routes' patterns, to resolve URLs as ServeMux does; see resolve
	cookies  cookieNames
	log      *slog.Logger
	limits   limits
	stats    counters

	// afterFunc schedules the revalidation and SendAfter timers; tests replace it.
	afterFunc func(time.Duration, func()) *time.Timer

	// registered is set by Register, after which the routes are fixed.
	registered bool

	stopResume func() // ends the PubSub's OnResume registration; nil without one

	watchMu sync.Mutex
	unwatch func() // ends the Disconnect subscription; nil until a socket has an id

	mu       sync.Mutex
	conns    map[*conn]struct{}
	byID     map[string][]*conn // sockets by live_socket_id, for Disconnect; see revoke.go
	shutdown bool               // Shutdown was called: no new sockets
	dev      devState

	buffers      sync.Pool // *bytes.Buffer for renders
	arenas       sync.Pool // *[2]dom.Arena for diffs that keep no tree; see conn.diff
	diffs        *diffCache
	workers      *workerPool
	renderSlots  chan struct{} // bounds the renders and diffs running at once; see conn.diff
	memoRows     sync.Map      // *template.Template → *memoRows[T]: rows Memos share; see Memo
	upgraderOnce sync.Once
	wsUpgrader   *websocket.Upgrader
}

// New returns a Runtime for cfg. It fails when the secret is missing or too short.
func New(cfg Config) (*Runtime, error) {
	if len(cfg.Secret) < 32 {
		return nil, errors.New("live: Config.Secret must be at least 32 bytes (generate one with `liveapp secret` or openssl rand -base64 48)")
	}
	cfg.setDefaults()
	cookies, err := newCookieNames(cfg.CookiePrefix)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(cfg.SocketPath, "/") {
		return nil, fmt.Errorf("live: Config.SocketPath %q must start with /", cfg.SocketPath)
	}
	rt := &Runtime{cfg: cfg, signer: newSigner(cfg.Secret), pubsub: cfg.PubSub, router: http.NewServeMux(), log: cfg.Logger,
		cookies: cookies, conns: make(map[*conn]struct{})}
	if rt.pubsub == nil {
		rt.pubsub = pubsub.NewMemory()
	}
	if r, ok := rt.pubsub.(pubsub.Resumer); ok {
		rt.stopResume = r.OnResume(rt.resume)
	}
	rt.limits = limits{maxPerAddr: cfg.MaxSocketsPerAddress, cooldown: cfg.FloodCooldown}
	rt.afterFunc = time.AfterFunc
	rt.buffers.New = func() any { return new(bytes.Buffer) }
	rt.arenas.New = func() any { return new([2]dom.Arena) }
	rt.diffs = newDiffCache()
	rt.workers = newWorkerPool()
	rt.renderSlots = make(chan struct{}, 8*runtime.GOMAXPROCS(0))
	return rt, nil
}

// PubSub returns the runtime's PubSub, for application code that broadcasts to views.
func (rt *Runtime) PubSub() pubsub.PubSub { return rt.pubsub }

// Logger returns the logger the runtime writes to: Config.Logger, or slog.Default().
func (rt *Runtime) Logger() *slog.Logger { return rt.log }

// Session creates a live session named name. Names must be unique.
func (rt *Runtime) Session(name string, opts SessionOptions) *LiveSession {
	for _, s := range rt.sessions {
		if s.name == name {
			panic("live: duplicate live session " + name)
		}
	}
	if opts.Revalidate != nil && opts.RevalidateEvery <= 0 {
		opts.RevalidateEvery = time.Minute
	}
	ls := &LiveSession{name: name, opts: opts, rt: rt}
	rt.sessions = append(rt.sessions, ls)
	return ls
}

// Register adds the runtime's handlers to mux: a GET handler for every live route (behind
// its session's Middleware), the websocket endpoint, and the client script. Add every live
// route before: LiveSession.Live panics once the runtime is registered.
func (rt *Runtime) Register(mux *http.ServeMux) {
	rt.registered = true
	for _, r := range rt.routes {
		var h http.Handler = rt.deadRender(r)
		if mw := r.session.opts.Middleware; mw != nil {
			h = mw(h)
		}
		mux.Handle(r.muxPattern(), h)
	}
	mux.Handle("GET "+rt.cfg.SocketPath, http.HandlerFunc(rt.serveSocket))
	mux.Handle("GET "+rt.ScriptPath(), client.Handler())
	mux.Handle("GET /live/"+client.UploadFilename(), client.Handler()) // fetched by the client when a page uploads
	if rt.cfg.Dev {
		mux.Handle("GET /live/"+client.DevFilename(), client.Handler()) // loaded by dev-mode pages
	}
}

// ScriptPath is the content-hashed URL path of the browser client script.
func (rt *Runtime) ScriptPath() string { return "/live/" + client.Filename() }

// Shutdown closes every open socket with CloseRestart (1012), which tells browsers to
// reconnect within a second, to another node behind the load balancer or to this app's
// next process, and refuses new sockets with 503. In dev mode it closes them with 1000,
// which browsers follow at once: there is one user, and `liveapp dev` restarts the app
// after every Go edit. It waits until the closes are written or ctx ends.
func (rt *Runtime) Shutdown(ctx context.Context) error {
	rt.mu.Lock()
	rt.shutdown = true
	rt.mu.Unlock()
	if rt.stopResume != nil {
		rt.stopResume()
	}
	rt.watchMu.Lock()
	if rt.unwatch != nil {
		rt.unwatch()
		rt.unwatch = nil
	}
	rt.watchMu.Unlock()
	code := CloseRestart
	if rt.cfg.Dev {
		code = 1000
	}
	var wg sync.WaitGroup
	for _, c := range rt.connected() {
		wg.Add(1)
		go func() { defer wg.Done(); c.close(code, "server restarting") }()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("live: shutdown: %w", ctx.Err())
	}
}

// Page is what a Layout gets: the parts of a dead-rendered live page.
type Page struct {
	Title   string
	Head    template.HTML // the CSRF meta tag and the client script; put it in <head>
	Body    template.HTML // the view's root element with its HTML
	Session string        // the live session's name
	socket  *Socket
}

// Get returns a value hooks assigned during the mount (the current user, say), for the
// layout's navigation bar.
func (p *Page) Get(key string) any { return p.socket.Get(key) }

// Flash returns the page's flash messages.
func (p *Page) Flash() []Flash { return p.socket.flash }

// Layout renders the HTML document around a dead-rendered view.
type Layout func(w io.Writer, p *Page) error

var defaultLayout = template.Must(template.New("layout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>{{.Head}}</head>
<body>{{.Body}}</body></html>
`))

// now is the runtime's clock: Config.Now.
func (rt *Runtime) now() time.Time { return rt.cfg.Now() }

// ClientIP returns the address of the client that sent r, by Config.ClientIP or else the
// connection's peer, as Socket.ClientIP does for a mount.
func (rt *Runtime) ClientIP(r *http.Request) netip.Addr {
	if rt.cfg.ClientIP != nil {
		return rt.cfg.ClientIP(r)
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// DefaultLayout renders a minimal HTML document.
func DefaultLayout(w io.Writer, p *Page) error { return defaultLayout.Execute(w, p) }

// deadRender serves the plain HTTP GET of a live route: hooks, a disconnected Mount, and a
// complete page with the view's token.
//
// A URL longer than maxURL is answered 414 URI Too Long, before any hook runs: its view
// token would be too long to connect with, and the page would be dead.
func (rt *Runtime) deadRender(r *route) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		uri := req.URL.RequestURI()
		if len(uri) > maxURL {
			http.Error(w, "URI Too Long: a live page's URL may have at most 8 KiB", http.StatusRequestURITooLong)
			return
		}
		csrfSecret := rt.ensureCSRF(w, req)
		s := &Socket{rt: rt, route: r, url: uri, params: paramsFor(r, req.URL), cookies: req.Header.Get("Cookie"),
			clientIP: rt.ClientIP(req), secure: rt.secure(req)}
		s.flash = rt.takeFlashCookie(w, req)
		ctx := req.Context()
		if err := rt.mount(ctx, s, r); err != nil {
			rt.httpError(w, req, s, err)
			return
		}
		if to := firstNonEmpty(s.redirect, s.navigate, s.patchURL); to != "" {
			rt.setFlashCookie(w, req, s.flash)
			http.Redirect(w, req, to, http.StatusSeeOther)
			return
		}
		var body bytes.Buffer
		if err := rt.renderRoot(&body, s); err != nil {
			rt.httpError(w, req, s, err)
			return
		}
		token := rt.signer.signView(viewToken{Session: r.session.name, Route: r.pattern, URL: s.url,
			Expires: rt.now().Add(rt.cfg.TokenMaxAge).UnixMilli(), Binding: rt.signer.binding(csrfSecret), Flash: tokenFlash(s.flash)})
		if len(token) > maxViewToken {
			// Only a URL of unusual characters gets here (JSON doubles '"' and '\').
			http.Error(w, "URI Too Long: this page's URL is too long for a live page", http.StatusRequestURITooLong)
			return
		}
		var root bytes.Buffer
		root.WriteString(`<div id="live-root" data-live-session="`)
		template.HTMLEscape(&root, []byte(r.session.name))
		root.WriteString(`" data-live-token="`)
		root.WriteString(token)
		if rt.cfg.SocketPath != "/live/socket" {
			root.WriteString(`" data-live-socket="`)
			template.HTMLEscape(&root, []byte(rt.cfg.SocketPath))
		}
		if every := rt.cfg.HeartbeatTimeout / 2; every != 30*time.Second {
			root.WriteString(`" data-live-heartbeat="`)
			root.WriteString(strconv.FormatInt(every.Milliseconds(), 10))
		}
		if rt.cookies.flash != flashCookie {
			root.WriteString(`" data-live-flash-cookie="`)
			template.HTMLEscape(&root, []byte(rt.cookies.flash))
		}
		root.WriteString(`">`)
		root.Write(body.Bytes())
		root.WriteString(`</div>`)
		head := `<meta name="live-csrf" content="` + maskCSRF(csrfSecret) + `">`
		if rt.cfg.Dev {
			// Before the client, which hands it the dev frames.
			head += `<script defer src="/live/` + client.DevFilename() + `"></script>`
		}
		head += `<script defer src="` + rt.ScriptPath() + `"></script>`
		page := &Page{Title: s.title, Head: template.HTML(head), Body: template.HTML(root.String()), Session: r.session.name, socket: s}
		layout := r.session.opts.Layout
		if layout == nil {
			layout = DefaultLayout
		}
		var doc bytes.Buffer
		if err := layout(&doc, page); err != nil {
			rt.httpError(w, req, s, fmt.Errorf("live: layout: %w", err))
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		_, _ = w.Write(doc.Bytes())
	}
}

// mount runs the hooks, then a new view's Mount and HandleParams. A Halt from any of them
// becomes s.redirect.
func (rt *Runtime) mount(ctx context.Context, s *Socket, r *route) error {
	s.route = r
	s.events = nil
	s.memos = nil
	s.mounts++
	run := func(h Hook) error { return h(ctx, s) }
	for _, hooks := range [][]Hook{r.session.opts.Hooks, r.hooks} {
		for _, h := range hooks {
			if err := run(h); err != nil {
				return halted(s, err)
			}
		}
	}
	s.view = r.newView()
	if err := s.view.Mount(ctx, s); err != nil {
		return halted(s, err)
	}
	if ph, ok := s.view.(ParamsHandler); ok {
		if err := ph.HandleParams(ctx, s); err != nil {
			return halted(s, err)
		}
	}
	return nil
}

// halted turns a HaltError into a redirect request and any other error into itself.
func halted(s *Socket, err error) error {
	var h *HaltError
	if errors.As(err, &h) {
		if !localPath(h.To) {
			return fmt.Errorf("live: halt to %q: not a local path", h.To)
		}
		s.redirect = h.To
		return nil
	}
	return err
}

// renderRoot writes the flash messages and the view's HTML: the content of #live-root.
func (rt *Runtime) renderRoot(w *bytes.Buffer, s *Socket) error {
	if len(s.flash) > 0 {
		w.WriteString(`<div id="live-flash">`)
		for _, f := range s.flash {
			w.WriteString(`<p class="flash flash-`)
			template.HTMLEscape(w, []byte(f.Kind))
			w.WriteString(`" role="alert" live-click="lv:clear-flash">`)
			template.HTMLEscape(w, []byte(f.Message))
			w.WriteString(`</p>`)
		}
		w.WriteString(`</div>`)
	}
	if err := s.view.Render(w); err != nil {
		return fmt.Errorf("live: render %s: %w", s.route.pattern, err)
	}
	return nil
}

func (rt *Runtime) httpError(w http.ResponseWriter, r *http.Request, s *Socket, err error) {
	status := http.StatusInternalServerError
	if errors.Is(err, ErrNotFound) {
		status = http.StatusNotFound
	} else {
		rt.log.Error("live: dead render failed", "path", r.URL.Path, "err", err)
	}
	rt.Error(w, r, status, err)
}

// Error answers r with status, through Config.ErrorPage when set, else in plain text: the
// status text, and err's text in dev mode. Middleware that refuses a request (accounts/web's,
// say) calls it so that the app's error page shows.
func (rt *Runtime) Error(w http.ResponseWriter, r *http.Request, status int, err error) {
	if rt.cfg.ErrorPage != nil {
		rt.cfg.ErrorPage(w, r, status, err)
		return
	}
	msg := http.StatusText(status)
	if rt.cfg.Dev && err != nil {
		msg += "\n\n" + err.Error()
	}
	http.Error(w, msg, status)
}

// Flash across full page loads travels in a short-lived signed cookie: set by an HTTP
// handler (PutFlash) or by the browser client on a redirect frame, read and cleared by
// the next dead render.

// PutFlash sets a flash message for the next page the browser loads, for plain HTTP
// handlers that redirect (a login form's POST, say).
func (rt *Runtime) PutFlash(w http.ResponseWriter, r *http.Request, kind, message string) {
	rt.setFlashCookie(w, r, []Flash{{Kind: kind, Message: message}})
}

func (rt *Runtime) encodeFlash(flash []Flash) string {
	if len(flash) == 0 {
		return ""
	}
	var b []byte
	b = append(b, '[')
	for i, f := range flash {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendString(b, f.Kind)
		b = append(b, ',')
		b = appendString(b, f.Message)
		b = append(b, ']')
	}
	b = append(b, ']')
	return sign(rt.signer.flashKey, b)
}

func (rt *Runtime) setFlashCookie(w http.ResponseWriter, r *http.Request, flash []Flash) {
	v := rt.encodeFlash(flash)
	if v == "" {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: rt.cookies.flash, Value: v, Path: "/", MaxAge: 60, HttpOnly: true,
		Secure: rt.secure(r), SameSite: http.SameSiteLaxMode})
}

func (rt *Runtime) takeFlashCookie(w http.ResponseWriter, r *http.Request) []Flash {
	c, err := r.Cookie(rt.cookies.flash)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: rt.cookies.flash, Path: "/", MaxAge: -1, HttpOnly: true, Secure: rt.secure(r), SameSite: http.SameSiteLaxMode})
	payload, ok := unsign(rt.signer.flashKey, c.Value, maxFlashCookie)
	if !ok {
		return nil
	}
	var pairs [][2]string
	if err := json.Unmarshal(payload, &pairs); err != nil {
		return nil
	}
	return flashFromPairs(pairs)
}

func flashPairs(flash []Flash) [][2]string {
	if len(flash) == 0 {
		return nil
	}
	pairs := make([][2]string, len(flash))
	for i, f := range flash {
		pairs[i] = [2]string{f.Kind, f.Message}
	}
	return pairs
}

// maxFlash is the most flash messages a flash cookie or a view token may carry.
const maxFlash = 8

func flashFromPairs(pairs [][2]string) []Flash {
	if len(pairs) == 0 || len(pairs) > maxFlash {
		return nil
	}
	flash := make([]Flash, len(pairs))
	for i, p := range pairs {
		flash[i] = Flash{Kind: p[0], Message: p[1]}
	}
	return flash
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// originAllowed checks the websocket's Origin against the allowlist, or against the
// request's own scheme and host when the allowlist is empty.
func (rt *Runtime) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return rt.cfg.Dev
	}
	if len(rt.cfg.AllowedOrigins) > 0 {
		for _, o := range rt.cfg.AllowedOrigins {
			if origin == o {
				return true
			}
		}
		return false
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	scheme := "http"
	if rt.secure(r) {
		scheme = "https"
	}
	return u.Scheme == scheme && u.Host == r.Host && u.Path == "" && u.User == nil
}
