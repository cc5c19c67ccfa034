package web_test

import (
	"net/http"
	"net/http/httptest"
	// liveapp:auth begin
	"net/url"
	// liveapp:auth end
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live/livetest"

	"github.com/liveapp/liveapp/template/internal/web"
)

// inProduction turns dev mode off, as APP_ENV unset does.
func inProduction(cfg *web.Config) { cfg.Dev = false }

// trustingProxy is inProduction behind a load balancer (TRUST_PROXY=true).
func trustingProxy(cfg *web.Config) {
	cfg.Dev = false
	cfg.TrustProxy = true
}

// get serves a GET of path with headers (name, value pairs) straight from h.
func get(h http.Handler, path string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "http://"+livetest.Host+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestEveryResponseHasAContentSecurityPolicy(t *testing.T) {
	for name, configure := range map[string]func(*web.Config){"dev": func(*web.Config) {}, "production": inProduction} {
		a := newApp(t, configure)
		for _, path := range []string{"/", "/static/app.css", "/no/such/page"} {
			csp := get(a, path).Header().Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'",
				"connect-src 'self' ws://" + livetest.Host, "frame-ancestors 'self'", "base-uri 'self'", "form-action 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("%s, GET %s: Content-Security-Policy %q lacks %q", name, path, csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("%s, GET %s: Content-Security-Policy %q allows inline code", name, path, csp)
			}
		}
	}
}

func TestHTTPSBehindATrustedProxy(t *testing.T) {
	names := func(w *httptest.ResponseRecorder) map[string]bool {
		n := map[string]bool{}
		for _, c := range w.Result().Cookies() {
			n[c.Name] = c.Secure
		}
		return n
	}
	t.Run("X-Forwarded-Proto: https gives Secure __Host- cookies and HSTS", func(t *testing.T) {
		a := newApp(t, trustingProxy)
		w := get(a, "/", "X-Forwarded-Proto", "https")
		if secure, ok := names(w)["__Host-"+web.CookiePrefix+"_csrf"]; !ok || !secure {
			t.Errorf("cookies %v, want a Secure __Host- CSRF cookie", names(w))
		}
		if h := w.Header().Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
			t.Errorf("Strict-Transport-Security %q", h)
		}
		w = get(a, "/")
		if _, ok := names(w)["_"+web.CookiePrefix+"_csrf"]; !ok || w.Header().Get("Strict-Transport-Security") != "" {
			t.Errorf("plain HTTP through the proxy: cookies %v, HSTS %q; want an unprefixed CSRF cookie and no HSTS", names(w), w.Header().Get("Strict-Transport-Security"))
		}
	})
	t.Run("without TRUST_PROXY the header is the client's, and ignored", func(t *testing.T) {
		a := newApp(t, inProduction)
		w := get(a, "/", "X-Forwarded-Proto", "https")
		if _, ok := names(w)["_"+web.CookiePrefix+"_csrf"]; !ok || w.Header().Get("Strict-Transport-Security") != "" {
			t.Errorf("cookies %v, HSTS %q; want an unprefixed CSRF cookie and no HSTS", names(w), w.Header().Get("Strict-Transport-Security"))
		}
	})
	t.Run("no HSTS in dev", func(t *testing.T) {
		a := newApp(t, func(cfg *web.Config) { cfg.TrustProxy = true })
		if h := get(a, "/", "X-Forwarded-Proto", "https").Header().Get("Strict-Transport-Security"); h != "" {
			t.Errorf("Strict-Transport-Security %q in dev", h)
		}
	})
	// liveapp:auth begin
	t.Run("logging in behind the proxy sets the session cookie Secure, with __Host-", func(t *testing.T) {
		a := newApp(t, trustingProxy)
		a.register(t, "alice@example.com")
		page := get(a, "/users/log-in", "X-Forwarded-Proto", "https")
		var csrf *http.Cookie
		for _, c := range page.Result().Cookies() {
			if c.Name == "__Host-"+web.CookiePrefix+"_csrf" {
				csrf = c
			}
		}
		m := reFormToken.FindStringSubmatch(page.Body.String())
		if csrf == nil || m == nil {
			t.Fatalf("the login page has no CSRF cookie or token: %v", page.Result().Cookies())
		}
		form := url.Values{"email": {"alice@example.com"}, "password": {password}, "_csrf": {m[1]}}
		r := httptest.NewRequest(http.MethodPost, "http://"+livetest.Host+"/users/log-in", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Origin", "https://"+livetest.Host)
		r.Header.Set("X-Forwarded-Proto", "https")
		r.AddCookie(csrf)
		w := httptest.NewRecorder()
		a.ServeHTTP(w, r)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("POST /users/log-in: %d %s", w.Code, w.Body.String())
		}
		if secure, ok := names(w)["__Host-"+web.CookiePrefix+"_session"]; !ok || !secure {
			t.Errorf("cookies %v, want a Secure __Host- session cookie", names(w))
		}
	})
	// liveapp:auth end
}

