package live

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// routingRuntime returns a runtime with the routes patterns, registered in that order,
// each mounting a view that renders nothing.
func routingRuntime(t testing.TB, patterns ...string) *Runtime {
	t.Helper()
	rt, err := New(Config{Secret: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	s := rt.Session("s", SessionOptions{})
	for _, p := range patterns {
		s.Live(p, func() View { return nil })
	}
	return rt
}

func TestRouteResolutionFollowsServeMuxPrecedence(t *testing.T) {
	patterns := []string{"/", "/items/{id}", "/items/new", "/items/{id}/edit", "/files/{path...}", "/docs/", "/exact/{$}"}
	cases := []struct {
		name, path, route string // route "" means no route: a page load
		params            map[string]string
	}{
		{"the root is exact", "/", "/", nil},
		{"nothing else falls to the root", "/nope", "", nil},
		{"a literal segment beats a wildcard registered first", "/items/new", "/items/new", nil},
		{"a wildcard takes other values", "/items/42", "/items/{id}", map[string]string{"id": "42"}},
		{"a wildcard needs a non-empty segment", "/items/", "", nil},
		{"a deeper pattern", "/items/42/edit", "/items/{id}/edit", map[string]string{"id": "42"}},
		{"an escaped slash stays inside its segment", "/items/a%2Fb", "/items/{id}", map[string]string{"id": "a/b"}},
		{"an escaped literal matches the literal", "/items/%6Eew", "/items/new", nil},
		{"wildcard values are unescaped", "/items/a%20b%25", "/items/{id}", map[string]string{"id": "a b%"}},
		{"escaped dots are a value, not a step up", "/items/%2E%2E", "/items/{id}", map[string]string{"id": ".."}},
		{"a rest wildcard takes the rest", "/files/a/b%2Fc", "/files/{path...}", map[string]string{"path": "a/b/c"}},
		{"a rest wildcard may be empty", "/files/", "/files/{path...}", map[string]string{"path": ""}},
		{"a trailing-slash pattern covers its subtree", "/docs/x/y", "/docs/", nil},
		{"a trailing-slash pattern's root", "/docs/", "/docs/", nil},
		{"{$} anchors the end", "/exact/", "/exact/{$}", nil},
		{"{$} matches nothing deeper", "/exact/x", "", nil},
		{"ServeMux redirects a missing trailing slash", "/docs", "", nil},
		{"ServeMux redirects to the rest wildcard's slash", "/files", "", nil},
		{"ServeMux redirects a double slash", "/items//42", "", nil},
		{"ServeMux redirects a dot segment", "/items/./new", "", nil},
		{"ServeMux redirects a dot-dot segment", "/items/../items/new", "", nil},
		{"a path that is not validly escaped", "/items/%zz", "", nil},
		{"not a path", "items/new", "", nil},
	}
	reversed := append([]string(nil), patterns...)
	slices.Reverse(reversed)
	for order, patterns := range map[string][]string{"in order": patterns, "reversed": reversed} {
		rt := routingRuntime(t, patterns...)
		for _, tc := range cases {
			t.Run(order+"/"+tc.name, func(t *testing.T) {
				r := rt.lookup(tc.path)
				if got := patternOf(r); got != tc.route {
					t.Fatalf("lookup(%q) = %q, want %q", tc.path, got, tc.route)
				}
				for _, other := range rt.routes {
					p := Params{}
					if got, want := other.match(tc.path, p), other == r; got != want {
						t.Fatalf("route %s matches %q = %v, want %v", other.pattern, tc.path, got, want)
					}
					if other != r {
						continue
					}
					if len(p) != len(tc.params) {
						t.Fatalf("params %v, want %v", p, tc.params)
					}
					for k, v := range tc.params {
						if p.Get(k) != v {
							t.Fatalf("%s = %q, want %q", k, p.Get(k), v)
						}
					}
				}
			})
		}
	}
}

func patternOf(r *route) string {
	if r == nil {
		return ""
	}
	return r.pattern
}

func TestLiveRefusesBadRoutes(t *testing.T) {
	panics := func(t *testing.T, want string, f func()) {
		t.Helper()
		defer func() {
			v := recover()
			if v == nil || !strings.Contains(fmt.Sprint(v), want) {
				t.Fatalf("panic %v, want one containing %q", v, want)
			}
		}()
		f()
	}
	for _, bad := range []string{"items", "/a//b", "/{}", "/{a...}/b", "/a{b}"} {
		t.Run("malformed "+bad, func(t *testing.T) {
			panics(t, bad, func() { routingRuntime(t, bad) })
		})
	}
	t.Run("a wildcard name ServeMux refuses", func(t *testing.T) {
		panics(t, "/a/{b-c}", func() { routingRuntime(t, "/a/{b-c}") })
	})
	t.Run("a duplicate", func(t *testing.T) {
		panics(t, "live: duplicate route /items/{id}", func() { routingRuntime(t, "/items/{id}", "/items/{id}") })
	})
	t.Run("a pattern that conflicts with another", func(t *testing.T) {
		panics(t, "conflicts", func() { routingRuntime(t, "/items/{id}", "/items/{name}") })
	})
	t.Run("a route added after Register", func(t *testing.T) {
		rt := routingRuntime(t, "/a")
		rt.Register(http.NewServeMux())
		panics(t, `live: Live("/b") called after Runtime.Register`, func() {
			rt.sessions[0].Live("/b", func() View { return nil })
		})
		if rt.lookup("/b") != nil {
			t.Fatal("the refused route resolves")
		}
	})
}

// FuzzRouteLookup: live navigation resolves a URL to the route whose handler the app's
// ServeMux runs for a page load of the same URL, with the same wildcard values. The page
// load's request is parsed by net/http as a server reads it; the navigation's URL as the
// socket reads a nav frame's.
func FuzzRouteLookup(f *testing.F) {
	for _, s := range []string{"/", "/items/new", "/items/42/edit", "/items/a%2Fb", "/items/%6Eew?x=1",
		"/files/a/b%2Fc", "/files", "/docs", "/items//42", "/items/../new", "/items/%2E%2E", "/exact/"} {
		f.Add(s)
	}
	patterns := []string{"/", "/items/{id}", "/items/new", "/items/{id}/edit", "/files/{path...}", "/docs/", "/exact/{$}"}
	rt := routingRuntime(f, patterns...)
	oracle := http.NewServeMux()
	for _, r := range rt.routes {
		oracle.Handle(r.muxPattern(), http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("Route", r.pattern)
			for _, name := range r.wildcards {
				w.Header().Set("Param-"+name, req.PathValue(name))
			}
		}))
	}
	f.Fuzz(func(t *testing.T, target string) {
		if !localPath(target) || strings.ContainsAny(target, " #") {
			return // a nav frame carries a local path; a request line has no space or fragment
		}
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")))
		if err != nil {
			return // the server would answer 400
		}
		w := httptest.NewRecorder()
		oracle.ServeHTTP(w, req)
		u, err := url.Parse(target)
		if err != nil {
			t.Fatalf("the server parsed %q, url.Parse did not: %v", target, err)
		}
		r := rt.lookup(u.EscapedPath())
		if got, want := patternOf(r), w.Header().Get("Route"); got != want {
			t.Fatalf("%q: live navigation resolves %q, a page load %q", target, got, want)
		}
		if r == nil {
			return
		}
		p := Params{}
		if !r.match(u.EscapedPath(), p) {
			t.Fatalf("%q: lookup chose %s, which does not match", target, r.pattern)
		}
		for _, name := range r.wildcards {
			if got, want := p.Get(name), w.Header().Get("Param-"+name); got != want {
				t.Fatalf("%q: %s = %q, a page load has %q", target, name, got, want)
			}
		}
	})
}
