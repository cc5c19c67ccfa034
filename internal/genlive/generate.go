package genlive

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"text/template"

	"github.com/liveapp/liveapp/internal/scaffold"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// The templates use [[ ]] as delimiters, since the HTML templates they produce
// are full of {{ }}.
var templates = template.Must(template.New("").Delims("[[", "]]").Funcs(template.FuncMap{
	"upperFirst": upperFirst,
	"article":    article,
	"lower":      strings.ToLower,
	"words":      func(s string) string { return strings.ReplaceAll(s, "_", " ") },
}).ParseFS(templateFS, "templates/*.tmpl"))

// Plan is what gen.live is about to do to an app. Prepare makes one after every
// check has passed; Apply carries it out.
type Plan struct {
	App       *App
	Resource  *Resource
	Files     []scaffold.File // every file, created or overwritten by Apply
	Migration string          // the path of the migration among Files
	routes    *routesEdit
	stores    *storesEdit
}

// Result says what Apply did: the files it wrote or found unchanged, and
// whether it added the routes.
type Result struct {
	scaffold.Result
	RoutesFile  string // internal/web/routes.go
	RoutesAdded bool
	RoutesNote  string // why routes.go keeps routes of its own for the resource's path, if it does
	StoresFile  string // the file that declares App, such as internal/web/web.go
	StoreAdded  bool   // whether App got a field for the resource's store
}

// localNames are the names generated functions use for their own variables,
// and the packages they import: the variable holding a record may be none of
// them.
var localNames = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`a alice app bob bobUser bobs c cancel changed cleared columns create ctx
		d data db e err field fields form got id index list m msg n other own p padded params path
		ps row rows s saved scan scope second secret show status store t tag topic tt u uid user
		userID v valid values want word added disposition disk dir file gone old head typ body key r w`) {
		localNames[n] = true
	}
	for n := range generatedImports {
		localNames[n] = true
	}
	for _, n := range strings.Fields(`any append bool byte cap clear close complex copy delete
		error false float32 float64 imag int int8 int16 int32 int64 iota len make max min new
		nil panic print println real recover rune string true uint uint8 uint16 uint32 uint64
		uintptr`) {
		localNames[n] = true
	}
}

// webFieldNames are the fields and methods of the generated views: the record
// type and its plural name the fields that hold them, so they must differ.
var webFieldNames = map[string]bool{
	"Form": true, "Errors": true, "Deleting": true, "ConfirmDelete": true,
	"Mount": true, "Render": true,
}

