package audit

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/liveapp/liveapp/live/auditjson"
)

// argon2Minimums are OWASP's argon2id configurations, each as strong as the
// others: memory in KiB with its fewest iterations, at parallelism 1.
var argon2Minimums = []auditjson.Argon2{
	{MemoryKiB: 47104, Iterations: 1, Parallelism: 1},
	{MemoryKiB: 19456, Iterations: 2, Parallelism: 1},
	{MemoryKiB: 12288, Iterations: 3, Parallelism: 1},
	{MemoryKiB: 9216, Iterations: 4, Parallelism: 1},
	{MemoryKiB: 7168, Iterations: 5, Parallelism: 1},
}

// checkSettings adds the findings of the production settings.
func checkSettings(r *Report, s auditjson.Settings) {
	switch s.CheckOrigin {
	case "same-origin":
	case "list":
		for _, o := range s.AllowedOrigins {
			if strings.Contains(o, "*") || o == "null" {
				r.add(Finding{Severity: Error, Check: CheckOrigin, Message: fmt.Sprintf("the websocket accepts the origin %q: list exact origins such as https://example.com", o)})
			}
		}
	case "any", "off":
		r.add(Finding{Severity: Error, Check: CheckOrigin, Message: fmt.Sprintf("the websocket Origin check is %q: any site can open a socket with the user's cookies (cross-site websocket hijacking); leave it same-origin or list exact origins", s.CheckOrigin)})
	default:
		r.add(Finding{Severity: Error, Check: CheckOrigin, Message: fmt.Sprintf("the websocket Origin check is %q, which the audit does not know", s.CheckOrigin)})
	}
	if s.DevMode || (s.Environment != "" && s.Environment != "production") {
		r.add(Finding{Severity: Error, Check: CheckDevMode, Message: fmt.Sprintf("the production configuration runs in dev mode (environment %q): errors show internals to users and dev conveniences are on", s.Environment)})
	}
	if s.SecretKeyBaseDevDefault {
		r.add(Finding{Severity: Error, Check: CheckDevSecret, Message: "production accepts the built-in dev secret: anyone can forge sessions with it; require SECRET_KEY_BASE"})
	}
	if a := s.Argon2; a != nil && !argon2Strong(*a) {
		r.add(Finding{Severity: Error, Check: CheckArgon2, Message: fmt.Sprintf("argon2id m=%d KiB, t=%d, p=%d is below OWASP's minimum (m=19456 KiB, t=2, p=1, or an equivalent: m=47104 t=1, m=12288 t=3, m=9216 t=4, m=7168 t=5)", a.MemoryKiB, a.Iterations, a.Parallelism)})
	}
	for _, f := range cspFindings(s.CSP) {
		r.add(f)
	}
	c := s.Cookies
	if !c.HTTPOnly {
		r.add(Finding{Severity: Error, Check: CheckCookies, Message: "cookies are not HttpOnly: scripts can read the session"})
	}
	switch c.SameSite {
	case "lax", "strict":
	case "none":
		r.add(Finding{Severity: Error, Check: CheckCookies, Message: "cookies are SameSite=None: other sites' requests carry them"})
	default:
		r.add(Finding{Severity: Warning, Check: CheckCookies, Message: fmt.Sprintf("cookies have SameSite %q, not lax or strict: browsers' defaults differ", c.SameSite)})
	}
	if !c.Secure {
		r.add(Finding{Severity: Warning, Check: CheckCookies, Message: "cookies are not marked Secure in production"})
	}
}

func argon2Strong(a auditjson.Argon2) bool {
	if a.Parallelism < 1 {
		return false
	}
	for _, m := range argon2Minimums {
		if a.MemoryKiB >= m.MemoryKiB && a.Iterations >= m.Iterations {
			return true
		}
	}
	return false
}

// cspFindings compares a Content-Security-Policy with what the template's
// default guarantees: scripts from the app only and nothing inline, no
// plugins, framing by the app only, base URL and forms to the app only.
func cspFindings(csp string) []Finding {
	if strings.TrimSpace(csp) == "" {
		return []Finding{{Severity: Error, Check: CheckCSP, Message: "no Content-Security-Policy: the default policy keeps injected scripts from running"}}
	}
	dirs := parseCSP(csp)
	var out []Finding
	weak := func(sev Severity, format string, args ...any) {
		out = append(out, Finding{Severity: sev, Check: CheckCSP, Message: "Content-Security-Policy: " + fmt.Sprintf(format, args...)})
	}
	effective := func(name string) ([]string, bool) {
		if v, ok := dirs[name]; ok {
			return v, true
		}
		v, ok := dirs["default-src"]
		return v, ok
	}
	if _, ok := dirs["default-src"]; !ok {
		weak(Error, "no default-src: what no directive names loads from anywhere")
	}
	if src, ok := effective("script-src"); ok {
		for _, s := range src {
			switch {
			case s == "'unsafe-inline'" || s == "'unsafe-eval'" || s == "'unsafe-hashes'":
				weak(Error, "script-src allows %s: injected markup can run scripts", s)
			case s == "*" || s == "data:" || s == "http:" || s == "https:" || s == "blob:":
				weak(Error, "script-src allows %s: scripts from anywhere of that kind run", s)
			}
		}
	} else {
		weak(Error, "no script-src nor default-src: scripts load from anywhere")
	}
	if src, ok := effective("object-src"); !ok || !slices.Equal(src, []string{"'none'"}) {
		weak(Warning, "object-src is not 'none' (the default): plugins may load")
	}
	if src, ok := dirs["frame-ancestors"]; !ok || slices.Contains(src, "*") || slices.Contains(src, "https:") || slices.Contains(src, "http:") {
		weak(Warning, "frame-ancestors is missing or open: other sites may frame the app (clickjacking); the default is 'self'")
	}
	if _, ok := dirs["base-uri"]; !ok {
		weak(Warning, "no base-uri: an injected <base> can redirect relative URLs; the default is 'self'")
	}
	if src, ok := dirs["form-action"]; !ok || slices.Contains(src, "*") {
		weak(Warning, "form-action is missing or open: forms may post to other sites; the default is 'self'")
	}
	for _, name := range slices.Sorted(maps.Keys(dirs)) {
		src := dirs[name]
		switch name {
		case "script-src", "frame-ancestors", "form-action":
			continue // checked above
		}
		if slices.Contains(src, "*") || slices.Contains(src, "'unsafe-eval'") {
			weak(Warning, "%s allows %s", name, strings.Join(src, " "))
		}
	}
	return out
}

// parseCSP splits a policy into its directives, names lower-cased; the first
// of a repeated directive counts, as in browsers.
func parseCSP(csp string) map[string][]string {
	dirs := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		fields := strings.Fields(d)
		if len(fields) == 0 {
			continue
		}
		name := strings.ToLower(fields[0])
		if _, ok := dirs[name]; !ok {
			dirs[name] = fields[1:]
		}
	}
	return dirs
}
