package audit

import (
	"go/ast"
	"go/constant"
	"go/types"
	"regexp"
	"strings"

	"golang.org/x/tools/go/packages"
)

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
		case isDBCall(callee):
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
func isDBCall(callee *types.Func) bool {
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
