// Package auditjson is the route table an app's `audit` subcommand prints and
// `liveapp audit` reads: every route with what guards it, and the security
// settings production runs with. Both sides use these types, so the JSON has
// one definition. Fields may be added to it; none are removed or change
// meaning without a new Schema.
package auditjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// Schema names this version of the route table.
const Schema = "liveapp.routes/v1"

// Table is the whole route table.
type Table struct {
	Schema     string      `json:"schema"`
	App        string      `json:"app"`
	Routes     []Route     `json:"routes"`
	HTTPRoutes []HTTPRoute `json:"http_routes"`
	Settings   Settings    `json:"settings"`
}

// Route is one live route.
type Route struct {
	Path        string   `json:"path"`
	LiveSession string   `json:"live_session"`
	Hooks       []string `json:"hooks"`    // the session's, then the route's, in the order they run
	Public      bool     `json:"public"`   // the route or its live session is marked public
	Requires    []string `json:"requires"` // the names of the requirements checked after the hooks
	View        string   `json:"view"`     // package-qualified type name, pointer stripped: "web.ProjectShow"
	Template    string   `json:"template"` // "" unless the view names it
}

// HTTPRoute is one plain HTTP handler.
type HTTPRoute struct {
	Method string `json:"method"` // "" when the pattern matches every method
	Path   string `json:"path"`
	Public bool   `json:"public"` // registered as reachable without login
}

// Settings are the security settings the app runs with when no environment
// is set, that is in production.
type Settings struct {
	Environment    string   `json:"environment"` // "production" or "development"
	DevMode        bool     `json:"dev_mode"`
	CheckOrigin    string   `json:"check_origin"` // "same-origin", "list", "any" or "off"
	AllowedOrigins []string `json:"allowed_origins"`
	CSP            string   `json:"csp"` // the Content-Security-Policy header of a page
	Cookies        Cookies  `json:"cookies"`
	Argon2         *Argon2  `json:"argon2,omitempty"` // nil in an app without accounts
	// SecretKeyBaseDevDefault is true when production would start with the
	// dev-only secret.
	SecretKeyBaseDevDefault bool `json:"secret_key_base_dev_default"`
}

// Cookies are the weakest attributes among the cookies the app sets over
// HTTPS.
type Cookies struct {
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"http_only"`
	SameSite string `json:"same_site"` // "lax", "strict", "none" or ""
	Prefix   string `json:"prefix"`
}

// Argon2 are the argon2id parameters of new password hashes.
type Argon2 struct {
	MemoryKiB   uint32 `json:"memory_kib"`
	Iterations  uint32 `json:"iterations"`
	Parallelism uint8  `json:"parallelism"`
}

// Parse decodes a route table and checks its schema and that every route
// names a path and a view.
func Parse(data []byte) (*Table, error) {
	var t Table
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&t); err != nil {
		return nil, fmt.Errorf("the route table is not JSON: %w", err)
	}
	if t.Schema != Schema {
		return nil, fmt.Errorf("the route table's schema is %q, want %q", t.Schema, Schema)
	}
	for i, r := range t.Routes {
		if r.Path == "" || r.View == "" {
			return nil, fmt.Errorf("route table: route %d has no path or no view", i)
		}
	}
	return &t, nil
}

// SameSite returns a cookie's SameSite mode as Cookies.SameSite spells it,
// lower case as in Set-Cookie; "" when the cookie sets none.
func SameSite(m http.SameSite) string {
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
