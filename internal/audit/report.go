package audit

import "github.com/liveapp/liveapp/live/auditjson"

// ReportSchema is the schema name of the report `liveapp audit --json`
// prints. docs/audit.md documents it; fields may be added, none removed or
// changed in meaning.
const ReportSchema = "liveapp.audit/v1"

// Report is the outcome of an audit.
type Report struct {
	Schema     string                `json:"schema"`
	App        string                `json:"app"`
	Routes     []Route               `json:"routes"`
	HTTPRoutes []auditjson.HTTPRoute `json:"http_routes"`
	Settings   auditjson.Settings    `json:"settings"`
	Probe      *Probe                `json:"probe,omitempty"` // with --live only
	Findings   []Finding             `json:"findings"`
	Summary    Summary               `json:"summary"`
}

// Route is one live route with what the audit found in its view's code.
type Route struct {
	Path        string   `json:"path"`
	LiveSession string   `json:"live_session"`
	Hooks       []string `json:"hooks"`
	Public      bool     `json:"public"`
	// ReachableWithoutLogin is true when neither the route's hooks nor its
	// requirements ask for a logged-in user.
	ReachableWithoutLogin bool     `json:"reachable_without_login"`
	Requires              []string `json:"requires"`
	View                  string   `json:"view"`
	Template              string   `json:"template"`
	Events                []Event  `json:"events"`
	Assigns               []Assign `json:"assigns"`
	Topics                []string `json:"topics"`
}

// Event is one event a view registers with (*live.Socket).On.
type Event struct {
	Name      string   `json:"name"`       // the constant name, else the expression's source
	RateLimit string   `json:"rate_limit"` // "5/s burst 10", or "" for the connection's limit only
	Requires  []string `json:"requires"`   // declared requirements
	Writes    []string `json:"writes"`     // the data-changing calls its handler makes
	Position  string   `json:"position"`   // file:line of the registration
}

// Assign is one piece of data that reaches the view's template: an exported
// field of the view, or a socket assign.
type Assign struct {
	Name string `json:"name"`
	Type string `json:"type"`
	From string `json:"from"` // "field" or "assign"
}

// Severity ranks a finding.
type Severity string

// The severities. Errors fail an audit; warnings fail it with --strict.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// The checks, as they appear in Finding.Check.
const (
	CheckPublicView     = "view-without-login"  // reachable without login, not marked public
	CheckWriteEvent     = "write-without-check" // writes data with no declared requirement
	CheckUnscopedCall   = "unscoped-store-call" // a store method that takes no scope
	CheckUnscopedQuery  = "unscoped-query"      // SQL run from view code, outside a store
	CheckOrigin         = "origin-check"        // websocket Origin check off or any
	CheckDevMode        = "dev-mode"            // production config in dev mode
	CheckDevSecret      = "dev-secret"          // production accepts the dev secret
	CheckArgon2         = "weak-argon2"         // below OWASP's minimum
	CheckCSP            = "weak-csp"            // CSP weaker than the default
	CheckCookies        = "weak-cookies"        // cookie flags weaker than the default
	CheckUnresolved     = "not-analyzed"        // code the analysis could not follow
	CheckProbeHeaders   = "live-headers"        // --live: a missing or weak security header
	CheckProbeCookies   = "live-cookies"        // --live: a cookie without its flags
	CheckProbeWebsocket = "live-websocket"      // --live: a handshake or frame that was let in
)

// Finding is one problem the audit found.
type Finding struct {
	Severity Severity `json:"severity"`
	Check    string   `json:"check"`
	Message  string   `json:"message"`
	Route    string   `json:"route,omitempty"`
	Event    string   `json:"event,omitempty"`
	Position string   `json:"position,omitempty"`
}

// Summary counts the findings.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
}

// Failed reports whether the audit fails: on an error, or with strict on a
// warning too.
func (r *Report) Failed(strict bool) bool {
	return r.Summary.Errors > 0 || (strict && r.Summary.Warnings > 0)
}

func (r *Report) add(f Finding) {
	r.Findings = append(r.Findings, f)
	switch f.Severity {
	case Error:
		r.Summary.Errors++
	case Warning:
		r.Summary.Warnings++
	}
}