// liveapp:auth begin

// TestCookieNamesAreTheApps: two apps on localhost share cookies whatever their
// ports, so each names its own after itself.
func TestCookieNamesAreTheApps(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := a.browser(t)
	redirected(t, logIn(t, c, "alice@example.com", password, false), "/")
	u, _ := url.Parse(c.URL("/"))
	var got []string
	for _, ck := range c.HTTP().Jar.Cookies(u) {
		got = append(got, ck.Name)
	}
	for _, want := range []string{web.CookiePrefix + "_session", "_" + web.CookiePrefix + "_csrf"} {
		if !strings.Contains(" "+strings.Join(got, " ")+" ", " "+want+" ") {
			t.Errorf("cookies %q, want %s", got, want)
		}
	}
	for _, name := range got {
		if strings.HasPrefix(name, "user_") || strings.HasPrefix(name, "_live") {
			t.Errorf("cookie %s is named for every app alike", name)
		}
	}
}

// liveapp:auth end

func TestErrorPagesAreInTheAppsLayout(t *testing.T) {
	page := func(t *testing.T, w *httptest.ResponseRecorder, status int) string {
		t.Helper()
		body := w.Body.String()
		if w.Code != status || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") ||
			!strings.Contains(body, `id="error-page"`) || !strings.Contains(body, `class="topbar"`) {
			t.Errorf("got %d %s, want the app's %d page:\n%s", w.Code, w.Header().Get("Content-Type"), status, body)
		}
		return body
	}
	t.Run("an unknown route, in production", func(t *testing.T) {
		body := page(t, get(newApp(t, inProduction), "/no/such/page"), http.StatusNotFound)
		if !strings.Contains(body, "Page not found") || strings.Contains(body, "route-list") {
			t.Errorf("the production 404 page:\n%s", body)
		}
	})
	t.Run("an unknown route, in dev, lists the routes", func(t *testing.T) {
		body := page(t, get(newApp(t), "/no/such/page"), http.StatusNotFound)
		for _, want := range []string{`id="route-list"`, "GET /{$} (live, current)", "GET /static/"} {
			if !strings.Contains(body, want) {
				t.Errorf("the dev 404 page lacks %q:\n%s", want, body)
			}
		}
	})
	// liveapp:auth begin
	t.Run("a method the route does not take", func(t *testing.T) {
		w := get(newApp(t, inProduction), "/users/log-out")
		page(t, w, http.StatusMethodNotAllowed)
		if allow := w.Header().Get("Allow"); allow != "POST" {
			t.Errorf("Allow %q, want POST", allow)
		}
	})
	t.Run("a form without its CSRF token", func(t *testing.T) {
		a := newApp(t, inProduction)
		r := httptest.NewRequest(http.MethodPost, "http://"+livetest.Host+"/users/log-out", nil)
		w := httptest.NewRecorder()
		a.ServeHTTP(w, r)
		if body := page(t, w, http.StatusForbidden); !strings.Contains(body, "reload the page") {
			t.Errorf("the 403 page does not say what to do:\n%s", body)
		}
	})
	// liveapp:auth end
	// liveapp:projects begin
	t.Run("a live view whose record is missing", func(t *testing.T) {
		a := newApp(t, inProduction)
		c, _ := a.loggedIn(t, "alice@example.com")
		status, _, body := c.Get("/projects/999999")
		if status != http.StatusNotFound || !strings.Contains(body, `id="error-page"`) || !strings.Contains(body, "alice@example.com") ||
			strings.Contains(body, "live: not found") {
			t.Errorf("GET /projects/999999: %d, want the app's 404 page with alice in the nav:\n%s", status, body)
		}
	})
	// liveapp:projects end
}
