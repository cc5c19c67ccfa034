package audit

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// livePkg is the runtime's import path, whose Socket methods the analysis
// looks for.
const livePkg = "github.com/liveapp/liveapp/live"

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

// viewFacts are what static analysis finds in a view's code.
type viewFacts struct {
	Found    bool
	Template string
	Events   []Event
	Assigns  []Assign
	Topics   []string
	// Queries are the database calls its code makes outside a data store,
	// with no scope in the way.
	Queries []string
	Notes   []string // what the analysis could not follow
}

// analyzeView collects a view's events, assigns, topics and template from
// its methods and the app functions they call.
func (p *program) analyzeView(name string) viewFacts {
	var f viewFacts
	tn := p.lookupView(name)
	if tn == nil {
		f.Notes = append(f.Notes, fmt.Sprintf("view type %s not found in the app's packages", name))
		return f
	}
	f.Found = true
	if st, ok := tn.Type().Underlying().(*types.Struct); ok {
		for i := range st.NumFields() {
			fld := st.Field(i)
			if fld.Exported() {
				f.Assigns = append(f.Assigns, Assign{Name: fld.Name(), Type: types.TypeString(fld.Type(), relativeTo(tn.Pkg())), From: "field"})
			}
		}
	}
	ms := types.NewMethodSet(types.NewPointer(tn.Type()))
	w := &viewWalker{p: p, view: tn.Pkg(), facts: &f, seen: map[*types.Func]bool{}, assigned: map[string]bool{}}
	for i := range ms.Len() {
		fn, ok := ms.At(i).Obj().(*types.Func)
		if !ok {
			continue
		}
		d, ok := p.decls[fn]
		if !ok {
			continue
		}
		if fn.Name() == "Render" {
			f.Template = firstStringArg(d)
		}
		if fn.Name() == "Render" || !takesSocket(fn) {
			continue
		}
		w.walk(fn)
	}
	sort.Slice(f.Events, func(i, j int) bool { return f.Events[i].Name < f.Events[j].Name })
	return f
}

// hookAssigns returns the assigns made by the hooks a route table names
// ("web.assignFormToken", "web.(*Auth).MountCurrentUser"), when they are
// functions of the app; the others' code is not loaded.
func (p *program) hookAssigns(hooks []string) []Assign {
	var out []Assign
	seen := map[string]bool{}
	for _, h := range hooks {
		fn := p.lookupFunc(h)
		if fn == nil {
			continue
		}
		var f viewFacts
		w := &viewWalker{p: p, view: fn.Pkg(), facts: &f, seen: map[*types.Func]bool{}, assigned: map[string]bool{}}
		w.walk(fn)
		for _, a := range f.Assigns {
			if !seen[a.Name] {
				seen[a.Name] = true
				out = append(out, a)
			}
		}
	}
	return out
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

// viewWalker walks a view's code, following calls into the app's own
// functions (each once), but not into its data stores.
type viewWalker struct {
	p        *program
	view     *types.Package // the view's package
	facts    *viewFacts
	seen     map[*types.Func]bool
	assigned map[string]bool
}

func (w *viewWalker) walk(fn *types.Func) {
	if w.seen[fn] {
		return
	}
	w.seen[fn] = true
	d := w.p.decls[fn]
	info := d.pkg.TypesInfo
	ast.Inspect(d.decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		callee := calleeOf(info, call)
		if callee == nil {
			return true
		}
		switch {
		case isSocketMethod(callee, "On"):
			w.event(d.pkg, call)
		case isSocketMethod(callee, "Subscribe") && len(call.Args) > 0:
			w.facts.Topics = appendNew(w.facts.Topics, exprText(d.pkg, call.Args[0]))
		case (isSocketMethod(callee, "Assign") || isSocketMethod(callee, "AssignNew")) && len(call.Args) > 0:
			key := exprText(d.pkg, call.Args[0])
			if !w.assigned[key] {
				w.assigned[key] = true
				w.facts.Assigns = append(w.facts.Assigns, Assign{Name: key, Type: argType(info, call), From: "assign"})
			}
		case isDBCall(callee, call) && !w.p.inStore(fn, w.view):
			w.facts.Queries = append(w.facts.Queries, fmt.Sprintf("%s at %s", calleeName(callee), w.p.position(call.Pos())))
		case w.p.storeOf(callee) != nil:
			// Store methods are the data layer: their scope is checked at
			// every call site (unscopedCalls), their writes per event.
		default:
			// Into the app's code only, and the package of a library
			// hook being walked.
			if d, ok := w.p.decls[callee]; ok && (d.app || callee.Pkg() == fn.Pkg()) {
				w.walk(callee)
			}
		}
		return true
	})
}

