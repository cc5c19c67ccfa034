package audit

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"sort"

	"golang.org/x/tools/go/packages"
)

// livePkg is the runtime's import path, whose Socket methods the analysis
// looks for.
const livePkg = "github.com/liveapp/liveapp/live"

// viewFacts are what static analysis finds in a view's code.
type viewFacts struct {
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
// ("web.assignFormToken", "web.(*Auth).MountCurrentUser"), when their code
// is the app's or a library's (see libraries).
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
		case isDBCall(callee) && !w.p.inStore(fn, w.view):
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
