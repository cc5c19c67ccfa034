package genlive

import (
	"errors"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/internal/scaffold"
)

// newApp copies liveapp's template into a temporary directory, as the app
// gen.live writes into, with a go.mod of module example.com/app. The tests of
// cmd/liveapp build and test what gen.live writes; these only look at it.
func newApp(t *testing.T) *App {
	t.Helper()
	dir := t.TempDir()
	err := os.CopyFS(dir, os.DirFS("../../template"))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/app\n\ngo 1.26.0\n"), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	app, err := FindApp(filepath.Join(dir, "internal"))
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func resource(t *testing.T, singular, plural string, fields ...string) *Resource {
	t.Helper()
	r, err := NewResource(singular, plural, fields)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// everyType is a resource with a field of every type, optional and not.
func everyType(t *testing.T) *Resource {
	return resource(t, "Task", "tasks", "title:string", "notes:text:optional", "priority:integer",
		"done:boolean", "due_on:date", "starts_at:datetime", "price:decimal", "subtitle:string:optional",
		"body:text", "estimate:integer:optional", "review_on:date:optional", "ends_at:datetime:optional",
		"cost:decimal:optional")
}

func file(t *testing.T, p *Plan, path string) string {
	t.Helper()
	for _, f := range p.Files {
		if f.Path == path {
			return string(f.Data)
		}
	}
	t.Fatalf("no %s among %d files", path, len(p.Files))
	return ""
}

func TestPrepare(t *testing.T) {
	app := newApp(t)
	p, err := Prepare(app, everyType(t))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range p.Files {
		paths = append(paths, f.Path)
		if strings.HasSuffix(f.Path, ".go") {
			if formatted, err := format.Source(f.Data); err != nil || string(formatted) != string(f.Data) {
				t.Errorf("%s is not gofmt-clean (%v)", f.Path, err)
			}
		}
		if strings.Contains(string(f.Data), "[[") || strings.Contains(string(f.Data), "<no value>") {
			t.Errorf("%s holds template leftovers", f.Path)
		}
	}
	want := "migrations/002_create_tasks.sql internal/tasks/doc.go internal/tasks/task.go " +
		"internal/tasks/store.go internal/tasks/events.go internal/tasks/store_test.go " +
		"internal/web/tasks.go internal/web/templates/task_index.html internal/web/templates/task_form.html " +
		"internal/web/templates/task_show.html internal/web/tasks_test.go"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("files:\n%s\nwant:\n%s", got, want)
	}
	for path, wants := range map[string][]string{
		"migrations/002_create_tasks.sql": {
			"user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE",
			"title text NOT NULL,", "notes text NOT NULL DEFAULT '',", "priority bigint NOT NULL,",
			"done boolean NOT NULL DEFAULT false,", "due_on date NOT NULL,", "starts_at timestamptz NOT NULL,",
			"price numeric NOT NULL,", "estimate bigint,", "cost numeric,",
			"CHECK (length(title) BETWEEN 1 AND 255)", "CHECK (length(notes) <= 10000)",
			"CREATE INDEX tasks_user_id_idx ON tasks (user_id);", "---- create above / drop below ----", "DROP TABLE tasks;",
		},
		"internal/tasks/task.go": {
			"Priority   int64", "Estimate   *int64", "ReviewOn   *time.Time", "Cost       *string",
			"func (p Params) Validate() error", "func (t *Task) Params() Params",
		},
		"internal/tasks/store.go": {
			"WHERE user_id = $1 ORDER BY", "WHERE user_id = $1 AND id = $2\", uid, id))",
			"WHERE user_id = $1 AND id = $2 RETURNING", "DELETE FROM tasks WHERE user_id = $1 AND id = $2",
		},
		"internal/tasks/events.go": {`"tasks:user:" + strconv.FormatInt(scope.UserID(), 10)`},
		"internal/web/tasks.go": {
			"import (", `"example.com/app/internal/tasks"`, "v.store = v.app.Tasks",
			"v.store.Update(ctx, v.scope, v.Task.ID, v.Form)",
		},
		"internal/web/templates/task_form.html": {
			`{{template "input" (dict "name" "title" "maxlength" "255" "autocomplete" "off" "label" "Title"`,
			`"value" .Form.Title "error" .Errors.title "autofocus" true)}}`,
			`(dict "name" "notes" "type" "textarea" "label" "Notes" "optional" true`,
			`(dict "name" "done" "type" "checkbox" "label" "Done" "checked" .Form.Done)`,
			`(dict "name" "due_on" "type" "date" "label" "Due on"`,
			`(dict "name" "starts_at" "type" "datetime-local" "label" "Starts at (UTC)" "subject" "Starts at"`,
			`"inputmode" "decimal"`, `"error" .Errors.due_on`,
		},
		"internal/web/templates/task_index.html": {
			`"row" "task_row"`, `{{define "task_row"}}`, `"click" (showModal $modal)`,
			`"event" "delete" "values" (dict "id" .ID)`,
		},
		"internal/web/templates/task_show.html": {
			`"title" .Task.Title "titleID" "task-title"`, `(showModal "confirm-delete")`,
		},
	} {
		got := file(t, p, path)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", path, w, got)
			}
		}
	}
	// The template's projects views declare flash: the new views use it.
	if strings.Contains(file(t, p, "internal/web/tasks.go"), "func flash(") {
		t.Error("tasks.go declares flash again")
	}
	// The store is a field of App, built once in New.
	// gofmt may align the new field with the one above it.
	if !regexp.MustCompile(`\tTasks +\*tasks\.Store\n\t` + regexp.QuoteMeta(StoreFieldMarker)).Match(p.stores.out) {
		t.Errorf("web.go lacks the Tasks field above %q:\n%s", StoreFieldMarker, p.stores.out)
	}
	for _, w := range []string{
		"\ta.Tasks = tasks.NewStore(cfg.DB, a.Runtime.PubSub())\n\t" + StoreBuildMarker,
		"\t// liveapp:projects end\n\n\t\"example.com/app/internal/tasks\"\n)",
	} {
		if !strings.Contains(string(p.stores.out), w) {
			t.Errorf("web.go lacks %q:\n%s", w, p.stores.out)
		}
	}
	// Prepare writes nothing.
	if _, err := os.Stat(filepath.Join(app.Dir, "internal/tasks")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Prepare wrote internal/tasks: %v", err)
	}
}