// event records an s.On registration.
func (w *viewWalker) event(pkg *packages.Package, call *ast.CallExpr) {
	if len(call.Args) < 2 {
		return
	}
	info := pkg.TypesInfo
	e := Event{Name: exprText(pkg, call.Args[0]), Position: w.p.position(call.Pos()), Requires: []string{}, Writes: []string{}}
	for _, opt := range call.Args[2:] {
		oc, ok := ast.Unparen(opt).(*ast.CallExpr)
		var of *types.Func
		if ok {
			of = calleeOf(info, oc)
		}
		switch {
		case of != nil && of.Name() == "RateLimit" && of.Pkg() != nil && of.Pkg().Path() == livePkg:
			e.RateLimit = rateText(pkg, oc)
		case of != nil && of.Name() == "Requires" && of.Pkg() != nil && of.Pkg().Path() == livePkg:
			for _, a := range oc.Args {
				e.Requires = append(e.Requires, w.p.requirementName(pkg, a))
			}
		default:
			// An option built elsewhere (a variable, a helper): what it
			// does is unknown, so it is shown, and counts as a requirement.
			e.Requires = append(e.Requires, types.ExprString(opt))
			w.facts.Notes = append(w.facts.Notes, fmt.Sprintf("event %s: the option %s is not live.RateLimit or live.Requires; it is taken for a requirement", e.Name, types.ExprString(opt)))
		}
	}
	writes, ok := w.p.handlerWrites(pkg, call.Args[1])
	if !ok {
		w.facts.Notes = append(w.facts.Notes, fmt.Sprintf("event %s: the handler %s cannot be followed; its writes are unknown", e.Name, exprText(pkg, call.Args[1])))
		e.Writes = append(e.Writes, "unknown handler")
	}
	e.Writes = append(e.Writes, writes...)
	w.facts.Events = append(w.facts.Events, e)
}

// requirementName names a live.Requirement argument of live.Requires: the
// Name of a live.Requirement literal, found in the expression or in the
// return statements of the app function that makes it, else the name of the
// function that returns it (accounts/web's LoggedIn names "user").
func (p *program) requirementName(pkg *packages.Package, e ast.Expr) string {
	if name := literalName(pkg.TypesInfo, e); name != "" {
		return name
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return types.ExprString(e)
	}
	fn := calleeOf(pkg.TypesInfo, call)
	if fn == nil {
		return types.ExprString(e)
	}
	if d, ok := p.decls[fn]; ok {
		name := ""
		ast.Inspect(d.decl.Body, func(n ast.Node) bool {
			if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) == 1 && name == "" {
				name = literalName(d.pkg.TypesInfo, r.Results[0])
			}
			return name == ""
		})
		if name != "" {
			return name
		}
	}
	if name, ok := knownRequirements[calleeName(fn)]; ok {
		return name
	}
	return calleeName(fn)
}

// knownRequirements are the names of the requirements liveapp's packages
// make, whose source the analysis does not load.
var knownRequirements = map[string]string{"web.Auth.LoggedIn": "user", "web.Auth.Sudo": "sudo"}

// literalName returns the constant Name of a live.Requirement composite
// literal, or "".
func literalName(info *types.Info, e ast.Expr) string {
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return ""
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Name" {
			if tv := info.Types[kv.Value]; tv.Value != nil && tv.Value.Kind() == constant.String {
				return constant.StringVal(tv.Value)
			}
		}
	}
	return ""
}

