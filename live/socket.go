package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/liveapp/liveapp/live/internal/dom"
	"github.com/liveapp/liveapp/live/pubsub"
)

// Socket is one mounted view's connection to its browser tab: its parameters, the values
// hooks assigned, its registered events and what it wants sent. During the dead render it
// stands for the HTTP request and Connected reports false.
//
// A Socket is used by one goroutine at a time: the runtime calls a view's Mount, event and
// message handlers one after another, never concurrently.
type Socket struct {
	rt        *Runtime
	route     *route
	view      View
	connected bool
	id        string
	url       string
	params    Params
	cookies   string     // the Cookie header of the request that mounted the socket
	clientIP  netip.Addr // the address of the client that mounted it; see Config.ClientIP
	secure    bool       // it was mounted over HTTPS, or Config.SecureCookies is set
	assigns   map[string]any
	events    []eventReg // few per view: a slice is smaller and as fast as a map
	viewSubs  []func()
	title     string
	flash     []Flash
	html      string      // last HTML sent (connected sockets only); see conn.diff
	hot       *hotState   // what makes the next diff cheap, kept while busy; see conn.diff
	busy      bool        // an event or message was handled since the last heartbeat
	memos     []forgetter // the view's Memos, forgotten with hot when idle
	uploads   []*Upload   // what AllowUpload allowed; see upload.go
	parts     *components // mounted components, nil for a view without; see component.go
	mounts    uint64      // views mounted so far; messages for an earlier one are dropped
	conn      *conn
	mountCtx  context.Context // ends when the view unmounts; made by the first StartAsync
	endMount  context.CancelFunc

	// What a handler asked for; the runtime acts on it after the handler returns.
	pushes     []pushed
	replyValue json.RawMessage // Reply's value, for the reply to the event being handled
	redirect   string
	navigate   string
	patchURL   string
	titleDirty bool
	idChanged  bool
}

// hotState is what a busy socket keeps between events so that the next diff costs less:
// the parsed tree of its HTML, and the memory of the tree before it to parse the next
// render into. An idle socket drops it: it is 10 to 25 times the size of the HTML.
//
// The HTML itself alternates between two buffers the same way (htmls), so that an event
// does not copy its render into a new string: the socket's html and its tree point into
// htmls[arena], and the render before into the other, which the next diff overwrites.
// Nothing else may keep those strings: the diff cache takes html only from a socket
// without a hotState (coldDiff), and a hotState, once dropped, is never used again.
type hotState struct {
	tree   *dom.Node    // html parsed
	arenas [2]dom.Arena // tree's memory, and the one before's to reuse
	htmls  [2][]byte    // the memory of tree's source, and of the one before
	arena  int          // the index in arenas and htmls of tree's memory
	ops    []byte       // the last diff's encoded ops, the memory of the next
}

type eventReg struct {
	name     string
	fn       EventHandler
	bucket   *bucket
	requires []Requirement // checked before fn; see Requires
}

// event returns the registration of the event name, or nil.
func (s *Socket) event(name string) *eventReg { return findEvent(s.events, name) }

// findEvent returns the registration of the event name in events, or nil.
func findEvent(events []eventReg, name string) *eventReg {
	for i := range events {
		if events[i].name == name {
			return &events[i]
		}
	}
	return nil
}

type pushed struct {
	event   string
	payload json.RawMessage
}

// Flash is a one-time message shown to the user.
type Flash struct{ Kind, Message string }

// Connected reports whether the socket is the connected (websocket) mount rather than the
// dead render.
func (s *Socket) Connected() bool { return s.connected }

// URL returns the URL the view is showing, as a path with its query.
func (s *Socket) URL() string { return s.url }

// Params returns the route's wildcard values and the URL's query parameters. Wildcards
// win over query parameters of the same name.
func (s *Socket) Params() Params { return s.params }

// Param returns one route or query parameter, or "".
func (s *Socket) Param(name string) string { return s.params.Get(name) }

// ClientIP returns the address of the client that mounted the socket (for the websocket,
// the upgrade request's), as Config.ClientIP finds it. It is the zero Addr when unknown.
// Rate limits keyed by address use it.
func (s *Socket) ClientIP() netip.Addr { return s.clientIP }

