package audit

import (
	"errors"
	"slices"
	"testing"

	"github.com/liveapp/liveapp/live/auditjson"
)

func asBadInput(err error, target **BadInputError) bool { return errors.As(err, target) }

// defaults are the settings of a generated app in production.
var defaults = auditjson.Settings{
	Environment: "production",
	CheckOrigin: "same-origin",
	CSP:         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'",
	Cookies:     auditjson.Cookies{Secure: true, HTTPOnly: true, SameSite: "lax", Prefix: "shop"},
	Argon2:      &auditjson.Argon2{MemoryKiB: 19456, Iterations: 2, Parallelism: 1},
}

func TestCheckSettings(t *testing.T) {
	tests := []struct {
		name   string
		change func(*auditjson.Settings)
		want   []string // the checks of the findings, in order
		sev    Severity
	}{
		{"the defaults are clean", func(*auditjson.Settings) {}, nil, ""},
		{"an exact list of origins is clean", func(s *auditjson.Settings) {
			s.CheckOrigin, s.AllowedOrigins = "list", []string{"https://shop.example"}
		}, nil, ""},
		{"the origin check off", func(s *auditjson.Settings) { s.CheckOrigin = "off" }, []string{CheckOrigin}, Error},
		{"any origin", func(s *auditjson.Settings) { s.CheckOrigin = "any" }, []string{CheckOrigin}, Error},
		{"a wildcard origin", func(s *auditjson.Settings) { s.CheckOrigin, s.AllowedOrigins = "list", []string{"https://*.example"} }, []string{CheckOrigin}, Error},
		{"dev mode in production", func(s *auditjson.Settings) { s.DevMode, s.Environment = true, "dev" }, []string{CheckDevMode}, Error},
		{"the dev secret accepted", func(s *auditjson.Settings) { s.SecretKeyBaseDevDefault = true }, []string{CheckDevSecret}, Error},
		{"argon2 below the minimum", func(s *auditjson.Settings) {
			s.Argon2 = &auditjson.Argon2{MemoryKiB: 19456, Iterations: 1, Parallelism: 1}
		}, []string{CheckArgon2}, Error},
		{"argon2 with no parallelism", func(s *auditjson.Settings) { s.Argon2 = &auditjson.Argon2{MemoryKiB: 19456, Iterations: 2} }, []string{CheckArgon2}, Error},
		{"no argon2 in an app without accounts", func(s *auditjson.Settings) { s.Argon2 = nil }, nil, ""},
		{"OWASP's alternative m=47104 t=1 is clean", func(s *auditjson.Settings) {
			s.Argon2 = &auditjson.Argon2{MemoryKiB: 47104, Iterations: 1, Parallelism: 1}
		}, nil, ""},
		{"OWASP's alternative m=7168 t=5 is clean", func(s *auditjson.Settings) {
			s.Argon2 = &auditjson.Argon2{MemoryKiB: 7168, Iterations: 5, Parallelism: 1}
		}, nil, ""},
		{"m=7168 t=4 is weak", func(s *auditjson.Settings) {
			s.Argon2 = &auditjson.Argon2{MemoryKiB: 7168, Iterations: 4, Parallelism: 1}
		}, []string{CheckArgon2}, Error},
		{"inline scripts allowed", func(s *auditjson.Settings) {
			s.CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
		}, []string{CheckCSP}, Error},
		{"no CSP", func(s *auditjson.Settings) { s.CSP = "" }, []string{CheckCSP}, Error},
		{"framing by anyone", func(s *auditjson.Settings) {
			s.CSP = "default-src 'self'; object-src 'none'; frame-ancestors *; base-uri 'self'; form-action 'self'"
		}, []string{CheckCSP}, Warning},
		{"cookies readable by scripts", func(s *auditjson.Settings) { s.Cookies.HTTPOnly = false }, []string{CheckCookies}, Error},
		{"SameSite=None", func(s *auditjson.Settings) { s.Cookies.SameSite = "none" }, []string{CheckCookies}, Error},
		{"cookies not Secure", func(s *auditjson.Settings) { s.Cookies.Secure = false }, []string{CheckCookies}, Warning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := defaults
			tt.change(&s)
			r := &Report{}
			checkSettings(r, s)
			var got []string
			for _, f := range r.Findings {
				got = append(got, f.Check)
				if f.Severity != tt.sev {
					t.Errorf("%s: severity %s, want %s", f.Message, f.Severity, tt.sev)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v: %+v", got, tt.want, r.Findings)
			}
		})
	}
}

func TestRequiresLogin(t *testing.T) {
	tests := []struct {
		route auditjson.Route
		want  bool
	}{
		{auditjson.Route{Requires: []string{"user"}}, true},
		{auditjson.Route{Hooks: []string{"web.(*Auth).MountCurrentUser", "web.(*Auth).RequireAuthenticatedHook"}}, true},
		{auditjson.Route{Hooks: []string{"web.(*Auth).MountCurrentUser", "web.assignFormToken"}}, false},
		{auditjson.Route{}, false},
	}
	for _, tt := range tests {
		if got := requiresLogin(tt.route); got != tt.want {
			t.Errorf("requiresLogin(%+v) = %v, want %v", tt.route, got, tt.want)
		}
	}
}

func TestParseRouteTable(t *testing.T) {
	for _, bad := range []string{"", "{", `{"schema":"other/v1"}`, `{"schema":"liveapp.routes/v1","routes":[{"path":""}]}`, "null"} {
		if _, err := auditjson.Parse([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	tab, err := auditjson.Parse([]byte(`{"schema":"liveapp.routes/v1","app":"shop","routes":[{"path":"/","view":"web.Home","public":true}],"future":1}`))
	if err != nil || tab.App != "shop" || len(tab.Routes) != 1 || !tab.Routes[0].Public {
		t.Errorf("%+v, %v", tab, err)
	}
}