// handlerWrites returns the data writes an event handler makes; ok is false
// when the handler is not a function literal or a function of the app.
func (p *program) handlerWrites(pkg *packages.Package, h ast.Expr) (writes []string, ok bool) {
	h = ast.Unparen(h)
	if lit, isLit := h.(*ast.FuncLit); isLit {
		return p.writesIn(pkg, lit.Body, map[*types.Func]bool{}), true
	}
	var obj types.Object
	switch e := h.(type) {
	case *ast.Ident:
		obj = pkg.TypesInfo.Uses[e]
	case *ast.SelectorExpr:
		obj = pkg.TypesInfo.Uses[e.Sel]
	}
	fn, isFn := obj.(*types.Func)
	if !isFn {
		return nil, false
	}
	if _, known := p.decls[fn]; !known {
		return nil, false
	}
	return p.writesOf(fn, map[*types.Func]bool{}), true
}

// writesOf returns the writes fn makes, memoized; stack breaks recursion.
func (p *program) writesOf(fn *types.Func, stack map[*types.Func]bool) []string {
	if w, ok := p.writes[fn]; ok {
		return w
	}
	if stack[fn] {
		return nil
	}
	stack[fn] = true
	d := p.decls[fn]
	w := p.writesIn(d.pkg, d.decl.Body, stack)
	delete(stack, fn)
	p.writes[fn] = w
	return w
}

// writesIn returns the data writes made in body. A write is, in order:
//   - a database call that writes: Exec, CopyFrom or SendBatch on a pgx,
//     database/sql or Exec-shaped handle, or a Query or QueryRow whose SQL is
//     not a constant or is an INSERT, UPDATE, DELETE, MERGE or TRUNCATE;
//   - a call of an app function or method whose own code writes (followed
//     through the app's code, data stores included);
//   - a method of code the analysis cannot see (liveapp's accounts, an
//     interface) that takes a context first and is named as a change
//     (Create…, Update…, Delete…; see writeVerbs).
func (p *program) writesIn(pkg *packages.Package, body ast.Node, stack map[*types.Func]bool) []string {
	var writes []string
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		callee := calleeOf(pkg.TypesInfo, call)
		if callee == nil {
			return true
		}
		name := calleeName(callee)
		switch {
		case isDBCall(callee, call):
			if dbWrites(pkg, callee, call) {
				writes = appendNew(writes, name)
			}
		case p.decls[callee].decl != nil:
			if len(p.writesOf(callee, stack)) > 0 {
				writes = appendNew(writes, name)
			}
		case callee.Pkg() != nil && callee.Pkg().Path() == livePkg:
		case isMethod(callee) && takesContext(callee) && isWriteVerb(callee.Name()):
			writes = appendNew(writes, name)
		}
		return true
	})
	return writes
}

// writeVerbs begin the names of methods that change data.
var writeVerbs = []string{"Create", "Insert", "Update", "Delete", "Remove", "Save", "Set", "Put", "Add",
	"Upsert", "Change", "Reset", "Revoke", "Confirm", "Register", "Deliver", "Apply", "Write", "Store",
	"Archive", "Restore", "Move", "Mark", "Clear", "Purge", "Drop", "Increment", "Decrement", "Log"}

func isWriteVerb(name string) bool {
	for _, v := range writeVerbs {
		if rest, ok := strings.CutPrefix(name, v); ok && (rest == "" || rest[0] < 'a' || rest[0] > 'z') {
			return true
		}
	}
	return false
}

// writeSQL matches the statements that change data.
var writeSQL = regexp.MustCompile(`(?is)\b(insert\s+into|update\s+[\w."]+\s+set|delete\s+from|merge\s+into|truncate)\b`)

// dbWrites reports whether a database call writes: every Exec does; a query
// does when its SQL is not a constant, or is a constant that changes data.
func dbWrites(pkg *packages.Package, callee *types.Func, call *ast.CallExpr) bool {
	switch callee.Name() {
	case "Query", "QueryRow", "QueryContext", "QueryRowContext":
	default:
		return true
	}
	for _, a := range call.Args {
		tv := pkg.TypesInfo.Types[a]
		if tv.Type == nil || !isString(tv.Type) {
			continue
		}
		if tv.Value == nil || tv.Value.Kind() != constant.String {
			return true // SQL built at run time
		}
		return writeSQL.MatchString(constant.StringVal(tv.Value))
	}
	return true
}

