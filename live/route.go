package live

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SessionOptions configure a live session.
type SessionOptions struct {
	// Hooks run, in order, before every mount of every view in the session: the dead
	// render, the connected mount and each live navigation.
	Hooks []Hook

	// Requires are checked, in order, after Hooks, before every mount of every view in
	// the session; each error stops the mount as a hook's does. They are declared here,
	// rather than checked in a hook, so that RouteTable lists them. See Requirement.
	Requires []Requirement

	// Public marks every route of the session as reachable without logging in, on
	// purpose. It changes nothing at run time; RouteTable reports it, and an audit
	// reports the routes that neither require anything nor are marked public. A public
	// session cannot have Requires.
	Public bool

	// Layout renders the HTML document around a dead-rendered view. Nil uses a minimal
	// document. The layout is not re-rendered over the websocket.
	Layout Layout

	// Middleware wraps the plain HTTP requests of the session's routes (the dead render),
	// like a router pipeline. It does not run for websocket mounts: Hooks must make the
	// same checks.
	Middleware func(http.Handler) http.Handler

	// Revalidate, when set, runs for every connected socket of the session every
	// RevalidateEvery (default one minute). An error closes the socket with code 4001; the
	// client reconnects and the hooks decide what the remount does.
	Revalidate      Hook
	RevalidateEvery time.Duration
}

// LiveSession is a named group of live routes sharing hooks and a root layout. Live
// navigation stays inside one live session; navigating to a route of another session is
// a full page load, so that its HTTP middleware and layout apply.
type LiveSession struct {
	name   string
	opts   SessionOptions
	rt     *Runtime
	routes []*route
}

// Name returns the session's name.
func (ls *LiveSession) Name() string { return ls.name }

// route is one live route: a pattern such as "/items/{id}" and the view it mounts.
type route struct {
	pattern   string
	segments  []string
	wildcards []string // the names of the pattern's wildcards, as Params keys
	session   *LiveSession
	newView   func() View
	hooks     []Hook
	requires  []Requirement // the route's own; its session's run first
	public    bool          // marked public itself (see isPublic)
}

// Live registers a live route in the session. pattern uses net/http's wildcard syntax
// without a method: literal segments, "{name}" for one segment and a final "{name...}" for
// the rest; "/" matches only the root. hooks run after the session's hooks, for this route
// only. The returned Route declares what the route requires, or that it is public.
//
// Routes are chosen as http.ServeMux chooses them, by precedence and not by order of
// registration: the most specific pattern that matches wins, for the dead render and for
// live navigation alike. Live panics on a malformed pattern, or one that is a duplicate of
// or conflicts with another route of the runtime, as http.ServeMux does. It also panics
// when called after Runtime.Register: the routes are fixed once the runtime serves.
func (ls *LiveSession) Live(pattern string, newView func() View, hooks ...Hook) Route {
	rt := ls.rt
	if rt.registered {
		panic(fmt.Sprintf("live: Live(%q) called after Runtime.Register: add every route before registering the runtime on a mux", pattern))
	}
	segs, err := parsePattern(pattern)
	if err != nil {
		panic(err)
	}
	if newView == nil {
		panic("live: nil view constructor for " + pattern)
	}
	for _, r := range rt.routes {
		if r.pattern == pattern {
			panic("live: duplicate route " + pattern)
		}
	}
	r := &route{pattern: pattern, segments: segs, wildcards: wildcardNames(segs), session: ls, newView: newView, hooks: hooks}
	if err := rt.addRoute(r); err != nil {
		panic(err)
	}
	ls.routes = append(ls.routes, r)
	rt.routes = append(rt.routes, r)
	return Route{r}
}

func parsePattern(p string) ([]string, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("live: route pattern %q must start with /", p)
	}
	if p == "/" {
		return nil, nil
	}
	segs := strings.Split(strings.TrimSuffix(p[1:], "/"), "/")
	for i, s := range segs {
		if s == "" {
			return nil, fmt.Errorf("live: route pattern %q has an empty segment", p)
		}
		if strings.HasPrefix(s, "{") {
			name, rest := strings.CutSuffix(s[1:], "}")
			if !rest || name == "" || strings.ContainsAny(name, "{}/") {
				return nil, fmt.Errorf("live: route pattern %q: bad wildcard %q", p, s)
			}
			if strings.HasSuffix(name, "...") && i != len(segs)-1 {
				return nil, fmt.Errorf("live: route pattern %q: %q must be last", p, s)
			}
		} else if strings.ContainsAny(s, "{}") {
			return nil, fmt.Errorf("live: route pattern %q: bad segment %q", p, s)
		}
	}
	return segs, nil
}

