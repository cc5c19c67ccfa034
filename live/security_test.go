package live_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/internal/fakeclock"
	"github.com/liveapp/liveapp/live"
)

// page is what a browser holds after a dead render.
type page struct {
	srv         *httptest.Server
	jar         http.CookieJar
	csrf, token string
}

var (
	reToken = regexp.MustCompile(`data-live-token="([^"]+)"`)
	reCSRF  = regexp.MustCompile(`name="live-csrf" content="([^"]+)"`)
)

func loadPage(t testing.TB, srv *httptest.Server, path string) page {
	t.Helper()
	return loadPageWith(t, srv, path)
}

// loadPageWith is loadPage for a browser that holds cookies already.
func loadPageWith(t testing.TB, srv *httptest.Server, path string, cookies ...*http.Cookie) page {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	if u, err := url.Parse(srv.URL); err == nil && len(cookies) > 0 {
		jar.SetCookies(u, cookies)
	}
	c := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	resp, err := c.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tok, csrf := reToken.FindSubmatch(body), reCSRF.FindSubmatch(body)
	if tok == nil || csrf == nil {
		t.Fatalf("not a live page: %s", body)
	}
	return page{srv: srv, jar: jar, csrf: string(csrf[1]), token: string(tok[1])}
}

type dialOpts struct {
	origin      *string // nil: the server's own origin
	csrf, token *string
	url         *string // the tab's URL path; nil: /counter
	jar         http.CookieJar
}

func ptr(s string) *string { return &s }

