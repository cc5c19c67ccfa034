package audit

import (
	"go/ast"
	"go/types"
	"strings"
)

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
