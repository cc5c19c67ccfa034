package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/internal/audit"
	"github.com/liveapp/liveapp/live/auditjson"
)

// auditApp audits the app in dir as liveapp audit --json does, and returns
// its report and the exit status liveapp would end with.
func auditApp(t *testing.T, dir string) (*audit.Report, int) {
	t.Helper()
	var out bytes.Buffer
	err := runAudit(t.Context(), &out, dir, auditOptions{JSON: true})
	code := 0
	if err != nil {
		var e *exitError
		if !errors.As(err, &e) {
			t.Fatalf("audit: %v (not an exitError)", err)
		}
		code = e.code
		if code == 2 {
			t.Fatalf("audit could not run: %v", err)
		}
	}
	var r audit.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("the report is not JSON: %v\n%s", err, out.Bytes())
	}
	if r.Schema != audit.ReportSchema {
		t.Fatalf("schema %q", r.Schema)
	}
	return &r, code
}

// edit replaces old, which must occur in the app's file, with new, and
// restores the file when the test ends.
func edit(t *testing.T, dir, file, old, new string) {
	t.Helper()
	path := filepath.Join(dir, file)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte(old)) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	t.Cleanup(func() {
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Error(err)
		}
	})
	if err := os.WriteFile(path, bytes.Replace(src, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

func findingsText(r *audit.Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(string(f.Severity) + " " + f.Check + " " + f.Route + " " + f.Event + ": " + f.Message + "\n")
	}
	return b.String()
}

// TestAudit generates an app once, audits it, grows it with gen.live and
// audits it again, then injects one fault at a time into the same app
// (restoring it after each), so that the go command's cache keeps the builds
// short.
func TestAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated app")
	}
	needGo(t)
	tmp := t.TempDir()
	t.Chdir(tmp)
	if out, err := run(t, "new", "shop"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	app := filepath.Join(tmp, "shop")

	t.Run("a generated app audits clean", func(t *testing.T) {
		r, code := auditApp(t, app)
		if code != 0 || len(r.Findings) > 0 {
			t.Fatalf("exit %d, findings:\n%s", code, findingsText(r))
		}
		i := slices.IndexFunc(r.Routes, func(rt audit.Route) bool { return rt.Path == "/projects/{id}" })
		if i < 0 {
			t.Fatalf("no route /projects/{id}: %+v", r.Routes)
		}
		rt := r.Routes[i]
		if rt.View != "web.ProjectShow" || rt.Template != "project_show" || rt.ReachableWithoutLogin || !slices.Equal(rt.Requires, []string{"user"}) {
			t.Errorf("route: %+v", rt)
		}
		if !slices.Equal(rt.Topics, []string{"projects.Topic(v.scope)"}) {
			t.Errorf("topics: %v", rt.Topics)
		}
		if !slices.ContainsFunc(rt.Assigns, func(a audit.Assign) bool { return a.Name == "Project" && a.Type == "*projects.Project" }) {
			t.Errorf("assigns: %+v", rt.Assigns)
		}
		j := slices.IndexFunc(rt.Events, func(e audit.Event) bool { return e.Name == "delete" })
		if j < 0 {
			t.Fatalf("no delete event: %+v", rt.Events)
		}
		if e := rt.Events[j]; !slices.Equal(e.Requires, []string{"user"}) || !slices.Equal(e.Writes, []string{"projects.Store.Delete"}) {
			t.Errorf("delete event: %+v", e)
		}
		home := slices.IndexFunc(r.Routes, func(rt audit.Route) bool { return rt.Path == "/" })
		if home < 0 || !r.Routes[home].Public || !r.Routes[home].ReachableWithoutLogin {
			t.Errorf("home: %+v", r.Routes)
		}
	})

	t.Run("an app grown with gen.live audits clean", func(t *testing.T) {
		t.Chdir(app)
		if out, err := run(t, "gen.live", "Task", "tasks", "title:string", "done:boolean", "attachment:file"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		r, code := auditApp(t, app)
		if code != 0 || len(r.Findings) > 0 {
			t.Fatalf("exit %d, findings:\n%s", code, findingsText(r))
		}
		if !slices.ContainsFunc(r.Routes, func(rt audit.Route) bool { return rt.Path == "/tasks/{id}" && !rt.ReachableWithoutLogin }) {
			t.Errorf("no guarded /tasks/{id}: %+v", r.Routes)
		}
		if !slices.ContainsFunc(r.HTTPRoutes, func(rt auditjson.HTTPRoute) bool { return rt.Path == "/tasks/{id}/files/{field}" && !rt.Public }) {
			t.Errorf("no /tasks/{id}/files/{field} that needs a login: %+v", r.HTTPRoutes)
		}
	})

	faults := []struct {
		name  string
		edits [][3]string // file, old, new
		check string      // the finding expected
		route string      // on this route, when it is a route's
		event string      // about this event, when it is an event's
	}{
		{
			name: "a view with no auth hook",
			edits: [][3]string{{"internal/web/routes.go", "\tmux := newRouteMux()\n",
				"\trt.Session(\"open\", live.SessionOptions{Layout: a.layout}).Live(\"/open\", func() live.View { return &Home{app: a} })\n\tmux := newRouteMux()\n"}},
			check: audit.CheckPublicView, route: "/open",
		},
		{
			name: "a write event with no requirement",
			edits: [][3]string{{"internal/web/projects.go", "\treturn nil\n}\n\n// Render renders the page.\n",
				"\ts.On(\"rename\", func(ctx context.Context, _ live.Params) error {\n\t\t_, err := v.app.Projects.Update(ctx, v.scope, v.Project.ID, projects.Params{Name: \"renamed\"})\n\t\treturn err\n\t})\n\treturn nil\n}\n\n// Render renders the page.\n"}},
			check: audit.CheckWriteEvent, route: "/projects/{id}", event: "rename",
		},
		{
			name: "an unscoped query",
			edits: [][3]string{
				{"internal/projects/store.go", "\n// Get ", "\n// Count counts every user's projects.\nfunc (s *Store) Count(ctx context.Context) (n int, err error) {\n\terr = s.db.QueryRow(ctx, \"SELECT count(*) FROM projects\").Scan(&n)\n\treturn n, err\n}\n\n// Get "},
				{"internal/web/projects.go", "\tv.Project = p\n\ttitle(s, p.Name)\n", "\tv.Project = p\n\ttitle(s, p.Name)\n\tif _, err := v.app.Projects.Count(ctx); err != nil {\n\t\treturn err\n\t}\n"},
			},
			check: audit.CheckUnscopedCall,
		},
		{
			name:  "SQL run from a view",
			edits: [][3]string{{"internal/web/projects.go", "\tv.scope = authweb.ScopeFromSocket(s)\n\tp, err := loadProject", "\tv.scope = authweb.ScopeFromSocket(s)\n\tif _, err := v.app.cfg.DB.Exec(ctx, \"UPDATE projects SET name = name\"); err != nil {\n\t\treturn err\n\t}\n\tp, err := loadProject"}},
			check: audit.CheckUnscopedQuery, route: "/projects/{id}",
		},
		{
			name:  "the origin check opened to any origin",
			edits: [][3]string{{"internal/web/web.go", "\tif a.Runtime, err = live.New(rc); err != nil {\n", "\trc.AllowedOrigins = []string{\"*\"}\n\tif a.Runtime, err = live.New(rc); err != nil {\n"}},
			check: audit.CheckOrigin,
		},
		{
			name:  "dev mode in production",
			edits: [][3]string{{"cmd/shop/config.go", "\tcase \"dev\":\n\t\tc.Dev = true\n\tcase \"\", \"prod\":\n", "\tcase \"dev\", \"\":\n\t\tc.Dev = true\n\tcase \"prod\":\n"}},
			check: audit.CheckDevMode,
		},
		{
			name: "weak argon2",
			edits: [][3]string{{"internal/web/web.go", "\tac := cfg.Accounts\n",
				"\tac := cfg.Accounts\n\tac.Hash = accounts.HashParams{Memory: 4096, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}\n"}},
			check: audit.CheckArgon2,
		},
	}
	// The faults touch different code and settings, and each finding names
	// what it is about, so one audit of the app with all of them finds each:
	// one build instead of one per fault.
	t.Run("each injected fault is found", func(t *testing.T) {
		for _, f := range faults {
			for _, e := range f.edits {
				edit(t, app, e[0], e[1], e[2])
			}
		}
		r, code := auditApp(t, app)
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		for _, f := range faults {
			if !slices.ContainsFunc(r.Findings, func(x audit.Finding) bool {
				return x.Check == f.check && x.Severity == audit.Error && (f.route == "" || x.Route == f.route) && (f.event == "" || x.Event == f.event)
			}) {
				t.Errorf("%s: no %s finding (route %q):\n%s", f.name, f.check, f.route, findingsText(r))
			}
		}
	})

	t.Run("an app that does not build is bad input", func(t *testing.T) {
		edit(t, app, "internal/web/projects.go", "package web\n", "package web\n\nfunc broken() { undefined() }\n")
		err := runAudit(t.Context(), &bytes.Buffer{}, app, auditOptions{})
		var e *exitError
		if !errors.As(err, &e) || e.code != 2 || !strings.Contains(err.Error(), "does not build") {
			t.Errorf("got %v, want exit 2 saying the app does not build", err)
		}
	})
}

// TestAuditBadInput checks that what is not an audit ends with status 2.
func TestAuditBadInput(t *testing.T) {
	t.Run("a flag or an argument it does not know is bad input", func(t *testing.T) {
		for _, args := range [][]string{{"audit", "--nope"}, {"audit", "extra"}} {
			_, err := run(t, args...)
			if code, _ := exitCode(err); code != 2 {
				t.Errorf("%v: exit %d (%v), want 2", args, code, err)
			}
		}
	})

	t.Run("outside an app is bad input", func(t *testing.T) {
		err := runAudit(t.Context(), &bytes.Buffer{}, t.TempDir(), auditOptions{})
		var e *exitError
		if !errors.As(err, &e) || e.code != 2 || !strings.Contains(err.Error(), "not in a liveapp app") {
			t.Errorf("got %v, want exit 2 saying this is not an app", err)
		}
	})
}