// Prepare checks that r can be generated into app and renders every file,
// writing nothing. Its errors say what is in the way.
func Prepare(app *App, r *Resource) (*Plan, error) {
	switch {
	case webFieldNames[r.Singular]:
		return nil, fmt.Errorf("resource %q: the views have a field %s already; choose another name", r.Singular, r.Singular)
	case webFieldNames[r.GoPlural()]:
		return nil, fmt.Errorf("plural %q: the list view has a field %s already; choose another", r.Plural, r.GoPlural())
	}
	migration, err := app.migrationPath(r.Table())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", migrationsDir, err)
	}
	pkgDir := "internal/" + r.Package()
	web := map[string]string{ // the views' files, which the checks below need
		"code": webDir + "/" + r.Plural + ".go",
		"test": webDir + "/" + r.Plural + "_test.go",
	}
	targets := []struct{ tmpl, path string }{ // in the order a reader meets them
		{"migration.sql.tmpl", migration},
		{"doc.go.tmpl", pkgDir + "/doc.go"},
		{"record.go.tmpl", pkgDir + "/" + r.Snake() + ".go"},
		{"store.go.tmpl", pkgDir + "/store.go"},
		{"files.go.tmpl", pkgDir + "/files.go"}, // dropped below when no field is a file
		{"events.go.tmpl", pkgDir + "/events.go"},
		{"store_test.go.tmpl", pkgDir + "/store_test.go"},
		{"web.go.tmpl", web["code"]},
		{"index.html.tmpl", webDir + "/templates/" + r.Snake() + "_index.html"},
		{"form.html.tmpl", webDir + "/templates/" + r.Snake() + "_form.html"},
		{"show.html.tmpl", webDir + "/templates/" + r.Snake() + "_show.html"},
		{"web_test.go.tmpl", web["test"]},
	}
	ours := map[string]bool{}
	for _, t := range targets {
		ours[t.path] = true
	}

	// routes.go first: without a session of logged-in users (an app without
	// accounts) nothing else matters.
	src, err := os.ReadFile(app.path(routesFile))
	if err != nil {
		return nil, err
	}
	_, err = os.Stat(app.path(pkgDir))
	routes, err := addRoutes(src, r, errors.Is(err, fs.ErrNotExist))
	if err != nil {
		return nil, err
	}

	// Nothing of the app may already stand where the resource goes, except
	// what an earlier run of the same command wrote.
	if owner, err := app.tableOwner(r.Table(), migration); err != nil {
		return nil, err
	} else if owner != "" {
		return nil, fmt.Errorf("a table %s exists already, created by %s; choose another plural", r.Table(), owner)
	}
	others, err := app.otherFiles(pkgDir, ours)
	if err != nil {
		return nil, err
	}
	if len(others) > 0 {
		return nil, fmt.Errorf("%s exists already and holds files gen.live does not write (%s); choose another plural", pkgDir, strings.Join(others, ", "))
	}
	// The views' files may exist only as an earlier run wrote them: a plural
	// such as "routes" would otherwise overwrite routes.go.
	for file, mark := range map[string]string{
		web["code"]: "type " + r.Singular + "Index struct",
		web["test"]: "func Test" + r.GoPlural() + "NeedALogIn(",
	} {
		old, err := os.ReadFile(app.path(file))
		if err == nil && !bytes.Contains(old, []byte(mark)) {
			return nil, fmt.Errorf("%s exists already and does not hold the %s views; choose another plural", file, r.Human())
		}
	}
	decls, err := app.readDecls(webDir, ours)
	if err != nil {
		return nil, err
	}
	for _, n := range r.WebNames() {
		if f, ok := decls["web"][n]; ok {
			return nil, fmt.Errorf("%s declares %s already, which the %s views need; choose another resource name", f, n, r.Human())
		}
	}
	if f, ok := decls["web"]["App."+r.GoPlural()]; ok {
		return nil, fmt.Errorf("%s declares App.%s already, which would hold the %s store; choose another plural", f, r.GoPlural(), r.Human())
	}
	for _, n := range r.WebTestNames() {
		if f, ok := decls["web_test"][n]; ok {
			return nil, fmt.Errorf("%s declares %s already, which the %s tests need; choose another resource name", f, n, r.Human())
		}
	}
	// The generated code builds on these parts of the template's web package.
	for _, need := range []struct{ pkg, name, what string }{
		{"web", "App", "the App type"},
		{"web", "App.render", "the App.render method, which renders a template"},
		{"web", "title", "the title function, which sets a page's title"},
		{"web_test", "newApp", "the newApp test helper"},
		{"web_test", "testApp.loggedIn", "the loggedIn test helper"},
		{"web_test", "testApp.browser", "the browser test helper"},
	} {
		if _, ok := decls[need.pkg][need.name]; !ok {
			return nil, fmt.Errorf("%s lacks %s (%s), which the generated code uses; restore it from liveapp's template", webDir, need.what, need.name)
		}
	}
	// The generated pages are made of the function components (input, table,
	// modal...) of the template's components.html.
	if _, err := os.Stat(app.path(webDir + "/templates/components.html")); err != nil {
		return nil, fmt.Errorf("%s/templates lacks components.html, the function components the generated pages use; "+
			"copy it and components.go from liveapp's template", webDir)
	}

	if err := app.resolveReferences(r, migration); err != nil {
		return nil, err
	}
	appFile, appSrc, err := app.findAppFile()
	if err != nil {
		return nil, err
	}
	stores, err := addStore(appFile, appSrc, r, app.Module)
	if err != nil {
		return nil, err
	}

	d := &data{Resource: r, Module: app.Module, Var: recordVar(r, decls["web"])}
	_, hasFlash := decls["web"]["flash"]
	d.Flash = !hasFlash
	if d.dateFunc, err = app.hasDateFunc(); err != nil {
		return nil, err
	}
	plan := &Plan{App: app, Resource: r, Migration: migration, routes: routes, stores: stores}
	for _, t := range targets {
		if t.tmpl == "files.go.tmpl" && !r.Has(File) {
			continue
		}
		var buf bytes.Buffer
		if err := templates.ExecuteTemplate(&buf, t.tmpl, d); err != nil {
			return nil, fmt.Errorf("gen.live: render %s: %w", t.tmpl, err)
		}
		out := buf.Bytes()
		switch path.Ext(t.path) {
		case ".sql":
			out = refill(out, "--")
		case ".go":
			if out, err = formatGo(out); err != nil {
				// A bug of gen.live's, not of the user's input.
				return nil, fmt.Errorf("gen.live made invalid Go for %s: %w\n%s", t.path, err, buf.Bytes())
			}
		}
		plan.Files = append(plan.Files, scaffold.File{Path: t.path, Data: out})
	}
	return plan, nil
}

// recordVar picks the name of the variable that holds one record: the
// resource's name (task, lineItem), unless the generated code or the web
// package uses that name for something else.
func recordVar(r *Resource, web map[string]string) string {
	for _, v := range []string{r.Lower(), "record", "item", "entry"} {
		_, inWeb := web[v]
		if len(v) > 1 && !localNames[v] && !isGoKeyword(v) && !inWeb && v != r.Package() {
			return v
		}
	}
	return "rec"
}

// Apply writes the plan's files, then adds the routes. Like scaffold.Write, it
// checks every file first: when one holds other content and force is false, it
// writes nothing, routes included, and returns a *scaffold.ConflictError.
func (p *Plan) Apply(force bool) (Result, error) {
	res := Result{RoutesFile: routesFile, RoutesNote: p.routes.note, StoresFile: p.stores.file}
	edits := []struct {
		file     string
		src, out []byte
	}{{routesFile, p.routes.src, p.routes.out}, {p.stores.file, p.stores.src, p.stores.out}}
	for _, e := range edits {
		// Refuse rather than lose an edit made since Prepare read the file.
		if now, err := os.ReadFile(p.App.path(e.file)); err != nil {
			return res, err
		} else if !bytes.Equal(now, e.src) {
			return res, fmt.Errorf("%s changed while gen.live ran; run it again", e.file)
		}
	}
	var err error
	if res.Result, err = scaffold.Write(p.App.Dir, p.Files, force); err != nil {
		return res, err
	}
	for _, e := range edits {
		if bytes.Equal(e.src, e.out) {
			continue
		}
		info, err := os.Stat(p.App.path(e.file))
		if err != nil {
			return res, err
		}
		if err := os.WriteFile(p.App.path(e.file), e.out, info.Mode().Perm()); err != nil {
			return res, err
		}
	}
	res.RoutesAdded = p.routes.changes()
	res.StoreAdded = p.stores.changes()
	return res, nil
}
