package web

import (
	"crypto/rand"
	"errors"
	// liveapp:auth begin
	"log/slog"
	// liveapp:auth end
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/liveapp/liveapp/live/auditjson"
	// liveapp:auth begin
	"github.com/liveapp/liveapp/mail"
	// liveapp:auth end
)

// NewForAudit builds the app as New does, routes and settings included, but
// without a database: cfg.DB may be nil, and when cfg.Secret is empty a
// random one is used. The stores have nothing behind them, so the app must not
// serve; it is for Audit only.
func NewForAudit(cfg Config) (*App, error) {
	if len(cfg.Secret) == 0 {
		cfg.Secret = []byte(rand.Text() + rand.Text())
	}
	// liveapp:auth begin
	if cfg.Mailer == nil {
		cfg.Mailer = mail.Log{Logger: slog.New(slog.DiscardHandler)}
	}
	// liveapp:auth end
	return newApp(cfg, true)
}

// Audit describes the app's routes and security settings. It serves one
// request, a GET of the first public page (the home page) over HTTPS, to read
// the Content-Security-Policy and cookie attributes the app really sends; that
// page must not need the database for an anonymous visitor.
func (a *App) Audit() (*auditjson.Table, error) {
	out := &auditjson.Table{Schema: auditjson.Schema, App: AppName, Routes: []auditjson.Route{}, HTTPRoutes: []auditjson.HTTPRoute{}}
	for _, r := range a.Runtime.RouteTable() {
		out.Routes = append(out.Routes, auditjson.Route{Path: r.Pattern, LiveSession: r.Session, Hooks: r.Hooks,
			Public: r.Public, Requires: r.Requires, View: r.View, Template: r.Template})
	}
	for _, p := range a.httpRoutes.patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok {
			method, path = "", p
		}
		out.HTTPRoutes = append(out.HTTPRoutes, auditjson.HTTPRoute{Method: method, Path: path, Public: a.httpRoutes.public[p]})
	}

	rc := a.runtimeConfig
	s := &out.Settings
	s.Environment = "production"
	if a.cfg.Dev {
		s.Environment = "development"
	}
	s.DevMode = rc.Dev
	s.AllowedOrigins = append([]string{}, rc.AllowedOrigins...)
	switch {
	case slices.ContainsFunc(rc.AllowedOrigins, func(o string) bool { return strings.Contains(o, "*") || o == "null" }):
		s.CheckOrigin = "any"
	case len(rc.AllowedOrigins) > 0:
		s.CheckOrigin = "list"
	default:
		s.CheckOrigin = "same-origin"
	}
	s.Cookies.Prefix = rc.CookiePrefix
	// liveapp:auth begin
	h := a.Accounts.HashParams()
	s.Argon2 = &auditjson.Argon2{MemoryKiB: h.Memory, Iterations: h.Iterations, Parallelism: h.Parallelism}
	// liveapp:auth end

	rec, err := a.auditPage(out.Routes)
	if err != nil {
		return nil, err
	}
	s.CSP = rec.Header().Get("Content-Security-Policy")
	cookies := rec.Result().Cookies()
	// Every cookie should be as safe: report the weakest.
	s.Cookies.Secure, s.Cookies.HTTPOnly, s.Cookies.SameSite = true, true, "strict"
	for _, c := range cookies {
		s.Cookies.Secure = s.Cookies.Secure && c.Secure
		s.Cookies.HTTPOnly = s.Cookies.HTTPOnly && c.HttpOnly
		if weaker(c.SameSite, s.Cookies.SameSite) {
			s.Cookies.SameSite = auditjson.SameSite(c.SameSite)
		}
	}
	return out, nil
}

// auditPage serves the first public live page without wildcards, "/" in a
// new app, over HTTPS, and returns the response, which must set a cookie.
func (a *App) auditPage(routes []auditjson.Route) (*httptest.ResponseRecorder, error) {
	for _, r := range routes {
		if !r.Public || strings.Contains(r.Path, "{") {
			continue
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://app.invalid"+r.Path, nil))
		if rec.Code == http.StatusOK && len(rec.Result().Cookies()) > 0 {
			return rec, nil
		}
	}
	return nil, errors.New("web: audit: no public live page without wildcards answered with a cookie, so the cookie settings are unknown")
}

// weaker reports whether SameSite mode m protects less than the one named
// current: strict, then lax, then none or unset.
func weaker(m http.SameSite, current string) bool {
	rank := map[string]int{"strict": 3, "lax": 2, "none": 1, "": 0}
	return rank[auditjson.SameSite(m)] < rank[current]
}