// dial opens the websocket as a browser would, with the overrides in o.
func (p page) dial(t testing.TB, o dialOpts) (*websocket.Conn, int) {
	t.Helper()
	q := url.Values{"v": {"1"}, "csrf": {p.csrf}, "token": {p.token}, "url": {p.srv.URL + "/counter"}}
	if o.csrf != nil {
		q.Set("csrf", *o.csrf)
	}
	if o.token != nil {
		q.Set("token", *o.token)
	}
	if o.url != nil {
		q.Set("url", p.srv.URL+*o.url)
	}
	h := http.Header{}
	origin := p.srv.URL
	if o.origin != nil {
		origin = *o.origin
	}
	if origin != "" {
		h.Set("Origin", origin)
	}
	jar := p.jar
	if o.jar != nil {
		jar = o.jar
	}
	d := websocket.Dialer{Jar: jar, HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial("ws"+strings.TrimPrefix(p.srv.URL, "http")+"/live/socket?"+q.Encode(), h)
	if err != nil {
		if resp == nil {
			t.Fatalf("dial: %v", err)
		}
		return nil, resp.StatusCode
	}
	t.Cleanup(func() { ws.Close() })
	return ws, http.StatusSwitchingProtocols
}

// next reads one frame as a generic object, or returns the close code.
func next(t testing.TB, ws *websocket.Conn) (map[string]any, int) {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := ws.ReadMessage()
	if err != nil {
		if ce, ok := err.(*websocket.CloseError); ok {
			return nil, ce.Code
		}
		t.Fatalf("read: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("server sent invalid JSON %q", data)
	}
	return m, 0
}

func joined(t testing.TB, ws *websocket.Conn) {
	t.Helper()
	if m, code := next(t, ws); m["t"] != "render" {
		t.Fatalf("first frame %v (close %d), want render", m, code)
	}
}

// alive checks that a socket still answers events: the server kept serving it.
func alive(t *testing.T, ws *websocket.Conn) {
	t.Helper()
	send(t, ws, `{"t":"e","ref":999,"n":"inc","k":"click","p":{}}`)
	for {
		m, code := next(t, ws)
		if code != 0 {
			t.Fatalf("socket closed with %d", code)
		}
		if m["t"] == "r" && m["ref"] == float64(999) {
			if m["err"] != nil {
				t.Fatalf("inc failed: %v", m["err"])
			}
			return
		}
	}
}

func send(t *testing.T, ws *websocket.Conn, frame string) {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func TestUpgradeRefusals(t *testing.T) {
	clock := fakeclock.New()
	app := newTestApp(t, func(c *live.Config) { c.TokenMaxAge = time.Hour; c.Now = clock.Now })
	srv := httptest.NewServer(app.h)
	defer srv.Close()
	p := loadPage(t, srv, "/counter")

	other, _ := live.New(live.Config{Secret: []byte(strings.Repeat("x", 48))})
	_ = other
	foreign := loadPage(t, httptest.NewServer(newTestApp(t, func(c *live.Config) {
		c.Secret = []byte(strings.Repeat("another-secret-", 4))
	}).h), "/counter")
	otherBrowser := loadPage(t, srv, "/counter")

	tampered := []byte(p.token)
	tampered[3] ^= 1

	cases := []struct {
		name string
		o    dialOpts
		want int
	}{
		{"a good upgrade is accepted", dialOpts{}, 101},
		{"a foreign Origin is refused", dialOpts{origin: ptr("https://evil.example")}, 403},
		{"a missing Origin is refused in production", dialOpts{origin: ptr("")}, 403},
		{"a missing CSRF token is refused", dialOpts{csrf: ptr("")}, 403},
		{"a wrong CSRF token is refused", dialOpts{csrf: ptr(otherBrowser.csrf)}, 403},
		{"a tampered token is refused", dialOpts{token: ptr(string(tampered))}, 403},
		{"a token signed with another secret is refused", dialOpts{token: ptr(foreign.token)}, 403},
		{"a token from another browser is refused", dialOpts{token: ptr(otherBrowser.token)}, 403},
		{"a garbage token is refused", dialOpts{token: ptr("not.a.token")}, 403},
		{"no cookies at all is refused", dialOpts{jar: emptyJar()}, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, status := p.dial(t, tc.o)
			if status != tc.want {
				t.Fatalf("status %d, want %d", status, tc.want)
			}
		})
	}
	t.Run("an expired token is refused with 410", func(t *testing.T) {
		clock.Advance(time.Hour + time.Second)
		if _, status := p.dial(t, dialOpts{}); status != http.StatusGone {
			t.Fatalf("status %d, want 410", status)
		}
	})
	t.Run("a missing Origin is accepted in dev mode", func(t *testing.T) {
		dev := newTestApp(t, func(c *live.Config) { c.Dev = true })
		s := httptest.NewServer(dev.h)
		defer s.Close()
		if _, status := loadPage(t, s, "/counter").dial(t, dialOpts{origin: ptr("")}); status != 101 {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("the allowlist is exact", func(t *testing.T) {
		al := newTestApp(t, func(c *live.Config) { c.AllowedOrigins = []string{"https://app.example"} })
		s := httptest.NewServer(al.h)
		defer s.Close()
		pg := loadPage(t, s, "/counter")
		if _, status := pg.dial(t, dialOpts{origin: ptr("https://app.example")}); status != 101 {
			t.Fatalf("allowed origin: status %d", status)
		}
		for _, o := range []string{"https://app.example.evil", "http://app.example", s.URL} {
			if _, status := pg.dial(t, dialOpts{origin: ptr(o)}); status != 403 {
				t.Fatalf("origin %s: status %d", o, status)
			}
		}
	})
}

func emptyJar() http.CookieJar { j, _ := cookiejar.New(nil); return j }

func TestHostileFrames(t *testing.T) {
	app := newTestApp(t, nil)
	srv := httptest.NewServer(app.h)
	defer srv.Close()
	bystander, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
	joined(t, bystander)

	leak := func(t *testing.T, m map[string]any) {
		t.Helper()
		b, _ := json.Marshal(m)
		if strings.Contains(string(b), "secret-detail") || strings.Contains(string(b), "goroutine") {
			t.Fatalf("internal detail leaked to the client: %s", b)
		}
	}
	errorCases := []struct{ name, frame, want string }{
		{"an unregistered event gets a generic error", `{"t":"e","ref":1,"n":"deleteAll","k":"click","p":{}}`, "unknown event"},
		{"a reserved name that is not built in is unknown", `{"t":"e","ref":2,"n":"lv:secret","k":"click"}`, "unknown event"},
		{"malformed JSON", `{"t":"e",`, "malformed JSON"},
		{"a JSON array", `[1,2,3]`, "malformed JSON"},
		{"an unknown frame kind", `{"t":"exec","ref":3}`, "unknown frame kind"},
		{"a wrong ref type", `{"t":"e","ref":"1","n":"inc","k":"click"}`, "ref must be a positive integer"},
		{"a wrong param type", `{"t":"e","ref":4,"n":"inc","k":"click","p":{"a":{"b":1}}}`, "must be a string or an array of strings"},
		{"an unknown event kind", `{"t":"e","ref":5,"n":"inc","k":"hover"}`, "unknown event kind"},
		{"a handler error is generic in production", `{"t":"e","ref":6,"n":"fail","k":"click"}`, "event failed"},
		{"an off-site navigation", `{"t":"nav","ref":7,"url":"//evil.example/x"}`, "url must be a local path"},
	}
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
			joined(t, ws)
			send(t, ws, tc.frame)
			m, code := next(t, ws)
			if code != 0 {
				t.Fatalf("socket closed with %d", code)
			}
			msg, _ := m["err"].(string)
			if msg == "" {
				msg, _ = m["msg"].(string)
			}
			if !strings.Contains(msg, tc.want) {
				t.Fatalf("reply %v, want %q", m, tc.want)
			}
			leak(t, m)
			alive(t, ws)
			alive(t, bystander)
		})
	}
	t.Run("a malformed binary frame gets an error", func(t *testing.T) {
		ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
		joined(t, ws)
		_ = ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3})
		if m, _ := next(t, ws); m["t"] != "error" {
			t.Fatalf("got %v", m)
		}
		alive(t, ws)
	})
	t.Run("an oversize frame closes that socket only", func(t *testing.T) {
		ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
		joined(t, ws)
		big := `{"t":"e","ref":1,"n":"inc","k":"click","p":{"x":"` + strings.Repeat("a", 70<<10) + `"}}`
		_ = ws.WriteMessage(websocket.TextMessage, []byte(big))
		if _, code := next(t, ws); code != websocket.CloseMessageTooBig {
			t.Fatalf("close code %d, want 1009", code)
		}
		alive(t, bystander)
	})
	t.Run("a panicking handler remounts that socket only", func(t *testing.T) {
		ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
		joined(t, ws)
		send(t, ws, `{"t":"e","ref":1,"n":"inc","k":"click"}`)
		next(t, ws)
		send(t, ws, `{"t":"e","ref":2,"n":"boom","k":"click"}`)
		m, _ := next(t, ws)
		if m["t"] != "error" {
			t.Fatalf("got %v, want an error frame", m)
		}
		leak(t, m)
		m, _ = next(t, ws)
		if m["t"] != "render" || !strings.Contains(m["html"].(string), `<p id="count">0</p>`) {
			t.Fatalf("got %v, want a fresh render", m)
		}
		alive(t, ws)
		alive(t, bystander)
		if status, _, _ := getStatus(srv.URL + "/counter"); status != 200 {
			t.Fatalf("server stopped serving: %d", status)
		}
	})
	t.Run("a rate-limit breach is refused, then closes with 4008", func(t *testing.T) {
		strict := httptest.NewServer(newTestApp(t, func(c *live.Config) { c.EventBurst = 10; c.EventRate = 1; c.MaxViolations = 3 }).h)
		defer strict.Close()
		ws, _ := loadPage(t, strict, "/counter").dial(t, dialOpts{})
		joined(t, ws)
		refused, code := 0, 0
		for i := 1; i <= 40; i++ {
			if ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"e","ref":`+itoa(i)+`,"n":"inc","k":"click"}`)) != nil {
				break // the server has closed the socket
			}
		}
		for code == 0 {
			var m map[string]any
			m, code = next(t, ws)
			if e, _ := m["err"].(string); strings.Contains(e, "too many events") {
				refused++
			}
		}
		if refused == 0 || code != live.CloseRateLimit {
			t.Fatalf("refused %d, close %d", refused, code)
		}
		alive(t, bystander)
	})
	t.Run("a per-event limit refuses the second call", func(t *testing.T) {
		ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
		joined(t, ws)
		send(t, ws, `{"t":"e","ref":1,"n":"slow","k":"click"}`)
		if m, _ := next(t, ws); m["err"] != nil {
			t.Fatalf("first call refused: %v", m)
		}
		send(t, ws, `{"t":"e","ref":2,"n":"slow","k":"click"}`)
		if m, _ := next(t, ws); !strings.Contains(m["err"].(string), "too many events") {
			t.Fatalf("second call: %v", m)
		}
	})
}

func getStatus(u string) (int, string, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, "", err
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
