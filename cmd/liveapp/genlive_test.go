package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// genLiveFields give a field of every type, optional and not.
var genLiveFields = []string{
	"title:string", "notes:text:optional", "priority:integer", "done:boolean", "due_on:date",
	"starts_at:datetime", "price:decimal", "estimate:integer:optional", "review_on:date:optional",
	"ends_at:datetime:optional", "cost:decimal:optional", "weight:float", "ratio:float:optional",
	"serial:uuid:unique", "batch:uuid:optional", "status:enum:draft,in_progress,done", "color:enum:red,blue:optional",
	"code:string:unique", "ticket:integer:optional:unique", "project_id:references:projects",
	"backup_project_id:references:projects:optional", "attachment:file", "photo:file:optional",
}

// standInApp copies the repository's template/ app into a temporary directory
// as an app to run gen.live in. Only for tests: its imports move to the module
// example.com/standin, whose go.mod points liveapp at this checkout.
func standInApp(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "standin")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(root, "template"))); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".go" {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src = bytes.ReplaceAll(src, []byte("github.com/liveapp/liveapp/template/"), []byte("example.com/standin/"))
		return os.WriteFile(path, src, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	gomod := "module example.com/standin\n\ngo 1.26.0\n\nrequire github.com/liveapp/liveapp v0.0.0\n\n" +
		"replace github.com/liveapp/liveapp => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// genLive runs liveapp with args in dir.
func genLive(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	t.Chdir(dir)
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// snapshot returns the content of every file under dir, by path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameFiles reports the first difference between two snapshots, or "".
func sameFiles(before, after map[string]string) string {
	for p, b := range before {
		if a, ok := after[p]; !ok {
			return p + " was removed"
		} else if a != b {
			return p + " changed"
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			return p + " was created"
		}
	}
	return ""
}

// TestGenLiveBuildsAndPassesItsTests is the end-to-end test: the generated
// resources are gofmt-clean, the app builds and vets with them, and their own
// tests pass (the authorization tests among them). One app holds a resource
// with a field of every type and modifier, so that a single build covers them.
func TestGenLiveBuildsAndPassesItsTests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a whole app")
	}
	dir := standInApp(t)
	out, err := genLive(t, dir, append([]string{"gen.live", "Task", "tasks"}, genLiveFields...)...)
	if err != nil {
		t.Fatalf("gen.live: %v\n%s", err, out)
	}
	for _, want := range []string{
		"wrote      migrations/002_create_tasks.sql", "wrote      internal/tasks/store.go",
		"wrote      internal/web/tasks_test.go", "updated    internal/web/routes.go: routes for /tasks",
		"updated    internal/web/web.go: App.Tasks, the store its views share",
		`run "` + selfCommand(os.Args[0], exec.LookPath, os.Executable) + ` migrate"`, "Visit /tasks",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	// Resources of other shapes take other branches of the templates: no text
	// field to name records by, no field a form can get wrong.
	for _, args := range [][]string{
		{"gen.live", "Reading", "readings", "value:decimal", "taken_at:datetime:optional"},
		{"gen.live", "Setting", "settings", "enabled:boolean"},
		{"gen.live", "Category", "categories", "name:string:unique", "rank:integer:unique", "sheet:file:optional", "--no-scope"},
	} {
		out, err := genLive(t, dir, args...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		if shared := slices.Contains(args, "--no-scope"); shared != strings.Contains(out, "Every logged-in user sees, edits and\n!! deletes every one of them") {
			t.Errorf("%s: the warning about --no-scope is missing or out of place:\n%s", strings.Join(args, " "), out)
		}
	}
	for _, args := range [][]string{
		{"gofmt", "-l", "internal/tasks", "internal/readings", "internal/settings", "internal/web/tasks.go",
			"internal/web/tasks_test.go", "internal/web/readings.go", "internal/web/readings_test.go",
			"internal/web/settings.go", "internal/web/settings_test.go", "internal/categories",
			"internal/web/categories.go", "internal/web/categories_test.go", "internal/web/web.go"},
		{"go", "build", "./..."},
		{"go", "vet", "./..."},
		// The generated tests only: the template's own run in template/.
		{"go", "test", "-count=1", "./internal/tasks", "./internal/readings", "./internal/settings", "./internal/categories"},
		{"go", "test", "-count=1", "-v", "-run", "^Test(Tasks|Readings|Settings|Categories)(NeedALogIn|Follow|Refuse|KeepTheirFiles)|" +
			"^Test(CreateEditAndDelete|AnotherUsers|EveryUserReachesEvery)(ATask|AReading|ASetting|ACategory|Task|Reading|Setting|Category)", "./internal/web"},
	} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		// -mod=mod lets go add the requirements the stand-in's go.mod lacks,
		// from the module cache that building liveapp filled.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		got, err := cmd.CombinedOutput()
		if err != nil || args[0] == "gofmt" && len(got) > 0 {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, got)
		}
		if slices.Contains(args, "-v") {
			// Every generated web test ran: five for the resources with a
			// unique field, four for the others, and one more for those
			// with a file.
			if n := strings.Count(string(got), "\n--- PASS: Test"); n != 20 {
				t.Errorf("%d generated web tests passed, want 20:\n%s", n, got)
			}
		}
	}
}

func TestGenLiveRefusesInvalidInputAndWritesNothing(t *testing.T) {
	dir := standInApp(t)
	before := snapshot(t, dir)
	for _, tt := range []struct {
		name string
		args []string
		want string // in the error
	}{
		{"too few arguments", []string{"Task", "tasks"}, "at least one field"},
		{"an unknown type", []string{"Task", "tasks", "title:string", "size:money"}, `unknown type "money"`},
		{"a reserved field", []string{"Task", "tasks", "user_id:integer"}, "reserved"},
		{"a Go keyword", []string{"Task", "tasks", "range:integer"}, "Go keyword"},
		{"a duplicate field", []string{"Task", "tasks", "title:string", "title:string"}, "given twice"},
		{"a bad resource name", []string{"task", "tasks", "title:string"}, "CamelCase"},
		{"a bad plural", []string{"Task", "Tasks", "title:string"}, "snake_case"},
		{"a plural another resource has", []string{"Item", "projects", "title:string"}, "internal/projects exists already"},
		{"the sample resource again", []string{"Project", "projects", "name:string"}, "use --force to overwrite"},
		{"a table of accounts", []string{"Token", "users_tokens", "title:string"}, "liveapp's accounts schema"},
		{"a file of the web package", []string{"Frame", "layout", "title:string"}, "does not hold the frame views"},
		{"a reference to no table", []string{"Task", "tasks", "list_id:references:lists"}, "no migration creates a table lists"},
		{"a reference without _id", []string{"Task", "tasks", "project:references:projects"}, "ends in _id"},
		{"a reference to accounts", []string{"Task", "tasks", "user_token_id:references:users_tokens"}, "liveapp's accounts schema"},
		{"a shared resource with a reference", []string{"Task", "tasks", "project_id:references:projects", "--no-scope"}, "cannot have references yet"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := genLive(t, dir, append([]string{"gen.live"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one that says %q\n%s", err, tt.want, out)
			}
			if diff := sameFiles(before, snapshot(t, dir)); diff != "" {
				t.Errorf("a refused run changed the app: %s", diff)
			}
		})
	}
}

func TestGenLiveTwiceChangesNothingAndNeverOverwritesWithoutForce(t *testing.T) {
	dir := standInApp(t)
	args := append([]string{"gen.live", "Task", "tasks"}, genLiveFields...)
	if out, err := genLive(t, dir, args...); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	generated := snapshot(t, dir)

	out, err := genLive(t, dir, args...)
	if err != nil || !strings.Contains(out, "nothing changed") || strings.Contains(out, "wrote") {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	if diff := sameFiles(generated, snapshot(t, dir)); diff != "" {
		t.Fatalf("the second run changed the app: %s", diff)
	}

	store := filepath.Join(dir, "internal", "tasks", "store.go")
	if err := os.WriteFile(store, []byte("package tasks // mine now\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changed := snapshot(t, dir)
	if _, err := genLive(t, dir, args...); err == nil || !strings.Contains(err.Error(), "internal/tasks/store.go") ||
		!strings.Contains(err.Error(), "--force") {
		t.Fatalf("run over a changed file: %v", err)
	}
	if diff := sameFiles(changed, snapshot(t, dir)); diff != "" {
		t.Fatalf("a refused run changed the app: %s", diff)
	}
	if out, err := genLive(t, dir, append(args, "--force")...); err != nil || !strings.Contains(out, "wrote      internal/tasks/store.go") {
		t.Fatalf("forced run: %v\n%s", err, out)
	}
	if diff := sameFiles(generated, snapshot(t, dir)); diff != "" {
		t.Fatalf("the forced run did not restore the generated files: %s", diff)
	}
}

func TestGenLiveNeedsTheRoutesMarker(t *testing.T) {
	dir := standInApp(t)
	routes := filepath.Join(dir, "internal", "web", "routes.go")
	src, err := os.ReadFile(routes)
	if err != nil {
		t.Fatal(err)
	}
	src = bytes.Replace(src, []byte("// liveapp gen.live adds the routes of new resources above this line."), nil, 1)
	if err := os.WriteFile(routes, src, 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	_, err = genLive(t, dir, "gen.live", "Task", "tasks", "title:string")
	if err == nil || !strings.Contains(err.Error(), "liveapp gen.live adds the routes of new resources above this line.") {
		t.Errorf("error %v, want one that names the marker line", err)
	}
	if diff := sameFiles(before, snapshot(t, dir)); diff != "" {
		t.Errorf("a refused run changed the app: %s", diff)
	}
}

// TestGenLiveNeedsTheStoreMarkers: an app made before web.go had the lines
// where gen.live adds a store gets them printed, and nothing is written.
func TestGenLiveNeedsTheStoreMarkers(t *testing.T) {
	dir := standInApp(t)
	web := filepath.Join(dir, "internal", "web", "web.go")
	src, err := os.ReadFile(web)
	if err != nil {
		t.Fatal(err)
	}
	for _, marker := range []string{
		"\t// liveapp gen.live adds the stores of new resources above this line.\n",
		"\t// liveapp gen.live builds the stores of new resources above this line.\n",
	} {
		src = bytes.Replace(src, []byte(marker), nil, 1)
	}
	if err := os.WriteFile(web, src, 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	_, err = genLive(t, dir, "gen.live", "Task", "tasks", "title:string")
	if err == nil || !strings.Contains(err.Error(), "internal/web/web.go lacks the lines") ||
		!strings.Contains(err.Error(), "// liveapp gen.live builds the stores of new resources above this line.") {
		t.Errorf("error %v, want one that prints the marker lines", err)
	}
	if diff := sameFiles(before, snapshot(t, dir)); diff != "" {
		t.Errorf("a refused run changed the app: %s", diff)
	}
}
