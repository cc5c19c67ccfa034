package live_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// TestCSRFCookieOfTheRightKindOnly: over HTTPS (or behind a TLS proxy with SecureCookies)
// only the __Host- cookie carries the browser's CSRF secret, since a sibling subdomain can
// plant an unprefixed one; over plain HTTP only the unprefixed one does.
func TestCSRFCookieOfTheRightKindOnly(t *testing.T) {
	cases := []struct {
		name                       string
		tls, secureCookies         bool
		trustProto                 bool   // Config.TrustForwardedProto
		proto                      string // X-Forwarded-Proto, if any
		trusted, untrusted, scheme string
	}{
		{"over TLS", true, false, false, "", "__Host-live_csrf", "_live_csrf", "https"},
		{"behind a TLS proxy", false, true, false, "", "__Host-live_csrf", "_live_csrf", "https"},
		{"over plain HTTP", false, false, false, "", "_live_csrf", "__Host-live_csrf", "http"},
		{"behind a trusted proxy that says https", false, false, true, "https", "__Host-live_csrf", "_live_csrf", "https"},
		{"behind a trusted proxy, its value last", false, false, true, "https, http", "_live_csrf", "__Host-live_csrf", "http"},
		{"with X-Forwarded-Proto not trusted", false, false, false, "https", "_live_csrf", "__Host-live_csrf", "http"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rt, err := live.New(live.Config{Secret: testSecret, SecureCookies: tc.secureCookies,
				TrustForwardedProto: tc.trustProto, Logger: discardLogger()})
			if err != nil {
				t.Fatal(err)
			}
			rt.Session("s", live.SessionOptions{}).Live("/form", func() live.View { return new(formView) })
			mux := http.NewServeMux()
			rt.Register(mux)
			srv := httptest.NewUnstartedServer(mux)
			if tc.tls {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			t.Cleanup(srv.Close)
			b := browser{t: t, srv: srv, origin: tc.scheme + "://" + srv.Listener.Addr().String(), proto: tc.proto}

			secret := make([]byte, 32)
			_, _ = rand.Read(secret)
			value := base64.RawURLEncoding.EncodeToString(secret)

			good := b.load(tc.trusted + "=" + value)
			if c := good.setCookie; c != nil {
				t.Fatalf("a fresh CSRF cookie %s replaced the trusted one", c.Name)
			}
			if status := b.dial(good, tc.trusted+"="+value); status != http.StatusSwitchingProtocols {
				t.Fatalf("the %s cookie: upgrade status %d", tc.trusted, status)
			}

			planted := b.load(tc.untrusted + "=" + value)
			c := planted.setCookie
			if c == nil || c.Name != tc.trusted || c.Value == value || c.Secure != (tc.scheme == "https") {
				t.Fatalf("with only the %s cookie, the dead render set %v, want a fresh %s", tc.untrusted, c, tc.trusted)
			}
			if status := b.dial(good, tc.untrusted+"="+value); status != http.StatusForbidden {
				t.Fatalf("the %s cookie: upgrade status %d, want 403", tc.untrusted, status)
			}
			// The page rendered with the planted cookie belongs to the fresh secret.
			if status := b.dial(planted, c.Name+"="+c.Value); status != http.StatusSwitchingProtocols {
				t.Fatalf("the fresh cookie: upgrade status %d", status)
			}
		})
	}
}

// browser loads live pages and opens their sockets with exactly the cookies it is given.
type browser struct {
	t      *testing.T
	srv    *httptest.Server
	origin string
	proto  string // X-Forwarded-Proto, when not ""
}

type loaded struct {
	token, csrf string
	setCookie   *http.Cookie // the CSRF cookie the dead render set, if any
}

func (b browser) load(cookie string) loaded {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/form", nil)
	req.Header.Set("Cookie", cookie)
	if b.proto != "" {
		req.Header.Set("X-Forwarded-Proto", b.proto)
	}
	resp, err := b.srv.Client().Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tok, csrf := reToken.FindSubmatch(body), reCSRF.FindSubmatch(body)
	if tok == nil || csrf == nil {
		b.t.Fatalf("not a live page: %d %s", resp.StatusCode, body)
	}
	l := loaded{token: string(tok[1]), csrf: string(csrf[1])}
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, "live_csrf") {
			l.setCookie = c
		}
	}
	return l
}