// dbMethods are the methods of database handles that run SQL.
var dbMethods = map[string]bool{"Exec": true, "ExecContext": true, "Query": true, "QueryRow": true,
	"QueryContext": true, "QueryRowContext": true, "CopyFrom": true, "SendBatch": true}

// isDBCall reports whether callee runs SQL on a database handle.
func isDBCall(callee *types.Func, _ *ast.CallExpr) bool {
	if !dbMethods[callee.Name()] {
		return false
	}
	sig, ok := callee.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return false
	}
	return isDBHandle(sig.Recv().Type())
}

// dbPackages hold the database handles: pgx's and database/sql's.
var dbPackages = map[string]bool{"github.com/jackc/pgx/v5": true, "github.com/jackc/pgx/v5/pgxpool": true,
	"github.com/jackc/pgx/v5/pgconn": true, "database/sql": true}

// isDBHandle reports whether t is a database handle: a type of pgx or
// database/sql, or an interface with an Exec(ctx, sql, ...) method (the
// querier interfaces apps declare over pools and transactions).
func isDBHandle(t types.Type) bool {
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	if n, ok := t.(*types.Named); ok && n.Obj().Pkg() != nil && dbPackages[n.Obj().Pkg().Path()] {
		return true
	}
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	for i := range iface.NumMethods() {
		m := iface.Method(i)
		if m.Name() != "Exec" {
			continue
		}
		sig := m.Type().(*types.Signature)
		if sig.Params().Len() >= 2 && isString(sig.Params().At(1).Type()) {
			return true
		}
	}
	return false
}

// storeOf returns the data store type whose method fn is, or nil. A data
// store is a struct type of the app with a database handle among its fields.
func (p *program) storeOf(fn *types.Func) *types.TypeName {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return nil
	}
	t := sig.Recv().Type()
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || !p.isAppPkg(n.Obj().Pkg()) {
		return nil
	}
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	for i := range st.NumFields() {
		if isDBHandle(st.Field(i).Type()) {
			return n.Obj()
		}
	}
	return nil
}

// inStore reports whether fn is a method of a data store, or a function of
// another package than the view's that declares one (a store's helpers).
func (p *program) inStore(fn *types.Func, view *types.Package) bool {
	if p.storeOf(fn) != nil {
		return true
	}
	if fn.Pkg() == view {
		return false
	}
	scope := fn.Pkg().Scope()
	for _, name := range scope.Names() {
		if tn, ok := scope.Lookup(name).(*types.TypeName); ok {
			if st, ok := tn.Type().Underlying().(*types.Struct); ok {
				for i := range st.NumFields() {
					if isDBHandle(st.Field(i).Type()) {
						return true
					}
				}
			}
		}
	}
	return false
}

func (p *program) isAppPkg(pkg *types.Package) bool {
	for _, ap := range p.pkgs {
		if ap.Types == pkg {
			return true
		}
	}
	return false
}

// unscopedCall is a call of a data store method whose first parameter after
// the context is not a scope.
type unscopedCall struct {
	Method   string
	Position string
}

// unscopedCalls finds, in every app package but the stores' own, the calls
// of data store methods that take no scope: exported methods whose first
// parameter is a context.Context and whose next is not a Scope (a type named
// Scope or …Scope, such as accounts.Scope), or is missing.
func (p *program) unscopedCalls() []unscopedCall {
	var out []unscopedCall
	for _, pkg := range p.pkgs {
		for _, f := range pkg.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				callee := calleeOf(pkg.TypesInfo, call)
				if callee == nil || !callee.Exported() || callee.Pkg() == pkg.Types {
					return true
				}
				if p.storeOf(callee) == nil || !takesContext(callee) {
					return true
				}
				params := callee.Type().(*types.Signature).Params()
				if params.Len() >= 2 && isScope(params.At(1).Type()) {
					return true
				}
				out = append(out, unscopedCall{Method: calleeName(callee), Position: p.position(call.Pos())})
				return true
			})
		}
	}
	return out
}

// isScope reports whether t is a scope: a named type called Scope or ending
// in Scope, or a pointer to one.
func isScope(t types.Type) bool {
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	n, ok := t.(*types.Named)
	return ok && strings.HasSuffix(n.Obj().Name(), "Scope")
}

