package audit

import (
	"os"
	"testing"
)

func TestDebugTemplate(t *testing.T) {
	prog, err := loadProgram("../..", "./template/...")
	if err != nil {
		t.Fatal(err)
	}
	table := &RouteTable{App: "app", Routes: []LiveRoute{
		{Path: "/projects", View: "web.ProjectIndex", Hooks: []string{"authweb.RequireAuthenticatedHook"}},
		{Path: "/projects/new", View: "web.ProjectForm", Hooks: []string{"authweb.RequireAuthenticatedHook"}},
		{Path: "/projects/{id}", View: "web.ProjectShow", Hooks: []string{"authweb.RequireAuthenticatedHook"}},
		{Path: "/users/settings", View: "web.Settings", Hooks: []string{"authweb.RequireAuthenticatedHook"}},
		{Path: "/users/sessions", View: "web.Sessions", Hooks: []string{"authweb.RequireAuthenticatedHook"}},
		{Path: "/users/log-in", View: "web.LogIn", Public: true},
		{Path: "/", View: "web.Home", Public: true},
	}, Settings: Settings{CheckOrigin: "same-origin", Environment: "production", Argon2: Argon2{19456, 2, 1}, Cookies: Cookies{true, true, "lax", "app"}, CSP: "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"}}
	r := Analyze(table, prog)
	r.WriteText(os.Stdout)
}