// dial opens the socket of page p sending cookie, and returns the HTTP status.
func (b browser) dial(p loaded, cookie string) int {
	b.t.Helper()
	q := url.Values{"v": {"1"}, "csrf": {p.csrf}, "token": {p.token}, "url": {b.srv.URL + "/form"}}
	d := websocket.Dialer{HandshakeTimeout: livetest.Timeout}
	if tr, ok := b.srv.Client().Transport.(*http.Transport); ok {
		d.TLSClientConfig = tr.TLSClientConfig
	}
	h := http.Header{"Origin": {b.origin}, "Cookie": {cookie}}
	if b.proto != "" {
		h.Set("X-Forwarded-Proto", b.proto)
	}
	ws, resp, err := d.Dial("ws"+strings.TrimPrefix(b.srv.URL, "http")+"/live/socket?"+q.Encode(), h)
	if err != nil {
		if resp == nil {
			b.t.Fatalf("dial: %v", err)
		}
		return resp.StatusCode
	}
	defer ws.Close()
	if m, code := next(b.t, ws); m["t"] != "render" {
		b.t.Fatalf("first frame %v (close %d), want render", m, code)
	}
	return http.StatusSwitchingProtocols
}

// searchView renders what it was mounted with: the length of its URL and of its q
// parameter.
type searchView struct{ url, q int }

func (v *searchView) Mount(context.Context, *live.Socket) error { return nil }

func (v *searchView) HandleParams(_ context.Context, s *live.Socket) error {
	v.url, v.q = len(s.URL()), len(s.Param("q"))
	return nil
}

func (v *searchView) Render(w io.Writer) error {
	_, err := fmt.Fprintf(w, `<p id="search">url %d q %d</p>`, v.url, v.q)
	return err
}

func TestLongURLsConnect(t *testing.T) {
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("s", live.SessionOptions{}).Live("/search", func() live.View { return new(searchView) })
	mux := http.NewServeMux()
	rt.Register(mux)
	mux.HandleFunc("GET /flash", func(w http.ResponseWriter, r *http.Request) {
		rt.PutFlash(w, r, "info", strings.Repeat("f", 2000))
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusSeeOther)
	})
	const maxURL = 8 << 10
	long := func(unit string) string {
		u := "/search?q=" + strings.Repeat(unit, maxURL)
		return u[:maxURL]
	}
	for name, u := range map[string]string{
		"a URL of 8 KiB": long("x"),
		"a URL of 8 KiB of characters JSON and HTML escape": long(`<&>"\`),
	} {
		want := fmt.Sprintf(`<p id="search">url %d q `, maxURL)
		t.Run(name+" renders and connects", func(t *testing.T) {
			lv := livetest.Mount(t, mux, u)
			contains(t, lv.DeadHTML(), want)
			contains(t, lv.HTML(), want)
		})
		t.Run(name+" connects after a redirect with a flash", func(t *testing.T) {
			c := livetest.NewClient(t, mux)
			if status, loc, _ := c.Get("/flash?to=" + url.QueryEscape(u)); status != http.StatusSeeOther || loc != u {
				t.Fatalf("status %d location %.40q", status, loc)
			}
			lv := c.Mount(u)
			contains(t, lv.HTML(), want)
			contains(t, lv.HTML(), strings.Repeat("f", 2000))
		})
		t.Run(name+" is reached by live navigation", func(t *testing.T) {
			lv := livetest.Mount(t, mux, "/search?q=short")
			if err := lv.Navigate(u); err != nil {
				t.Fatal(err)
			}
			contains(t, lv.HTML(), want)
			if lv.URL() != u {
				t.Fatalf("url %.40q...", lv.URL())
			}
		})
	}
	t.Run("the q parameter arrives whole", func(t *testing.T) {
		lv := livetest.Mount(t, mux, long("x"))
		contains(t, lv.HTML(), fmt.Sprintf(`q %d</p>`, maxURL-len("/search?q=")))
	})
	t.Run("a longer URL is refused with 414 before the view mounts", func(t *testing.T) {
		c := livetest.NewClient(t, mux)
		if status, _, _ := c.Get(long("x") + "x"); status != http.StatusRequestURITooLong {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("a live navigation to a longer URL is refused", func(t *testing.T) {
		lv := livetest.Mount(t, mux, "/search?q=short")
		err := lv.Navigate(long("x") + "x")
		if err == nil || !strings.Contains(err.Error(), "8 KiB") {
			t.Fatalf("err %v", err)
		}
	})
}
