package genlive

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"

	liveappmigrations "github.com/liveapp/liveapp/migrations"
)

// App is the liveapp app that gen.live writes into, as found on disk: an app
// generated from liveapp's template, with its go.mod at the root.
type App struct {
	Dir    string // the root, which holds go.mod
	Module string // the module path, which generated imports start with
}

// The paths, relative to the app's root, that gen.live reads or writes around.
const (
	routesFile    = "internal/web/routes.go"
	webDir        = "internal/web"
	migrationsDir = "migrations"
)

// FindApp returns the app that dir is in: the nearest directory at or above dir
// with a go.mod, which must have the layout of a liveapp app.
func FindApp(dir string) (*App, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for root := dir; ; root = filepath.Dir(root) {
		mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
		if errors.Is(err, fs.ErrNotExist) {
			if filepath.Dir(root) == root {
				return nil, fmt.Errorf("no go.mod in %s or above: run gen.live inside a liveapp app", dir)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		app := &App{Dir: root, Module: modfile.ModulePath(mod)}
		if app.Module == "" {
			return nil, fmt.Errorf("%s has no module line", filepath.Join(root, "go.mod"))
		}
		for _, p := range []string{routesFile, migrationsDir} {
			if _, err := os.Stat(app.path(p)); err != nil {
				return nil, fmt.Errorf("%s does not look like a liveapp app: it has no %s", root, p)
			}
		}
		return app, nil
	}
}

// path returns the OS path of the slash-separated path rel in the app.
func (a *App) path(rel string) string { return filepath.Join(a.Dir, filepath.FromSlash(rel)) }

var migrationFile = regexp.MustCompile(`^([0-9]+)_[^/]*\.sql$`)

// migrationPath returns where the migration that creates table goes: the file
// a previous run wrote (NNN_create_TABLE.sql), so that running again changes
// nothing, or else the next number, as wide as the numbers already there.
func (a *App) migrationPath(table string) (string, error) {
	entries, err := os.ReadDir(a.path(migrationsDir))
	if err != nil {
		return "", err
	}
	last, width := 0, 3
	for _, e := range entries {
		m := migrationFile.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		if strings.TrimPrefix(e.Name(), m[1]) == "_create_"+table+".sql" {
			return migrationsDir + "/" + e.Name(), nil
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			continue
		}
		last, width = max(last, n), max(width, len(m[1]))
	}
	return fmt.Sprintf("%s/%0*d_create_%s.sql", migrationsDir, width, last+1, table), nil
}

var createTable = regexp.MustCompile(`(?i)\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?(?:public\.)?"?([a-z_][a-z0-9_]*)"?`)

// tableOwner returns the migration that creates table, other than the one at
// skip, or "" when none does. liveapp's own tables (users...) count too.
func (a *App) tableOwner(table, skip string) (string, error) {
	if table == "schema_version" || table == "liveapp_schema_version" {
		return "the migrations themselves, to count what has run", nil
	}
	ours, err := fs.Glob(liveappmigrations.Files(), "*.sql")
	if err != nil {
		return "", err
	}
	for _, name := range ours {
		sql, err := fs.ReadFile(liveappmigrations.Files(), name)
		if err != nil {
			return "", err
		}
		if createsTable(sql, table) {
			return "liveapp's accounts schema", nil
		}
	}
	names, err := filepath.Glob(filepath.Join(a.path(migrationsDir), "*.sql"))
	if err != nil {
		return "", err
	}
	for _, name := range names {
		rel := migrationsDir + "/" + filepath.Base(name)
		if rel == skip {
			continue
		}
		sql, err := os.ReadFile(name)
		if err != nil {
			return "", err
		}
		if createsTable(sql, table) {
			return rel, nil
		}
	}
	return "", nil
}

func createsTable(sql []byte, table string) bool {
	for _, m := range createTable.FindAllSubmatch(sql, -1) {
		if strings.EqualFold(string(m[1]), table) {
			return true
		}
	}
	return false
}

// otherFiles returns the files in the app's directory dir that are not in
// ours, sorted; nothing when dir does not exist.
func (a *App) otherFiles(dir string, ours map[string]bool) ([]string, error) {
	entries, err := os.ReadDir(a.path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var others []string
	for _, e := range entries {
		if p := dir + "/" + e.Name(); !ours[p] {
			others = append(others, p)
		}
	}
	return others, nil
}

// goDecls are the top-level names that the Go files of a directory declare,
// by package (web, web_test): functions, types, variables, constants, and
// methods as "Type.Method", each with the file that declares it.
type goDecls map[string]map[string]string

// readDecls parses the Go files of the app's directory dir, skipping those in
// skip (the files gen.live is about to write).
func (a *App) readDecls(dir string, skip map[string]bool) (goDecls, error) {
	names, err := filepath.Glob(filepath.Join(a.path(dir), "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	decls := goDecls{}
	fset := token.NewFileSet()
	for _, name := range names {
		rel := dir + "/" + filepath.Base(name)
		if skip[rel] {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("%s does not parse, so gen.live cannot check it: %w", rel, err)
		}
		pkg := f.Name.Name
		if decls[pkg] == nil {
			decls[pkg] = map[string]string{}
		}
		add := func(name string) { decls[pkg][name] = rel }
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil && len(d.Recv.List) == 1 {
					add(receiverType(d.Recv.List[0].Type) + "." + d.Name.Name)
				} else {
					add(d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						add(s.Name.Name)
					case *ast.ValueSpec:
						for _, n := range s.Names {
							add(n.Name)
						}
					}
				}
			}
		}
	}
	return decls, nil
}

// receiverType returns the name of a method's receiver type: App for (a *App).
func receiverType(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// hasDateFunc reports whether the web package gives its templates the date
// function of liveapp's template.
func (a *App) hasDateFunc() (bool, error) {
	names, err := filepath.Glob(filepath.Join(a.path(webDir), "*.go"))
	if err != nil {
		return false, err
	}
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			return false, err
		}
		if bytes.Contains(src, []byte(`"date": func(t time.Time) string`)) {
			return true, nil
		}
	}
	return false, nil
}
