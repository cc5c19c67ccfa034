package audit

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live/example"
)

// startExample serves the runtime's example app in production mode on
// 127.0.0.1, with wrap around its handler.
func startExample(t *testing.T, cfg example.Config, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	cfg.Secret = []byte(strings.Repeat("s", 48))
	cfg.UploadDir = t.TempDir()
	app, err := example.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = app
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h) // 127.0.0.1
	t.Cleanup(srv.Close)
	return srv
}

func probeCases(p *Probe) map[string]ProbeCase {
	out := map[string]ProbeCase{}
	for _, c := range p.Websocket {
		out[c.Case] = c
	}
	return out
}

func checks(r *Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Check)
	}
	return out
}

func TestProbe(t *testing.T) {
	t.Run("a production runtime refuses a foreign Origin, a missing CSRF token and an oversize frame", func(t *testing.T) {
		srv := startExample(t, example.Config{}, nil)
		r := &Report{}
		if err := RunProbe(t.Context(), r, srv.URL+"/", 30*time.Second); err != nil {
			t.Fatal(err)
		}
		cases := probeCases(r.Probe)
		if len(cases) != 4 {
			t.Fatalf("websocket cases: %+v", r.Probe.Websocket)
		}
		for name, c := range cases {
			if !c.OK {
				t.Errorf("%s: %s, want %s", name, c.Outcome, c.Want)
			}
		}
		if c := cases["foreign Origin "+foreignOrigin]; c.Outcome != "refused with 403" {
			t.Errorf("foreign origin: %s", c.Outcome)
		}
		if c := cases["no CSRF token"]; c.Outcome != "refused with 403" {
			t.Errorf("no CSRF: %s", c.Outcome)
		}
		if c := cases["a 1048576-byte frame"]; c.Outcome != "closed with 1009" {
			t.Errorf("oversize frame: %s", c.Outcome)
		}
		if slices.Contains(checks(r), CheckProbeWebsocket) || slices.Contains(checks(r), CheckProbeCookies) {
			t.Errorf("findings: %+v", r.Findings)
		}
		// The example sets no security headers of its own: the probe says so.
		if !slices.Contains(checks(r), CheckProbeHeaders) {
			t.Errorf("no header finding for a page without a CSP: %+v", r.Findings)
		}
	})

	t.Run("an app that lets a foreign origin in, and sets a cookie scripts can read, gets findings", func(t *testing.T) {
		srv := startExample(t, example.Config{Origins: []string{foreignOrigin}}, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.SetCookie(w, &http.Cookie{Name: "session", Value: "x", Path: "/"})
				next.ServeHTTP(w, r)
			})
		})
		r := &Report{}
		if err := RunProbe(t.Context(), r, srv.URL+"/", 30*time.Second); err != nil {
			t.Fatal(err)
		}
		if c := probeCases(r.Probe)["foreign Origin "+foreignOrigin]; c.OK || c.Outcome != "accepted" {
			t.Errorf("foreign origin: %+v", c)
		}
		var msgs []string
		for _, f := range r.Findings {
			msgs = append(msgs, f.Check+": "+f.Message)
		}
		all := strings.Join(msgs, "\n")
		for _, want := range []string{"live-websocket: websocket, foreign Origin https://audit.invalid: want refused, got accepted", "live-cookies: the cookie session lacks HttpOnly, SameSite=Lax or Strict"} {
			if !strings.Contains(all, want) {
				t.Errorf("findings lack %q:\n%s", want, all)
			}
		}
	})

	t.Run("the probe sends nothing to another origin, even when redirected there", func(t *testing.T) {
		var elsewhere atomic.Int64
		other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
		defer other.Close()
		srv := httptest.NewServer(http.RedirectHandler(other.URL+"/", http.StatusFound))
		defer srv.Close()
		r := &Report{}
		err := RunProbe(t.Context(), r, srv.URL+"/", 30*time.Second)
		if err == nil || !strings.Contains(err.Error(), "302") {
			t.Errorf("got %v, want an error naming the redirect's status", err)
		}
		if n := elsewhere.Load(); n != 0 {
			t.Errorf("the other origin got %d requests", n)
		}
	})

	t.Run("a URL that is not http or https is bad input", func(t *testing.T) {
		for _, u := range []string{"", "localhost:4000", "ftp://x/", "http://"} {
			err := RunProbe(t.Context(), &Report{}, u, time.Second)
			var bad *BadInputError
			if !asBadInput(err, &bad) {
				t.Errorf("%q: got %v, want a BadInputError", u, err)
			}
		}
	})
}
