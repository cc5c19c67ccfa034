package audit

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/liveapp/liveapp/live/auditjson"
)

// Target is the app to audit: the directory the go command runs in, the
// package patterns of the app's code and its command's package.
type Target struct {
	Dir      string   // the app's root, where its go.mod is
	Name     string   // the app's name, for the report when the table lacks it
	Packages []string // the app's packages, such as "./..."
	Command  string   // its main package, such as "./cmd/shop"
}

// Run audits the app: it reads the route table from the app's audit
// subcommand, analyzes the app's source, and returns the report. Run returns
// a *BadInputError when the app cannot be audited.
func Run(ctx context.Context, t Target) (*Report, error) {
	table, err := LoadRouteTable(ctx, t.Dir, t.Command)
	if err != nil {
		return nil, err
	}
	prog, err := loadProgram(t.Dir, t.Packages...)
	if err != nil {
		return nil, err
	}
	if table.App == "" {
		table.App = t.Name
	}
	return Analyze(table, prog), nil
}

// Analyze builds the report of a route table and the app's program.
func Analyze(table *auditjson.Table, prog *program) *Report {
	r := &Report{
		Schema:     ReportSchema,
		App:        table.App,
		Routes:     []Route{},
		HTTPRoutes: table.HTTPRoutes,
		Settings:   table.Settings,
		Findings:   []Finding{},
	}
	if r.HTTPRoutes == nil {
		r.HTTPRoutes = []auditjson.HTTPRoute{}
	}
	facts := map[string]viewFacts{} // by view type: routes may share one
	for _, lr := range table.Routes {
		f, ok := facts[lr.View]
		if !ok {
			f = prog.analyzeView(lr.View)
			facts[lr.View] = f
		}
		route := Route{
			Path:                  lr.Path,
			LiveSession:           lr.LiveSession,
			Hooks:                 nonNil(lr.Hooks),
			Public:                lr.Public,
			ReachableWithoutLogin: !requiresLogin(lr),
			Requires:              nonNil(lr.Requires),
			View:                  lr.View,
			Template:              lr.Template,
			Events:                f.Events,
			Assigns:               f.Assigns,
			Topics:                nonNil(f.Topics),
		}
		if route.Template == "" {
			route.Template = f.Template
		}
		if route.Events == nil {
			route.Events = []Event{}
		}
		for _, a := range prog.hookAssigns(lr.Hooks) {
			if !slices.ContainsFunc(route.Assigns, func(b Assign) bool { return b.Name == a.Name }) {
				route.Assigns = append(slices.Clip(route.Assigns), a)
			}
		}
		if route.Assigns == nil {
			route.Assigns = []Assign{}
		}
		r.Routes = append(r.Routes, route)
		checkRoute(r, route, f)
	}
	for _, c := range prog.unscopedCalls() {
		r.add(Finding{Severity: Error, Check: CheckUnscopedCall, Position: c.Position,
			Message: fmt.Sprintf("%s takes no scope: a data store method called from outside its package should take the caller's scope (accounts.Scope) after the context, and filter by it", c.Method)})
	}
	checkSettings(r, table.Settings)
	sort.SliceStable(r.Findings, func(i, j int) bool {
		return r.Findings[i].Severity == Error && r.Findings[j].Severity != Error
	})
	return r
}

// checkRoute adds a route's findings.
func checkRoute(r *Report, route Route, f viewFacts) {
	if route.ReachableWithoutLogin && !route.Public {
		r.add(Finding{Severity: Error, Check: CheckPublicView, Route: route.Path,
			Message: fmt.Sprintf("%s (%s) is reachable without logging in, and is not marked public: put it in a live session whose hooks require a user, or mark it public", route.Path, route.View)})
	}
	for _, e := range route.Events {
		if len(e.Writes) > 0 && len(e.Requires) == 0 {
			r.add(Finding{Severity: Error, Check: CheckWriteEvent, Route: route.Path, Event: e.Name, Position: e.Position,
				Message: fmt.Sprintf("event %q of %s writes data (%s) and declares no requirement", e.Name, route.View, strings.Join(e.Writes, ", "))})
		}
	}
	for _, q := range f.Queries {
		r.add(Finding{Severity: Error, Check: CheckUnscopedQuery, Route: route.Path,
			Message: fmt.Sprintf("%s runs SQL outside a data store (%s): nothing scopes it to the user; move it into a store method that takes accounts.Scope", route.View, q)})
	}
	for _, n := range f.Notes {
		r.add(Finding{Severity: Warning, Check: CheckUnresolved, Route: route.Path, Message: fmt.Sprintf("%s: %s", route.View, n)})
	}
}

// loginHooks begin the names of the hooks that refuse a visitor who is not
// logged in; a hook's name is matched after its package (and type).
var loginHooks = []string{"RequireAuthenticated", "RequireUser", "RequireLogin", "RequireSudo"}

// requiresLogin reports whether a route refuses visitors who are not logged
// in: by a declared requirement, or by one of its hooks.
func requiresLogin(lr auditjson.Route) bool {
	if len(lr.Requires) > 0 {
		return true
	}
	for _, h := range lr.Hooks {
		name := h[strings.LastIndex(h, ".")+1:]
		for _, p := range loginHooks {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
	}
	return false
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
