package live

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// SessionOptions configure a live session.
type SessionOptions struct {
	// Hooks run, in order, before every mount of every view in the session: the dead
	// render, the connected mount and each live navigation.
	Hooks []Hook

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
	pattern  string
	segments []string
	session  *LiveSession
	newView  func() View
	hooks    []Hook
}

// Live registers a live route in the session. pattern uses net/http's wildcard syntax
// without a method: literal segments, "{name}" for one segment and a final "{name...}" for
// the rest; "/" matches only the root. hooks run after the session's hooks, for this route
// only. Live panics on a malformed or duplicate pattern, as http.ServeMux does.
func (ls *LiveSession) Live(pattern string, newView func() View, hooks ...Hook) {
	segs, err := parsePattern(pattern)
	if err != nil {
		panic(err)
	}
	if newView == nil {
		panic("live: nil view constructor for " + pattern)
	}
	for _, r := range ls.rt.routes {
		if r.pattern == pattern {
			panic("live: duplicate route " + pattern)
		}
	}
	r := &route{pattern: pattern, segments: segs, session: ls, newView: newView, hooks: hooks}
	ls.routes = append(ls.routes, r)
	ls.rt.routes = append(ls.rt.routes, r)
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

// match reports whether path matches the route, adding wildcard values to params.
func (r *route) match(path string, params Params) bool {
	if path == "" || path[0] != '/' {
		return false
	}
	if len(r.segments) == 0 {
		return path == "/"
	}
	if len(path) > 1 && path[len(path)-1] == '/' && !strings.HasSuffix(r.pattern, "...}") {
		return false
	}
	rest := path[1:]
	for i, seg := range r.segments {
		if seg[0] == '{' {
			name := seg[1 : len(seg)-1]
			if n, ok := strings.CutSuffix(name, "..."); ok {
				if params != nil {
					params[n] = []string{rest}
				}
				return true
			}
			val, tail, _ := strings.Cut(rest, "/")
			if val == "" {
				return false
			}
			if params != nil {
				params[name] = []string{val}
			}
			rest = tail
		} else {
			val, tail, _ := strings.Cut(rest, "/")
			if val != seg {
				return false
			}
			rest = tail
		}
		if i == len(r.segments)-1 {
			return rest == ""
		}
	}
	return false
}

// muxPattern is the pattern registered on an http.ServeMux for the route's dead render.
func (r *route) muxPattern() string {
	if r.pattern == "/" {
		return "GET /{$}"
	}
	return "GET " + r.pattern
}

// lookup finds the route for a path.
func (rt *Runtime) lookup(path string) *route {
	for _, r := range rt.routes {
		if r.match(path, nil) {
			return r
		}
	}
	return nil
}