// Secure reports whether the request that mounted the socket came over HTTPS, or the
// runtime's Config.SecureCookies says the app sits behind a TLS-terminating proxy: then
// only __Host- prefixed cookies should be trusted, since a sibling subdomain can set the
// others.
func (s *Socket) Secure() bool { return s.secure }

// CSRFToken returns a masked CSRF token for the browser that mounted the socket, for a
// form in the view that posts to an ordinary handler guarded by Runtime.ProtectForms (as
// the field "_csrf"). It is "" when the browser has no CSRF cookie. Each call masks the
// token anew, so call it once, in Mount, and keep the value: a new value in every render
// would cost a patch each time.
func (s *Socket) CSRFToken() string {
	names := defaultCookieNames
	if s.rt != nil {
		names = s.rt.cookies
	}
	if secret := csrfSecretIn(&http.Request{Header: http.Header{"Cookie": {s.cookies}}}, names.csrfName(s.secure)); secret != nil {
		return maskCSRF(secret)
	}
	return ""
}

// Cookie returns the value of the named cookie of the request that mounted the socket.
// Hooks use it to find the session; over the websocket the cookies are those of the
// upgrade request.
func (s *Socket) Cookie(name string) (string, bool) {
	h := http.Header{"Cookie": {s.cookies}}
	c, err := (&http.Request{Header: h}).Cookie(name)
	if err != nil {
		return "", false
	}
	return c.Value, true
}

// Assign stores a value on the socket for hooks and views to share. Assigns survive live
// navigation inside a live session.
func (s *Socket) Assign(key string, v any) {
	if s.assigns == nil {
		s.assigns = make(map[string]any, 2)
	}
	s.assigns[key] = v
}

// Get returns the value assigned to key, or nil.
func (s *Socket) Get(key string) any { return s.assigns[key] }

// AssignNew assigns the result of fn to key unless key already has a value, and returns
// the value. Hooks use it to fetch the current user once and reuse it across live
// navigations.
func (s *Socket) AssignNew(key string, fn func() (any, error)) (any, error) {
	if v, ok := s.assigns[key]; ok {
		return v, nil
	}
	v, err := fn()
	if err != nil {
		return nil, err
	}
	s.Assign(key, v)
	return v, nil
}

// SetID sets the socket's live_socket_id. Every socket with the same id closes when
// Runtime.Disconnect is called with it, on any node sharing the PubSub. Hooks usually
// derive it from the session token, so one logout closes every tab of that session.
func (s *Socket) SetID(id string) {
	if id != s.id {
		s.id, s.idChanged = id, true
	}
}

// ID returns the socket's live_socket_id, or "".
func (s *Socket) ID() string { return s.id }

// EventOption configures one registered event.
type EventOption func(*eventReg)

// RateLimit limits one event to perSecond on average with bursts of burst, on top of the
// connection's overall limit. Calls over the limit get an error reply and count as
// violations.
func RateLimit(perSecond float64, burst int) EventOption {
	return func(r *eventReg) { r.bucket = newBucket(perSecond, burst) }
}

// On registers the handler for the browser event name. Only registered events can be
// called; any other name gets an error reply. Names starting with "lv:" are reserved.
// Registering a name again replaces its handler.
func (s *Socket) On(name string, h EventHandler, opts ...EventOption) {
	s.events = register(s.events, name, h, opts)
}

// register adds the handler of event name to events, or replaces it: Socket.On and
// ComponentSocket.On.
func register(events []eventReg, name string, h EventHandler, opts []EventOption) []eventReg {
	if strings.HasPrefix(name, "lv:") || name == "" || h == nil {
		panic(fmt.Sprintf("live: cannot register event %q", name))
	}
	r := eventReg{name: name, fn: h}
	for _, o := range opts {
		o(&r)
	}
	if old := findEvent(events, name); old != nil {
		*old = r
		return events
	}
	return append(events, r)
}

// Subscribe delivers the PubSub messages of topic to h while the view is mounted. It does
// nothing during the dead render, which has no future. The subscription ends when the view
// unmounts.
func (s *Socket) Subscribe(topic string, h MessageHandler) error {
	if !s.connected || s.conn == nil {
		return nil
	}
	c, sub := s.conn, &subscription{handler: h, mount: s.mounts}
	cancel, err := s.rt.pubsub.Subscribe(topic, func(m pubsub.Message) {
		c.post(job{msg: sub, topic: m.Topic, data: m.Data, mount: sub.mount})
	})
	if err != nil {
		return fmt.Errorf("live: subscribe %q: %w", topic, err)
	}
	s.viewSubs = append(s.viewSubs, cancel)
	return nil
}

