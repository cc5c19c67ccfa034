package audit

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTemplateAuditsClean audits the app template as it is kept in this
// repository: CI holds it to no finding, warnings included.
func TestTemplateAuditsClean(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("the audit builds the app with the go command, which is not on PATH")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(t.Context(), Target{Dir: root, Name: "app", Packages: []string{"./template/..."}, Command: "./template/cmd/app"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	t.Log(b.String())
	if len(r.Findings) > 0 {
		t.Fatalf("the template has findings:\n%s", b.String())
	}
	for _, rt := range r.Routes {
		if !rt.Public && rt.ReachableWithoutLogin {
			t.Errorf("%s is reachable without login", rt.Path)
		}
		for _, e := range rt.Events {
			if len(e.Writes) > 0 && len(e.Requires) == 0 {
				t.Errorf("%s: event %s writes without a requirement", rt.Path, e.Name)
			}
		}
	}
	for _, want := range []string{
		"/projects/{id}  web.ProjectShow  (template project_show)\n  session  authenticated: web.(*Auth).MountCurrentUser, web.assignFormToken, web.(*App).assignAvatar\n  access   login required; requires user\n",
		"  events   delete: requires user; writes projects.Store.Delete\n",
		"  topics   projects.Topic(v.scope)\n",
		"0 errors, 0 warnings\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the text report lacks %q", want)
		}
	}
	i := slices.IndexFunc(r.Routes, func(rt Route) bool { return rt.Path == "/users/sessions" })
	if i < 0 {
		t.Fatalf("no /users/sessions:\n%s", b.String())
	}
	sessions := r.Routes[i]
	if !slices.ContainsFunc(sessions.Events, func(e Event) bool {
		return e.Name == "revoke" && slices.Contains(e.Writes, "accounts.Store.DeleteSession") && len(e.Requires) > 0
	}) {
		t.Errorf("/users/sessions events: %+v", sessions.Events)
	}
	if !slices.ContainsFunc(sessions.Assigns, func(a Assign) bool { return a.From == "assign" }) {
		t.Errorf("/users/sessions: no assign of its hooks (assignFormToken): %+v", sessions.Assigns)
	}
}
