package genlive

import (
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"unicode/utf8"
)

// commentWidth is the column that generated comments wrap at.
const commentWidth = 80

// formatGo removes the imports src does not use (the templates import all a
// resource might need), formats it as gofmt does, and refills its comments.
func formatGo(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	lines := strings.SplitAfter(string(src), "\n")
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		name := importName(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name != "_" && !used[name] {
			lines[fset.Position(imp.Pos()).Line-1] = "" // the templates import one package a line
		}
	}
	out, err := format.Source([]byte(strings.Join(lines, "")))
	if err != nil {
		return nil, err
	}
	return refill(out, "//"), nil
}

// importName is the name a package is known by when imported without one: its
// last path element, skipping a major version (pgx for .../pgx/v5).
func importName(p string) string {
	elems := strings.Split(p, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = elems[len(elems)-2]
	}
	return last
}

// refill rewraps the paragraphs of the whole-line comments of src, which start
// with prefix ("//" or "--"), at commentWidth columns: the names a template
// puts in a comment make its line breaks fall anywhere. Comment lines that
// are not prose, such as indented code and directives, stay as they are.
func refill(src []byte, prefix string) []byte {
	lines := strings.Split(string(src), "\n")
	var out []string
	var para []string // the words of the paragraph being read
	indent := ""
	flush := func() {
		if len(para) == 0 {
			return
		}
		room := commentWidth - columns(indent) - len(prefix) - 1
		line := ""
		for _, w := range para {
			if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > room {
				out = append(out, indent+prefix+" "+line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		out = append(out, indent+prefix+" "+line)
		para = nil
	}
	for _, l := range lines {
		trimmed := strings.TrimLeft(l, " \t")
		ind := l[:len(l)-len(trimmed)]
		text, isComment := strings.CutPrefix(trimmed, prefix+" ")
		prose := isComment && text != "" && text[0] != ' ' && text[0] != '\t'
		if !prose || ind != indent {
			flush()
		}
		if prose {
			indent = ind
			para = append(para, strings.Fields(text)...)
			continue
		}
		out = append(out, l)
	}
	flush()
	return []byte(strings.Join(out, "\n"))
}

// columns is the width of an indentation, a tab counting as four.
func columns(indent string) int {
	return len(indent) + 3*strings.Count(indent, "\t")
}
