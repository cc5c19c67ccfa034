package genlive

import (
	"os"
	"strings"
	"testing"
)

// templateRoutes is the routes.go of liveapp's template, which apps start from.
func templateRoutes(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../../template/internal/web/routes.go")
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

func TestAddRoutes(t *testing.T) {
	task, err := NewResource("Task", "tasks", []string{"title:string"})
	if err != nil {
		t.Fatal(err)
	}
	src := templateRoutes(t)

	t.Run("adds four routes above the marker, in the session of logged-in users", func(t *testing.T) {
		e, err := addRoutes([]byte(src), task, true)
		if err != nil {
			t.Fatal(err)
		}
		want := "\tprivate.Live(\"/tasks\", func() live.View { return &TaskIndex{app: a} })\n" +
			"\tprivate.Live(\"/tasks/new\", func() live.View { return &TaskForm{app: a} })\n" +
			"\tprivate.Live(\"/tasks/{id}\", func() live.View { return &TaskShow{app: a} })\n" +
			"\tprivate.Live(\"/tasks/{id}/edit\", func() live.View { return &TaskForm{app: a, edit: true} })\n" +
			"\t" + RouteMarker + "\n"
		if !strings.Contains(string(e.out), want) || !e.changes() {
			t.Errorf("routes.go after the edit:\n%s", e.out)
		}
		again, err := addRoutes(e.out, task, false)
		if err != nil || again.changes() || again.note != "" {
			t.Errorf("a second edit: changes %v, note %q, error %v", again.changes(), again.note, err)
		}
	})
	t.Run("leaves routes written by hand alone, and says so", func(t *testing.T) {
		project, _ := NewResource("Project", "projects", []string{"name:string"})
		hand := strings.Replace(src, "return &ProjectIndex{app: a}", "return &ProjectIndex{app: a, extra: 1}", 1)
		e, err := addRoutes([]byte(hand), project, false)
		if err != nil || e.changes() || !strings.Contains(e.note, "already routes /projects") {
			t.Errorf("changes %v, note %q, error %v", e.changes(), e.note, err)
		}
	})
	t.Run("refuses a path that something else routes", func(t *testing.T) {
		static, err := NewResource("Asset", "static", []string{"name:string"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := addRoutes([]byte(src), static, true); err == nil || !strings.Contains(err.Error(), "already routes /static") {
			t.Errorf("error %v, want one that says routes.go already routes /static", err)
		}
	})

	for _, tt := range []struct {
		name string
		src  string
		want string // in the error
	}{
		{"without the marker", strings.Replace(src, RouteMarker, "", 1), "has no line"},
		{"with the marker twice", strings.Replace(src, RouteMarker, RouteMarker+"\n\t"+RouteMarker, 1), "twice"},
		{"with the marker in the session of visitors", moveMarker(src, "\tguest.Live("), `session "guest"`},
		{"with the marker outside a session", "package web\n\n" + RouteMarker + "\n// RequireAuthenticated\n", "not after a live session"},
		{"of an app without accounts", "package web\n", "run liveapp gen.auth first"},
	} {
		t.Run("refuses routes.go "+tt.name, func(t *testing.T) {
			_, err := addRoutes([]byte(tt.src), task, true)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one that says %q", err, tt.want)
			}
		})
	}
}

// moveMarker moves the marker line of src to just before the line that
// starts with before.
func moveMarker(src, before string) string {
	src = strings.Replace(src, "\t"+RouteMarker+"\n", "", 1)
	return strings.Replace(src, before, "\t"+RouteMarker+"\n"+before, 1)
}
