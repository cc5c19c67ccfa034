package audit

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// program is the app's source, type-checked: its own packages with syntax,
// its dependencies from export data only. Nothing of it runs.
type program struct {
	root  string // the app's root, for relative positions
	fset  *token.FileSet
	pkgs  []*packages.Package
	decls map[*types.Func]funcDecl // the app's functions and methods
	// writes memoizes writesOf: the data writes a function makes, directly
	// or through the app's functions it calls.
	writes map[*types.Func][]string
}

// funcDecl is a function of the app and the package it is declared in.
type funcDecl struct {
	decl *ast.FuncDecl
	pkg  *packages.Package
	app  bool // the app's own, not a library's
}

// libraries are liveapp's packages whose source the analysis reads along
// with the app's, when the app uses them: their functions' writes are
// followed (SignUp inserts a user) and their hooks' assigns listed. They are
// not the app: their stores' methods are not held to taking a scope (the
// accounts API serves logins, before there is a user), and views' calls into
// them are not walked for SQL.
var libraries = []string{"github.com/liveapp/liveapp/accounts", "github.com/liveapp/liveapp/accounts/web"}

// loadProgram type-checks the app's packages matching patterns, from dir,
// with the libraries the app has.
func loadProgram(dir string, patterns ...string) (*program, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes |
			packages.NeedTypesInfo | packages.NeedImports,
		Dir: dir,
	}
	roots, err := packages.Load(cfg, append(append([]string(nil), patterns...), libraries...)...)
	if err != nil {
		return nil, &BadInputError{Msg: fmt.Sprintf("loading the app's packages: %v", err)}
	}
	var pkgs, libs []*packages.Package
	for _, pkg := range roots {
		if slices.Contains(libraries, pkg.PkgPath) {
			if len(pkg.Errors) == 0 && pkg.Types != nil {
				libs = append(libs, pkg)
			}
			continue // an app without accounts has no copy of them
		}
		pkgs = append(pkgs, pkg)
	}
	var errs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			errs = append(errs, e.Error())
		}
	})
	if len(errs) > 0 {
		if len(errs) > 10 {
			errs = append(errs[:10], "…")
		}
		return nil, &BadInputError{Msg: "the app does not build:\n\t" + strings.Join(errs, "\n\t")}
	}
	if len(pkgs) == 0 {
		return nil, &BadInputError{Msg: fmt.Sprintf("no Go package matches %s in %s", strings.Join(patterns, " "), dir)}
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	p := &program{root: root, pkgs: pkgs, decls: map[*types.Func]funcDecl{}, writes: map[*types.Func][]string{}}
	for i, pkg := range append(pkgs, libs...) {
		p.fset = pkg.Fset
		for _, f := range pkg.Syntax {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					if fn, ok := pkg.TypesInfo.Defs[fd.Name].(*types.Func); ok {
						p.decls[fn] = funcDecl{decl: fd, pkg: pkg, app: i < len(pkgs)}
					}
				}
			}
		}
	}
	return p, nil
}

// position returns pos as file:line, relative to the app's root.
func (p *program) position(pos token.Pos) string {
	if p.fset == nil || !pos.IsValid() {
		return ""
	}
	at := p.fset.Position(pos)
	name := at.Filename
	if rel, err := filepath.Rel(p.root, name); err == nil {
		name = filepath.ToSlash(rel)
	}
	return fmt.Sprintf("%s:%d", name, at.Line)
}

// lookupView finds the view type a route names: "web.ProjectShow" (package
// name, or import path, and type name).
func (p *program) lookupView(name string) *types.TypeName {
	i := strings.LastIndex(name, ".")
	if i < 0 {
		return nil
	}
	pkgName, typeName := name[:i], name[i+1:]
	for _, pkg := range p.pkgs {
		if pkg.Name != pkgName && pkg.PkgPath != pkgName {
			continue
		}
		if tn, ok := pkg.Types.Scope().Lookup(typeName).(*types.TypeName); ok {
			return tn
		}
	}
	return nil
}

// lookupFunc finds an app function by the name the route table gives it:
// "pkg.name" or "pkg.(*Type).name".
func (p *program) lookupFunc(name string) *types.Func {
	for fn, d := range p.decls {
		if d.pkg.Name+"."+funcKey(fn) == name {
			return fn
		}
	}
	return nil
}

// funcKey is fn's name as the runtime prints it, without the package.
func funcKey(fn *types.Func) string {
	sig := fn.Type().(*types.Signature)
	if sig.Recv() == nil {
		return fn.Name()
	}
	t := sig.Recv().Type()
	ptr := ""
	if pt, ok := t.(*types.Pointer); ok {
		t, ptr = pt.Elem(), "*"
	}
	n, ok := t.(*types.Named)
	if !ok {
		return fn.Name()
	}
	if ptr != "" {
		return "(*" + n.Obj().Name() + ")." + fn.Name()
	}
	return n.Obj().Name() + "." + fn.Name()
}
