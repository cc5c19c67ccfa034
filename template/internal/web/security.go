package web

import (
	"net/http"
	"net/url"
	"strings"
)

// contentSecurityPolicy is the Content-Security-Policy of every response. It
// lets a page load scripts, styles, images and fonts from the app only,
// connect to the app only (its websocket included: browsers count ws: and wss:
// to the page's own host as 'self'), and be framed by, post forms to and set
// its base URL to the app only. Nothing inline runs: the layout links its
// stylesheet and the live client, and liveapp's dev tools (the error overlay,
// the stylesheet swap) need nothing inline either.
//
// To allow more, add sources to a directive here: a script from a CDN as
// {"script-src", "'self' https://cdn.example.com"}, images from anywhere over
// HTTPS as {"img-src", "'self' data: https:"}. Prefer serving files from
// static/, which needs no change.
func contentSecurityPolicy(publicURL *url.URL) string {
	connect := "'self'"
	if publicURL != nil {
		// Spelled out too, for browsers older than CSP level 3's 'self' rule.
		ws := "ws://"
		if publicURL.Scheme == "https" {
			ws = "wss://"
		}
		connect += " " + ws + publicURL.Host
	}
	directives := [][2]string{
		{"default-src", "'self'"},
		{"script-src", "'self'"},
		{"style-src", "'self'"},
		{"img-src", "'self' data:"},
		{"font-src", "'self'"},
		{"connect-src", connect},
		{"object-src", "'none'"},
		{"frame-ancestors", "'self'"},
		{"base-uri", "'self'"},
		{"form-action", "'self'"},
	}
	var b strings.Builder
	for i, d := range directives {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(d[0] + " " + d[1])
	}
	return b.String()
}

// hsts tells browsers how long browsers remember to use HTTPS only: a year, as
// Phoenix's and Rails' force_ssl do. Subdomains are left out: add
// "; includeSubDomains" once every subdomain serves HTTPS.
const hsts = "max-age=31536000"

// securityHeaders sets the headers every response carries: the
// Content-Security-Policy, nosniff, the Referrer-Policy and, in production over
// HTTPS (as the runtime judges it: TLS, an https PUBLIC_URL, or a trusted
// proxy's X-Forwarded-Proto), Strict-Transport-Security. A handler may replace
// them, as the dev mailbox does its policy.
func (a *App) securityHeaders(next http.Handler) http.Handler {
	csp := contentSecurityPolicy(a.cfg.PublicURL)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		if !a.cfg.Dev && a.Runtime.Secure(r) {
			h.Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}
