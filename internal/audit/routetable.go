package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// RouteTableSchema is the schema name of the route table an app's audit
// subcommand prints.
const RouteTableSchema = "liveapp.routes/v1"

// RouteTable is what an app's `audit` subcommand prints: its routes, built the
// way serving builds them, and the settings production would run with.
type RouteTable struct {
	Schema     string      `json:"schema"`
	App        string      `json:"app"`
	Routes     []LiveRoute `json:"routes"`
	HTTPRoutes []HTTPRoute `json:"http_routes"`
	Settings   Settings    `json:"settings"`
}

// LiveRoute is one live route of the route table.
type LiveRoute struct {
	Path        string   `json:"path"`
	LiveSession string   `json:"live_session"`
	Hooks       []string `json:"hooks"`    // session hooks then route hooks, in run order
	Public      bool     `json:"public"`   // explicitly marked public
	Requires    []string `json:"requires"` // declared view-level requirements
	View        string   `json:"view"`     // package-qualified type name, pointer stripped
	Template    string   `json:"template"` // "" when the view does not declare it
}

// HTTPRoute is one plain HTTP handler of the route table.
type HTTPRoute struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Public bool   `json:"public"`
}

// Settings are the security settings production resolves to with no
// environment set.
type Settings struct {
	Environment             string   `json:"environment"`
	DevMode                 bool     `json:"dev_mode"`
	CheckOrigin             string   `json:"check_origin"` // same-origin, list, any or off
	AllowedOrigins          []string `json:"allowed_origins"`
	CSP                     string   `json:"csp"`
	Cookies                 Cookies  `json:"cookies"`
	Argon2                  *Argon2  `json:"argon2,omitempty"` // nil in an app without accounts
	SecretKeyBaseDevDefault bool     `json:"secret_key_base_dev_default"`
}

// Cookies are the flags of the app's cookies.
type Cookies struct {
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"http_only"`
	SameSite string `json:"same_site"` // lax, strict, none or ""
	Prefix   string `json:"prefix"`
}

// Argon2 are the argon2id parameters new password hashes get.
type Argon2 struct {
	MemoryKiB   uint32 `json:"memory_kib"`
	Iterations  uint32 `json:"iterations"`
	Parallelism uint8  `json:"parallelism"`
}

// ParseRouteTable decodes and checks a route table.
func ParseRouteTable(data []byte) (*RouteTable, error) {
	var t RouteTable
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("the route table is not JSON: %w", err)
	}
	if t.Schema != RouteTableSchema {
		return nil, fmt.Errorf("the route table's schema is %q, want %q", t.Schema, RouteTableSchema)
	}
	for i, r := range t.Routes {
		if r.Path == "" || r.View == "" {
			return nil, fmt.Errorf("route table: route %d has no path or no view", i)
		}
	}
	return &t, nil
}

// LoadRouteTable builds the app's command (cmd, such as "./cmd/shop", relative
// to the app's root dir) into a temporary directory and runs its audit
// subcommand, which prints the route table without serving or touching the
// database. The command runs with a minimal environment, so that it reports
// the production defaults whatever the caller's shell sets.
func LoadRouteTable(ctx context.Context, dir, cmd string) (*RouteTable, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, errors.New("the go command is not on PATH: the audit builds the app with it")
	}
	tmp, err := os.MkdirTemp("", "liveapp-audit-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "app")
	build := exec.CommandContext(ctx, goCmd, "build", "-o", bin, cmd)
	build.Dir = dir
	var stderr bytes.Buffer
	build.Stdout, build.Stderr = &stderr, &stderr
	if err := build.Run(); err != nil {
		return nil, &BadInputError{Msg: fmt.Sprintf("the app does not build (go build %s): %v\n%s", cmd, err, strings.TrimSpace(stderr.String()))}
	}
	run := exec.CommandContext(ctx, bin, "audit")
	run.Dir = dir
	run.Env = minimalEnv()
	stderr.Reset()
	run.Stderr = &stderr
	out, err := run.Output()
	if err != nil {
		return nil, &BadInputError{Msg: fmt.Sprintf("the app's audit subcommand failed (%s audit): %v\n%s\n(apps made before liveapp audit existed lack it: liveapp upgrade brings it)", cmd, err, strings.TrimSpace(stderr.String()))}
	}
	t, err := ParseRouteTable(out)
	if err != nil {
		return nil, &BadInputError{Msg: fmt.Sprintf("%s audit: %v", cmd, err)}
	}
	return t, nil
}

// minimalEnv is the environment the app's audit subcommand runs with: enough
// for a Go program, and none of the app's settings (APP_ENV, SECRET_KEY_BASE,
// DATABASE_URL…), so that it reports what production resolves to by default.
func minimalEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "SYSTEMROOT"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// BadInputError is an audit that could not run: not in an app, an app that
// does not build, a route table that does not parse. The CLI exits 2 on it.
type BadInputError struct{ Msg string }

func (e *BadInputError) Error() string { return e.Msg }
