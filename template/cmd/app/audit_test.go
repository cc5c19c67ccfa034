package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// auditReport is the part of `app audit`'s JSON the tests read.
type auditReport struct {
	Schema string `json:"schema"`
	App    string `json:"app"`
	Routes []struct {
		Path     string   `json:"path"`
		Session  string   `json:"live_session"`
		Hooks    []string `json:"hooks"`
		Public   bool     `json:"public"`
		Requires []string `json:"requires"`
		View     string   `json:"view"`
		Template string   `json:"template"`
	} `json:"routes"`
	HTTPRoutes []struct {
		Method, Path string
		Public       bool
	} `json:"http_routes"`
	Settings struct {
		Environment    string   `json:"environment"`
		DevMode        bool     `json:"dev_mode"`
		CheckOrigin    string   `json:"check_origin"`
		AllowedOrigins []string `json:"allowed_origins"`
		CSP            string   `json:"csp"`
		Cookies        struct {
			Secure   bool   `json:"secure"`
			HTTPOnly bool   `json:"http_only"`
			SameSite string `json:"same_site"`
			Prefix   string `json:"prefix"`
		} `json:"cookies"`
		// liveapp:auth begin
		Argon2 struct {
			MemoryKiB   uint32 `json:"memory_kib"`
			Iterations  uint32 `json:"iterations"`
			Parallelism uint8  `json:"parallelism"`
		} `json:"argon2"`
		// liveapp:auth end
		SecretKeyBaseDevDefault bool `json:"secret_key_base_dev_default"`
	} `json:"settings"`
}

// The audit runs anywhere the code is: without a database, SECRET_KEY_BASE or
// any other variable, whatever this machine's environment holds.
func TestAuditDescribesTheRoutesAndProductionSettings(t *testing.T) {
	t.Setenv("APP_ENV", "dev") // ignored: the audit describes production
	t.Setenv("SECRET_KEY_BASE", "")
	t.Setenv("DATABASE_URL", "postgres://127.0.0.1:1/nowhere")
	var out bytes.Buffer
	if err := audit(&out); err != nil {
		t.Fatal(err)
	}
	var r auditReport
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("the audit is not the JSON of the schema: %v\n%s", err, out.String())
	}
	if r.Schema != "liveapp.routes/v1" || r.App == "" {
		t.Errorf("schema %q, app %q", r.Schema, r.App)
	}
	if len(r.Routes) == 0 || r.Routes[0].Path != "/" || !r.Routes[0].Public {
		t.Fatalf("routes %+v: want / first, public", r.Routes)
	}
	// Every page either requires something or is public on purpose.
	for _, rt := range r.Routes {
		if rt.Public == (len(rt.Requires) > 0) {
			t.Errorf("route %s: public %v, requires %q: want exactly one", rt.Path, rt.Public, rt.Requires)
		}
		if rt.View == "" || !strings.HasPrefix(rt.View, "web.") || rt.Hooks == nil || rt.Requires == nil {
			t.Errorf("route %s: view %q, hooks %q, requires %q", rt.Path, rt.View, rt.Hooks, rt.Requires)
		}
	}
	// liveapp:auth begin
	for _, rt := range r.Routes {
		if rt.Path == "/users/settings" && strings.Join(rt.Requires, ",") != "user,sudo" {
			t.Errorf("/users/settings requires %q, want user then sudo", rt.Requires)
		}
	}
	// liveapp:auth end
	if len(r.HTTPRoutes) == 0 {
		t.Error("no plain HTTP routes listed")
	}

	s := r.Settings
	if s.Environment != "production" || s.DevMode || s.SecretKeyBaseDevDefault {
		t.Errorf("environment %q, dev mode %v, dev secret accepted %v: want production without either", s.Environment, s.DevMode, s.SecretKeyBaseDevDefault)
	}
	if s.CheckOrigin != "same-origin" || len(s.AllowedOrigins) != 0 {
		t.Errorf("origin check %q %q, want same-origin", s.CheckOrigin, s.AllowedOrigins)
	}
	if !strings.Contains(s.CSP, "default-src 'self'") || !strings.Contains(s.CSP, "object-src 'none'") {
		t.Errorf("CSP %q", s.CSP)
	}
	if c := s.Cookies; !c.Secure || !c.HTTPOnly || c.SameSite != "lax" || c.Prefix == "" {
		t.Errorf("cookies %+v", c)
	}
	// liveapp:auth begin
	if a := s.Argon2; a.MemoryKiB < 19456 || a.Iterations < 2 || a.Parallelism < 1 {
		t.Errorf("argon2 %+v, below OWASP's minimum", a)
	}
	// liveapp:auth end
}

func TestRunAuditTakesNoArguments(t *testing.T) {
	if err := run([]string{"audit", "--json"}); err == nil || !strings.Contains(err.Error(), "takes no arguments") {
		t.Errorf("audit --json: %v, want a refusal", err)
	}
}