// subscription is one Subscribe of a mounted view.
type subscription struct {
	handler MessageHandler
	mount   uint64
}

// PushEvent sends payload, JSON-encoded, to the browser as the DOM event "live:"+event on
// the view's root element, and to the client hooks that handle event. Names starting with
// "lv:" are reserved. It is the only way to send data that is not rendered HTML, so
// send only what the page needs.
func (s *Socket) PushEvent(event string, payload any) error {
	if strings.HasPrefix(event, "lv:") {
		return fmt.Errorf("live: push %q: names starting with lv: are the runtime's", event)
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("live: push %q: %w", event, err)
	}
	if s.connected {
		s.pushes = append(s.pushes, pushed{event: event, payload: b})
	}
	return nil
}

// Reply sets the value that the reply to the event being handled carries, JSON-encoded:
// a client hook's pushEvent resolves its promise with it (see docs/live.md, "Client
// hooks"). A later call replaces an earlier one. Outside an event handler, or when the
// event did not come from a hook, the value is sent and ignored; for the dead render it
// does nothing.
func (s *Socket) Reply(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("live: reply: %w", err)
	}
	if s.connected {
		s.replyValue = b
	}
	return nil
}

// PutFlash shows a one-time message of kind (such as "info" or "error"). It survives a
// Redirect, Navigate or Patch and is cleared when the user dismisses it or the next
// navigation happens.
func (s *Socket) PutFlash(kind, message string) {
	s.flash = append(s.flash, Flash{Kind: kind, Message: message})
}

// ClearFlash removes all flash messages.
func (s *Socket) ClearFlash() { s.flash = nil }

// Flash returns the current flash messages.
func (s *Socket) Flash() []Flash { return s.flash }

// SetTitle sets the page title.
func (s *Socket) SetTitle(title string) {
	if title != s.title {
		s.title, s.titleDirty = title, true
	}
}

// Redirect sends the browser to url with a full page load once the current handler
// returns. url must be a local path ("/login"); anything else is refused with an error.
func (s *Socket) Redirect(url string) error {
	if !localPath(url) {
		return fmt.Errorf("live: redirect to %q: not a local path", url)
	}
	s.redirect = url
	return nil
}

// Navigate mounts the view at url in the same tab without a page load, when url belongs to
// the same live session; otherwise it becomes a full page load.
func (s *Socket) Navigate(url string) error {
	if !localPath(url) {
		return fmt.Errorf("live: navigate to %q: not a local path", url)
	}
	s.navigate = url
	return nil
}

// Patch changes the URL's parameters without remounting: the view's HandleParams runs with
// the new parameters and the browser's address bar follows. url must map to the same route.
func (s *Socket) Patch(url string) error {
	if !localPath(url) {
		return fmt.Errorf("live: patch to %q: not a local path", url)
	}
	s.patchURL = url
	return nil
}

// localPath reports whether u is a path on this site: it starts with one slash and has no
// scheme or host, so a redirect cannot be turned into an open redirect.
func localPath(u string) bool {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "/\\") {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "" && p.Host == "" && !strings.ContainsAny(u, "\r\n\x00")
}

// paramsFor builds the parameters of a URL for a route: query values, then wildcards.
func paramsFor(r *route, u *url.URL) Params {
	q := u.Query()
	p := make(Params, len(q)+len(r.segments))
	for k, v := range q {
		p[k] = v
	}
	r.match(u.EscapedPath(), p)
	return p
}

// dropPushes forgets the pushed events a frame has carried. It keeps the slice for the
// next ones unless a burst (a stream's first rows) grew it, and never the payloads.
func (s *Socket) dropPushes() {
	if cap(s.pushes) > 8 {
		s.pushes = nil
		return
	}
	clear(s.pushes)
	s.pushes = s.pushes[:0]
}

// resetActions forgets where a handler asked to go, before the next one runs. Pushed
// events stay until a frame carries them.
func (s *Socket) resetActions() {
	s.redirect, s.navigate, s.patchURL = "", "", ""
	s.replyValue = nil
}