// wildcardNames returns the names of the wildcards among segs: "{id}" gives "id",
// "{rest...}" gives "rest", and "{$}", which only anchors the end, gives nothing.
func wildcardNames(segs []string) []string {
	var names []string
	for _, s := range segs {
		if name, ok := strings.CutPrefix(s, "{"); ok {
			name = strings.TrimSuffix(strings.TrimSuffix(name, "}"), "...")
			if name != "$" {
				names = append(names, name)
			}
		}
	}
	return names
}

// muxPattern is the pattern registered on an http.ServeMux for the route's dead render.
func (r *route) muxPattern() string {
	if r.pattern == "/" {
		return "GET /{$}"
	}
	return "GET " + r.pattern
}

// Routes returns the pattern of every live route, as registered on the app's mux ("GET
// /projects/{id}", with the live session's name after it: "GET /projects/{id} (live,
// authenticated)"), in the order they were added: for a page that lists an app's routes
// in development.
func (rt *Runtime) Routes() []string {
	out := make([]string, len(rt.routes))
	for i, r := range rt.routes {
		out[i] = r.muxPattern() + " (live, " + r.session.name + ")"
	}
	return out
}

// Route resolution. The app's http.ServeMux picks the route of a dead render by its
// precedence rules. Live navigation, live patches and the connected mount must pick the
// same route for the same URL, or a page would show one view when loaded and another when
// reached by a link. Rather than reimplement those rules, the runtime asks a ServeMux too:
// a private one, holding the same patterns, whose handlers only say which route they are.
// Wildcard values come from the matched request's PathValue, so they are unescaped exactly
// as a dead render's are.

// addRoute adds r to the runtime's private mux. It returns the mux's complaint about a
// pattern it refuses (malformed, or conflicting with another route) as an error.
func (rt *Runtime) addRoute(r *route) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("live: route pattern %q: %v", r.pattern, v)
		}
	}()
	rt.router.Handle(r.muxPattern(), routeHandler{r})
	return nil
}

// routeHandler is a route's handler on the private mux. Served into a *resolution, it
// records its route and the matched request there; it does nothing else.
type routeHandler struct{ r *route }

func (h routeHandler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if res, ok := w.(*resolution); ok {
		res.route, res.req = h.r, req
	}
}

// resolution is what the private mux chose for a path. It is also the ResponseWriter the
// mux serves into, so it discards what the mux's own handlers (not found, redirects)
// write.
type resolution struct {
	route  *route
	req    *http.Request // the request the mux matched; PathValue gives the wildcards
	header http.Header
}

func (res *resolution) Header() http.Header {
	if res.header == nil {
		res.header = make(http.Header)
	}
	return res.header
}

func (res *resolution) Write(b []byte) (int, error) { return len(b), nil }

func (res *resolution) WriteHeader(int) {}

// resolve asks the private mux which route serves a GET of path, an escaped URL path as
// url.URL.EscapedPath returns it (ServeMux matches escaped segments: "a%2Fb" is one
// segment). A path the mux would redirect rather than serve, because it is not clean
// ("//", "." or ".." segments) or lacks the trailing slash of a pattern, resolves to no
// route, as does a path that is not validly escaped: the caller then does a page load,
// which takes the redirect or shows the error.
func (rt *Runtime) resolve(path string) resolution {
	var res resolution
	if path == "" || path[0] != '/' {
		return res
	}
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return res
	}
	req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: unescaped, RawPath: path}, Header: http.Header{}}
	rt.router.ServeHTTP(&res, req)
	return res
}

// lookup returns the route that serves path, an escaped URL path
// (url.URL.EscapedPath), chosen as http.ServeMux chooses: the most specific matching
// pattern wins. It returns nil when no route serves path, including when ServeMux would
// redirect it.
func (rt *Runtime) lookup(path string) *route { return rt.resolve(path).route }

// match reports whether r is the route that serves path, an escaped URL path
// (url.URL.EscapedPath): that r's pattern matches it and no more specific route of the
// runtime does. When it is and params is not nil, match adds the wildcard values to
// params, unescaped as ServeMux's PathValue gives them.
func (r *route) match(path string, params Params) bool {
	res := r.session.rt.resolve(path)
	if res.route != r {
		return false
	}
	if params != nil {
		for _, name := range r.wildcards {
			params[name] = []string{res.req.PathValue(name)}
		}
	}
	return true
}