// calleeOf returns the function or method a call calls, interface methods
// included, or nil (a call of a function value, a conversion, a builtin).
func calleeOf(info *types.Info, call *ast.CallExpr) *types.Func {
	if fn := typeutil.StaticCallee(info, call); fn != nil {
		return fn
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := info.Selections[sel]; ok {
			if fn, ok := s.Obj().(*types.Func); ok {
				return fn
			}
		}
	}
	return nil
}

// calleeName names a function for a report: projects.Store.Delete,
// pgxpool.Pool.Exec, web.flash.
func calleeName(fn *types.Func) string {
	pkg := ""
	if fn.Pkg() != nil {
		pkg = fn.Pkg().Name() + "."
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return pkg + fn.Name()
	}
	t := sig.Recv().Type()
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return pkg + n.Obj().Name() + "." + fn.Name()
	}
	return pkg + fn.Name()
}

func isSocketMethod(fn *types.Func, name string) bool {
	if fn.Name() != name || fn.Pkg() == nil || fn.Pkg().Path() != livePkg {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return false
	}
	ptr, ok := sig.Recv().Type().(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := ptr.Elem().(*types.Named)
	return ok && n.Obj().Name() == "Socket"
}

// takesSocket reports whether fn has a *live.Socket parameter: the view
// methods the runtime calls with the socket (Mount, HandleParams).
func takesSocket(fn *types.Func) bool {
	params := fn.Type().(*types.Signature).Params()
	for i := range params.Len() {
		if ptr, ok := params.At(i).Type().(*types.Pointer); ok {
			if n, ok := ptr.Elem().(*types.Named); ok && n.Obj().Name() == "Socket" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == livePkg {
				return true
			}
		}
	}
	return false
}

func takesContext(fn *types.Func) bool {
	params := fn.Type().(*types.Signature).Params()
	if params.Len() == 0 {
		return false
	}
	n, ok := params.At(0).Type().(*types.Named)
	return ok && n.Obj().Name() == "Context" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context"
}

func isMethod(fn *types.Func) bool {
	sig, ok := fn.Type().(*types.Signature)
	return ok && sig.Recv() != nil
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// firstStringArg returns the first constant string passed to a call in a
// Render method: the template it renders, in the app's convention.
func firstStringArg(d funcDecl) string {
	found := ""
	ast.Inspect(d.decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found != "" {
			return found == ""
		}
		for _, a := range call.Args {
			if tv := d.pkg.TypesInfo.Types[a]; tv.Value != nil && tv.Value.Kind() == constant.String {
				found = constant.StringVal(tv.Value)
				return false
			}
		}
		return true
	})
	return found
}

// exprText renders an expression for a report: a constant string as its
// value, anything else as its source.
func exprText(pkg *packages.Package, e ast.Expr) string {
	if tv := pkg.TypesInfo.Types[e]; tv.Value != nil && tv.Value.Kind() == constant.String {
		return constant.StringVal(tv.Value)
	}
	return types.ExprString(e)
}

// rateText renders live.RateLimit(perSecond, burst) as "5/s burst 10".
func rateText(pkg *packages.Package, call *ast.CallExpr) string {
	if len(call.Args) != 2 {
		return types.ExprString(call)
	}
	return fmt.Sprintf("%s/s burst %s", constText(pkg, call.Args[0]), constText(pkg, call.Args[1]))
}

func constText(pkg *packages.Package, e ast.Expr) string {
	if tv := pkg.TypesInfo.Types[e]; tv.Value != nil {
		return tv.Value.ExactString()
	}
	return types.ExprString(e)
}

// argType returns the type of an Assign's value, or "" for AssignNew.
func argType(info *types.Info, call *ast.CallExpr) string {
	if len(call.Args) != 2 {
		return ""
	}
	if t := info.TypeOf(call.Args[1]); t != nil {
		if sig, ok := t.(*types.Signature); ok && sig.Results().Len() > 0 {
			return "" // AssignNew's function
		}
		return types.TypeString(t, func(p *types.Package) string { return p.Name() })
	}
	return ""
}

func relativeTo(pkg *types.Package) types.Qualifier {
	return func(other *types.Package) string {
		if other == pkg {
			return ""
		}
		return other.Name()
	}
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
