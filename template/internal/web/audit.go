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
	// liveapp:auth begin

	"github.com/liveapp/liveapp/mail"
	// liveapp:auth end
)

// AuditSchema names the version of the JSON that Audit describes. Fields may
// be added to it; none are removed or change meaning.
const AuditSchema = "liveapp.routes/v1"

// Audit is what `app audit` prints: every route with what guards it, and the
// settings that decide how safe the app is to expose. `liveapp audit` reads it
// (docs/security.md describes the fields).
type Audit struct {
	Schema     string           `json:"schema"`
	App        string           `json:"app"`
	Routes     []AuditRoute     `json:"routes"`
	HTTPRoutes []AuditHTTPRoute `json:"http_routes"`
	Settings   AuditSettings    `json:"settings"`
}

// AuditRoute is one live route.
type AuditRoute struct {
	Path        string   `json:"path"`
	LiveSession string   `json:"live_session"`
	Hooks       []string `json:"hooks"`    // the session's, then the route's, in the order they run
	Public      bool     `json:"public"`   // the route or its live session is marked public
	Requires    []string `json:"requires"` // the names of the requirements checked after the hooks
	View        string   `json:"view"`     // "web.ProjectShow"
	Template    string   `json:"template"` // "" unless the view names it
}

// AuditHTTPRoute is one plain HTTP handler.
type AuditHTTPRoute struct {
	Method string `json:"method"` // "" when the pattern matches every method
	Path   string `json:"path"`
	Public bool   `json:"public"` // registered with HandlePublic
}

// AuditSettings are the security settings the app runs with.
type AuditSettings struct {
	Environment    string       `json:"environment"` // "production" or "development"; set by cmd/app
	DevMode        bool         `json:"dev_mode"`
	CheckOrigin    string       `json:"check_origin"` // "same-origin", "list" or "any"
	AllowedOrigins []string     `json:"allowed_origins"`
	CSP            string       `json:"csp"`
	Cookies        AuditCookies `json:"cookies"`
	// liveapp:auth begin
	Argon2 *AuditArgon2 `json:"argon2,omitempty"`
	// liveapp:auth end
	// SecretKeyBaseDevDefault is true when production would start with the
	// dev-only secret; set by cmd/app, which reads the environment.
	SecretKeyBaseDevDefault bool `json:"secret_key_base_dev_default"`
}

// AuditCookies are the attributes of the cookies the app sets over HTTPS.
type AuditCookies struct {
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"http_only"`
	SameSite string `json:"same_site"` // "lax", "strict", "none" or ""
	Prefix   string `json:"prefix"`
}

// liveapp:auth begin

// AuditArgon2 are the password hashing parameters of new hashes.
type AuditArgon2 struct {
	MemoryKiB   uint32 `json:"memory_kib"`
	Iterations  uint32 `json:"iterations"`
	Parallelism uint8  `json:"parallelism"`
}

// liveapp:auth end

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
func (a *App) Audit() (*Audit, error) {
	out := &Audit{Schema: AuditSchema, App: AppName, Routes: []AuditRoute{}, HTTPRoutes: []AuditHTTPRoute{}}
	for _, r := range a.Runtime.RouteTable() {
		out.Routes = append(out.Routes, AuditRoute{Path: r.Pattern, LiveSession: r.Session, Hooks: r.Hooks,
			Public: r.Public, Requires: r.Requires, View: r.View, Template: r.Template})
	}
	for _, p := range a.httpRoutes.patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok {
			method, path = "", p
		}
		out.HTTPRoutes = append(out.HTTPRoutes, AuditHTTPRoute{Method: method, Path: path, Public: a.httpRoutes.public[p]})
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
	s.Argon2 = &AuditArgon2{MemoryKiB: h.Memory, Iterations: h.Iterations, Parallelism: h.Parallelism}
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
			s.Cookies.SameSite = sameSiteName(c.SameSite)
		}
	}
	return out, nil
}

// auditPage serves the first public live page without wildcards, "/" in a
// new app, over HTTPS, and returns the response, which must set a cookie.
func (a *App) auditPage(routes []AuditRoute) (*httptest.ResponseRecorder, error) {
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

// sameSiteName returns the SameSite attribute's value as Set-Cookie spells it,
// lower case; "" when the cookie has none.
func sameSiteName(m http.SameSite) string {
	switch m {
	case http.SameSiteStrictMode:
		return "strict"
	case http.SameSiteLaxMode:
		return "lax"
	case http.SameSiteNoneMode:
		return "none"
	}
	return ""
}

// weaker reports whether SameSite mode m protects less than the one named
// current: strict, then lax, then none or unset.
func weaker(m http.SameSite, current string) bool {
	rank := map[string]int{"strict": 3, "lax": 2, "none": 1, "": 0}
	return rank[sameSiteName(m)] < rank[current]
}