func TestApplyTwiceChangesNothing(t *testing.T) {
	app := newApp(t)
	p, err := Prepare(app, everyType(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Apply(false)
	if err != nil || len(res.Written) != len(p.Files) || !res.RoutesAdded {
		t.Fatalf("first run: %+v, %v", res, err)
	}
	if !res.StoreAdded {
		t.Error("the first run added no store to App")
	}
	routes, _ := os.ReadFile(app.path(routesFile))
	web, _ := os.ReadFile(app.path("internal/web/web.go"))
	p, err = Prepare(app, everyType(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err = p.Apply(false)
	if err != nil || len(res.Written) != 0 || res.RoutesAdded || res.RoutesNote != "" || res.StoreAdded {
		t.Fatalf("second run: %+v, %v", res, err)
	}
	if again, _ := os.ReadFile(app.path(routesFile)); string(again) != string(routes) {
		t.Error("the second run changed routes.go")
	}
	if again, _ := os.ReadFile(app.path("internal/web/web.go")); string(again) != string(web) {
		t.Error("the second run changed web.go")
	}
	if p.Migration != "migrations/002_create_tasks.sql" {
		t.Errorf("the second run's migration is %s, want the first's", p.Migration)
	}

	// A changed file stops the next run, routes included, unless forced.
	store := app.path("internal/tasks/store.go")
	if err := os.WriteFile(store, []byte("package tasks // mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var conflict *scaffold.ConflictError
	if _, err := p.Apply(false); !errors.As(err, &conflict) || conflict.Paths[0] != "internal/tasks/store.go" {
		t.Fatalf("run over a changed file: %v", err)
	}
	if res, err := p.Apply(true); err != nil || len(res.Written) != 1 {
		t.Fatalf("forced run: %+v, %v", res, err)
	}
}

func TestPrepareRefusesWhatIsInTheWay(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, app *App)
		r     func(t *testing.T) *Resource
		want  string // in the error
	}{
		{
			"a table another migration creates",
			func(t *testing.T, app *App) {
				write(t, app, "migrations/002_add_tasks.sql", "CREATE TABLE IF NOT EXISTS tasks (id bigint);\n")
			},
			func(t *testing.T) *Resource { return resource(t, "Task", "tasks", "title:string") },
			"created by migrations/002_add_tasks.sql",
		},
		{
			"a table of liveapp's accounts",
			nil,
			func(t *testing.T) *Resource { return resource(t, "RateLimit", "rate_limits", "title:string") },
			"liveapp's accounts schema",
		},
		{
			"a package of the app",
			func(t *testing.T, app *App) { write(t, app, "internal/tasks/tasks.go", "package tasks\n") },
			func(t *testing.T) *Resource { return resource(t, "Task", "tasks", "title:string") },
			"internal/tasks exists already and holds files gen.live does not write (internal/tasks/tasks.go)",
		},
		{
			"a file of the web package that the views would replace",
			nil,
			func(t *testing.T) *Resource { return resource(t, "Route", "routes", "title:string") },
			"internal/web/routes.go exists already and does not hold the route views",
		},
		{
			"a name the web package declares",
			func(t *testing.T, app *App) {
				write(t, app, "internal/web/mine.go", "package web\n\ntype TaskShow struct{}\n")
			},
			func(t *testing.T) *Resource { return resource(t, "Task", "tasks", "title:string") },
			"internal/web/mine.go declares TaskShow already",
		},
		{
			"a test name the web tests declare",
			func(t *testing.T, app *App) {
				write(t, app, "internal/web/mine_test.go", "package web_test\n\nfunc firstTask() {}\n")
			},
			func(t *testing.T) *Resource { return resource(t, "Task", "tasks", "title:string") },
			"internal/web/mine_test.go declares firstTask already",
		},
		{
			"a web package without the template's title function",
			func(t *testing.T, app *App) {
				edit(t, app, "internal/web/layout.go", "func title(", "func pageTitle(")
			},
			func(t *testing.T) *Resource { return resource(t, "Task", "tasks", "title:string") },
			"lacks the title function",
		},
		{
			"a resource named like a field of the views",
			nil,
			func(t *testing.T) *Resource { return resource(t, "Form", "forms", "title:string") },
			"the views have a field Form already",
		},
		{
			"routes.go without the marker",
			func(t *testing.T, app *App) { edit(t, app, routesFile, RouteMarker, "") },
			func(t *testing.T) *Resource { return resource(t, "Task", "tasks", "title:string") },
			"has no line",
		},
		{
			"web.go without the store markers, as apps made before them",
			func(t *testing.T, app *App) { edit(t, app, "internal/web/web.go", StoreFieldMarker, "") },
			func(t *testing.T) *Resource { return resource(t, "Task", "tasks", "title:string") },
			"internal/web/web.go lacks the lines where gen.live adds the store",
		},
		{
			"a plural that names a field of App",
			nil,
			func(t *testing.T) *Resource { return resource(t, "Clock", "runtime", "title:string") },
			"App has a field Runtime already",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp(t)
			if tt.setup != nil {
				tt.setup(t, app)
			}
			_, err := Prepare(app, tt.r(t))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one that says %q", err, tt.want)
			}
		})
	}
}

func TestPrepareAdaptsToTheApp(t *testing.T) {
	t.Run("views declare flash when the web package lacks it", func(t *testing.T) {
		app := newApp(t)
		for _, f := range []string{"internal/web/projects.go", "internal/web/projects_test.go"} {
			if err := os.Remove(app.path(f)); err != nil {
				t.Fatal(err)
			}
		}
		p, err := Prepare(app, resource(t, "Task", "tasks", "title:string"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(file(t, p, "internal/web/tasks.go"), "func flash(") {
			t.Error("tasks.go does not declare flash")
		}
	})
	t.Run("the record's variable avoids names in use", func(t *testing.T) {
		p, err := Prepare(newApp(t), resource(t, "Title", "titles", "name:string"))
		if err != nil {
			t.Fatal(err)
		}
		// title is a function of the web package.
		if web := file(t, p, "internal/web/titles.go"); !strings.Contains(web, "record, err := loadTitle(") {
			t.Errorf("the views' variable is not record:\n%s", web)
		}
	})
	t.Run("a resource without a text field goes by its id", func(t *testing.T) {
		p, err := Prepare(newApp(t), resource(t, "Reading", "readings", "value:decimal", "taken_at:datetime"))
		if err != nil {
			t.Fatal(err)
		}
		if web := file(t, p, "internal/web/readings.go"); !strings.Contains(web, `title(s, "Reading "+strconv.FormatInt(reading.ID, 10))`) {
			t.Errorf("the show page's title is not the id:\n%s", web)
		}
	})
	t.Run("migrations are numbered after the app's", func(t *testing.T) {
		app := newApp(t)
		write(t, app, "migrations/0007_add_things.sql", "SELECT 1;\n")
		p, err := Prepare(app, resource(t, "Task", "tasks", "title:string"))
		if err != nil || p.Migration != "migrations/0008_create_tasks.sql" {
			t.Errorf("migration %q (%v), want migrations/0008_create_tasks.sql", p.Migration, err)
		}
	})
}

func TestRefill(t *testing.T) {
	src := "// A short\n// comment that runs on.\n//\n//\tcode stays\n\tx := 1 // trailing stays\n" +
		"//go:embed stays\n" + "// " + strings.Repeat("word ", 20) + "\n"
	want := "// A short comment that runs on.\n//\n//\tcode stays\n\tx := 1 // trailing stays\n" +
		"//go:embed stays\n" + "// " + strings.TrimSpace(strings.Repeat("word ", 15)) + "\n// " +
		strings.TrimSpace(strings.Repeat("word ", 5)) + "\n"
	if got := string(refill([]byte(src), "//")); got != want {
		t.Errorf("refill:\n%s\nwant:\n%s", got, want)
	}
}

func write(t *testing.T, app *App, rel, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(app.path(rel)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(app.path(rel), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func edit(t *testing.T, app *App, rel, old, new string) {
	t.Helper()
	src, err := os.ReadFile(app.path(rel))
	if err != nil || !strings.Contains(string(src), old) {
		t.Fatalf("%s lacks %q (%v)", rel, old, err)
	}
	write(t, app, rel, strings.Replace(string(src), old, new, 1))
}

func TestNewTypesAndUnique(t *testing.T) {
	p, err := Prepare(newApp(t), resource(t, "Gadget", "gadgets", "name:string:unique", "weight:float",
		"serial:uuid:unique", "status:enum:draft,in_progress,done", "color:enum:red,blue:optional",
		"ratio:float:optional", "batch:uuid:optional", "number:integer:unique"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Files {
		if strings.Contains(string(f.Data), "[[") || strings.Contains(string(f.Data), "<no value>") {
			t.Errorf("%s holds template leftovers", f.Path)
		}
	}
	for path, wants := range map[string][]string{
		"migrations/002_create_gadgets.sql": {
			"weight double precision NOT NULL,", "serial uuid NOT NULL,", "status text NOT NULL,",
			"color text NOT NULL DEFAULT '',", "ratio double precision,", "batch uuid,",
			"CONSTRAINT gadgets_status_value CHECK (status IN ('draft', 'in_progress', 'done'))",
			"CONSTRAINT gadgets_color_value CHECK (color IN ('', 'red', 'blue'))",
			"CREATE UNIQUE INDEX gadgets_name_key ON gadgets (user_id, name);",
			"CREATE UNIQUE INDEX gadgets_serial_key ON gadgets (user_id, serial);",
		},
		"internal/gadgets/gadget.go": {
			"Weight     float64", "Ratio      *float64", "Batch      *string",
			`var StatusValues = []string{"draft", "in_progress", "done"}`,
			"case !slices.Contains(StatusValues, p.Status):", "case !uuidPattern.MatchString(p.Serial):",
			"case err != nil || math.IsNaN(n) || math.IsInf(n, 0):",
			"p.Serial = strings.ToLower(strings.TrimSpace(p.Serial))",
		},
		"internal/gadgets/store.go": {
			`"gadgets_serial_key": "serial",`, "if conflict := taken(err); conflict != nil {",
		},
		"internal/gadgets/store_test.go": {"func TestUniqueFieldsAreTakenOncePerUser(", "func uniqueGadgetNumber("},
		"internal/web/gadgets_test.go":   {"func TestGadgetsRefuseATakenValueInline(", "func uniqueGadgetNumber("},
		"internal/web/templates/gadget_form.html": {
			`"name" "status" "type" "select" "prompt" "Choose one" "options" (labeled "draft" "Draft" "in_progress" "In progress" "done" "Done")`,
			`"prompt" "None"`, `"inputmode" "decimal"`,
		},
	} {
		got := file(t, p, path)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", path, w, got)
			}
		}
	}
}

func TestParseFieldRefusesBadModifiers(t *testing.T) {
	for arg, want := range map[string]string{
		"status:enum":                "lists its values",
		"status:enum:optional":       "lists its values",
		"status:enum:draft":          "at least two values",
		"status:enum:draft,Draft":    "lower snake_case",
		"status:enum:draft,draft":    "given twice",
		"title:string:unique:unique": "unique is given twice",
		"done:boolean:unique":        "cannot be unique",
		"notes:text:unique":          "too long to index",
		"due_on:date:unique":         "only string, integer and uuid",
		"title:string:required":      `unknown modifier "required"`,
	} {
		if _, err := ParseField(arg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseField(%q): %v, want an error that says %q", arg, err, want)
		}
	}
	f, err := ParseField("status:enum:draft,done:optional:unique")
	if err == nil {
		t.Errorf("an enum marked unique: %+v, want an error", f)
	}
}

func TestPrepareSharedResource(t *testing.T) {
	r := resource(t, "Category", "categories", "name:string:unique", "rank:integer")
	r.Shared = true
	p, err := Prepare(newApp(t), r)
	if err != nil {
		t.Fatal(err)
	}
	for path, wants := range map[string][]string{
		"migrations/002_create_categories.sql": {"every logged-in user sees and edits all of them",
			"CREATE UNIQUE INDEX categories_name_key ON categories (name);"},
		"internal/categories/store.go": {`"SELECT "+columns+" FROM categories ORDER BY inserted_at DESC, id DESC"`,
			`"SELECT "+columns+" FROM categories WHERE id = $1", id`, "WHERE id = $1 RETURNING",
			`"DELETE FROM categories WHERE id = $1", id`, "INSERT INTO categories (name, rank)"},
		"internal/categories/events.go":              {`func Topic(accounts.Scope) string { return "categories" }`},
		"internal/categories/store_test.go":          {"func TestEveryUserReachesEveryCategory(", "func TestUniqueFieldsAreTakenOnce("},
		"internal/web/categories_test.go":            {"func TestEveryUserReachesEveryCategoryPage(", "func TestCategoriesFollowChangesInEveryUsersTabs("},
		"internal/web/templates/category_index.html": {"Everyone logged in can see and change these."},
	} {
		got := file(t, p, path)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", path, w, got)
			}
		}
	}
	for _, f := range p.Files {
		if strings.Contains(string(f.Data), "user_id") || strings.Contains(string(f.Data), "UserID") {
			t.Errorf("%s of a shared resource mentions its owner", f.Path)
		}
	}
}

func TestReferences(t *testing.T) {
	p, err := Prepare(newApp(t), resource(t, "Task", "tasks", "title:string", "project_id:references:projects",
		"backup_project_id:references:projects:optional"))
	if err != nil {
		t.Fatal(err)
	}
	for path, wants := range map[string][]string{
		"migrations/002_create_tasks.sql": {
			"project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,",
			"backup_project_id bigint REFERENCES projects (id) ON DELETE SET NULL,",
			"CREATE INDEX tasks_project_id_idx ON tasks (project_id);",
		},
		"internal/tasks/task.go": {"ProjectID       int64", "BackupProjectID *int64"},
		"internal/tasks/store.go": {
			"if err := checkReferences(ctx, db, uid, values); err != nil {",
			`{"project_id", "projects", "must be one of your projects", &task.ProjectID},`,
			`{"backup_project_id", "projects", "must be one of your projects", task.BackupProjectID},`,
			`"SELECT id::text, name FROM projects WHERE user_id = $1 ORDER BY 2, id", uid)`,
			"func (s *Store) BackupProjectChoices(",
		},
		"internal/tasks/store_test.go": {
			`"INSERT INTO projects (id, user_id, name) VALUES ($1, $2, $3)"`, "func TestReferencesMustBeTheUsersOwn(",
		},
		"internal/web/templates/task_form.html": {
			`"name" "project_id" "type" "select" "prompt" "Choose a project" "options" $.ProjectChoices`,
			`"name" "backup_project_id" "type" "select" "prompt" "None" "options" $.BackupProjectChoices`,
		},
		"internal/web/templates/task_index.html": {
			`"row" "task_row" "page" $`, `{{define "task_row"}}{{$page := .page}}{{with .row}}`,
			`{{$page.ProjectChoices.Label .ProjectID}}`,
		},
		"internal/web/templates/task_show.html": {
			`{{$.ProjectChoices.Label .Task.ProjectID}}`,
			`{{with .Task.BackupProjectID}}{{$.BackupProjectChoices.Label .}}{{else}}—{{end}}`,
		},
	} {
		got := file(t, p, path)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", path, w, got)
			}
		}
	}
}

func TestParseReferenced(t *testing.T) {
	sql := `CREATE TABLE gadgets (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  size bigint NOT NULL,
  title text NOT NULL,
  status text NOT NULL,
  serial uuid NOT NULL,
  notes text NOT NULL DEFAULT '',
  inserted_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT gadgets_status_value CHECK (status IN ('draft', 'done'))
);`
	ref, err := parseReferenced("gadgets", sql)
	if err != nil {
		t.Fatal(err)
	}
	f := Field{Name: "gadget_id", Type: References, Ref: ref}
	if want := "INSERT INTO gadgets (id, user_id, title, size, status, serial) VALUES ($1, $2, $3, $1, 'draft', gen_random_uuid())"; f.InsertSQL() != want {
		t.Errorf("InsertSQL:\n%s\nwant:\n%s", f.InsertSQL(), want)
	}
	if _, err := parseReferenced("gadgets", strings.Replace(sql, "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n", "", 1)); err == nil || !strings.Contains(err.Error(), "no user_id") {
		t.Errorf("a table without owners: %v", err)
	}
}

func TestInputArgs(t *testing.T) {
	r := resource(t, "Task", "tasks", "status:enum:draft,done", "project_id:references:projects:optional", "weight:float")
	for i, want := range []string{
		` "type" "select" "prompt" "Choose one" "options" (labeled "draft" "Draft" "done" "Done")`,
		` "type" "select" "prompt" "None" "options" $.ProjectChoices`,
		` "inputmode" "decimal" "autocomplete" "off"`,
	} {
		if got := r.Fields[i].InputArgs(); got != want {
			t.Errorf("%s: InputArgs %s, want %s", r.Fields[i].Name, got, want)
		}
	}
}
