package genlive

import (
	"fmt"
	"regexp"
	"strings"
)

// RouteMarker is the comment line of an app's internal/web/routes.go above
// which gen.live adds the routes of a new resource. The template puts it at the
// end of the live session of logged-in users.
const RouteMarker = "// liveapp gen.live adds the routes of new resources above this line."

// FileRouteMarker is the comment line of routes.go above which gen.live adds
// the HTTP route that serves the files of a resource with a file field. The
// template puts it after the avatar's route, among the plain HTTP handlers
// that require a logged-in user.
const FileRouteMarker = "// liveapp gen.live adds the file routes of new resources above this line."

var (
	handleCall  = regexp.MustCompile(`^\s*(\w+)\.Handle\(.*\b(\w+)\.RequireAuthenticated\(`)
	liveCall    = regexp.MustCompile(`^\s*(\w+)\.Live\(`)
	sessionDecl = regexp.MustCompile(`^\s*(\w+)\s*:?=\s*[\w.]+\.Session\(`)
	appMethod   = regexp.MustCompile(`^func \((\w+) \*App\)`)
)

// routesEdit is the change gen.live makes to routes.go.
type routesEdit struct {
	src, out []byte // before and after; equal when there is nothing to add
	note     string // why nothing is added, when routes of the user's are there already
}

// addRoutes returns the edit that adds r's four routes to routes.go, whose
// content is src, above the marker: in the same live session as the routes
// above it, which must be the one that requires a logged-in user. fresh says
// that r has not been generated before, so that routes to its path belong to
// something else.
func addRoutes(src []byte, r *Resource, fresh bool) (*routesEdit, error) {
	text := string(src)
	lines := strings.SplitAfter(text, "\n")
	at := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == RouteMarker {
			if at >= 0 {
				return nil, fmt.Errorf("%s has the marker line twice; keep the one in the live session of logged-in users", routesFile)
			}
			at = i
		}
	}
	if at < 0 && !strings.Contains(text, "RequireAuthenticated") {
		return nil, fmt.Errorf("this app has no accounts, so no user to own %s: run liveapp gen.auth first", r.HumanPlural())
	}
	if at < 0 {
		return nil, fmt.Errorf("%s has no line\n\t%s\nAdd it as the last line of the live session of logged-in users (the one with auth.RequireAuthenticated), where new routes belong, then run gen.live again", routesFile, RouteMarker)
	}

	// The session and the App receiver are whatever the lines above use.
	session, app := "", ""
	sessionAt := -1
	for i := at - 1; i >= 0 && (sessionAt < 0 || app == ""); i-- {
		if m := liveCall.FindStringSubmatch(lines[i]); m != nil && session == "" {
			session = m[1]
		}
		if m := sessionDecl.FindStringSubmatch(lines[i]); m != nil && sessionAt < 0 && (session == "" || m[1] == session) {
			session, sessionAt = m[1], i
		}
		if m := appMethod.FindStringSubmatch(lines[i]); m != nil {
			app = m[1]
			break
		}
	}
	if sessionAt < 0 || app == "" {
		return nil, fmt.Errorf("the marker line in %s is not after a live session in a method of App; move it to the end of the live session of logged-in users", routesFile)
	}
	if !strings.Contains(strings.Join(lines[sessionAt:at], ""), "RequireAuthenticated") {
		return nil, fmt.Errorf("the marker line in %s is in the live session %q, which does not require a logged-in user; move it to the end of the one that does", routesFile, session)
	}

	indent := lines[at][:len(lines[at])-len(strings.TrimLeft(lines[at], " \t"))]
	add := []string{
		fmt.Sprintf("%s.Live(%q, func() live.View { return &%sIndex{app: %s} })", session, r.Path(), r.Singular, app),
		fmt.Sprintf("%s.Live(%q, func() live.View { return &%sForm{app: %s} })", session, r.Path()+"/new", r.Singular, app),
		fmt.Sprintf("%s.Live(%q, func() live.View { return &%sShow{app: %s} })", session, r.Path()+"/{id}", r.Singular, app),
		fmt.Sprintf("%s.Live(%q, func() live.View { return &%sForm{app: %s, edit: true} })", session, r.Path()+"/{id}/edit", r.Singular, app),
	}
	edit := &routesEdit{src: src, out: src}

	// Routes already there stay as they are: a second route for the same
	// path would make the app panic at start. After an earlier run, they are
	// the resource's, maybe changed by the user; otherwise the path is taken.
	if regexp.MustCompile(`"(?:[A-Z]+ )?` + regexp.QuoteMeta(r.Path()) + `["/]`).MatchString(text) {
		switch {
		case strings.Contains(text, add[0]):
		case fresh:
			return nil, fmt.Errorf("%s already routes %s; choose another plural", routesFile, r.Path())
		default:
			edit.note = fmt.Sprintf("%s already routes %s; left as it is", routesFile, r.Path())
		}
		return edit, nil
	}
	fileAt, fileLine := -1, ""
	if r.Has(File) {
		var err error
		if fileAt, fileLine, err = fileRoute(lines, r, app); err != nil {
			return nil, err
		}
	}
	var b strings.Builder
	for i, l := range lines {
		if i == at {
			for _, a := range add {
				b.WriteString(indent + a + "\n")
			}
		}
		if i == fileAt {
			b.WriteString(fileLine)
		}
		b.WriteString(l)
	}
	edit.out = []byte(b.String())
	return edit, nil
}

// fileRoute returns where the HTTP route that serves r's files goes, the
// line of the file route marker, and the line itself: registered like the
// route above the marker, on the same mux and behind the same
// RequireAuthenticated, with app as the App's receiver.
func fileRoute(lines []string, r *Resource, app string) (int, string, error) {
	at := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == FileRouteMarker {
			at = i
		}
	}
	if at < 0 {
		return 0, "", fmt.Errorf("%s has no line\n\t%s\nwhere gen.live adds the route that serves files. Add it after the plain HTTP routes that require a logged-in user\n"+
			"(such as mux.Handle(\"GET /users/avatar/{key}\", auth.RequireAuthenticated(...))), then run gen.live again", routesFile, FileRouteMarker)
	}
	for i := at - 1; i >= 0; i-- {
		if m := handleCall.FindStringSubmatch(lines[i]); m != nil {
			indent := lines[at][:len(lines[at])-len(strings.TrimLeft(lines[at], " \t"))]
			return at, fmt.Sprintf("%s%s.Handle(%q, %s.RequireAuthenticated(http.HandlerFunc(%s.%s)))\n",
				indent, m[1], "GET "+r.FileRoute(), m[2], app, r.FileHandler()), nil
		}
		if appMethod.MatchString(lines[i]) {
			break
		}
	}
	return 0, "", fmt.Errorf("the file route marker in %s does not follow a route such as mux.Handle(\"GET /users/avatar/{key}\", auth.RequireAuthenticated(...)); move it after one", routesFile)
}

// changes reports whether the edit changes routes.go.
func (e *routesEdit) changes() bool { return string(e.src) != string(e.out) }
