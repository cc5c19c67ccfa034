package genlive

import (
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The marker lines of the template's internal/web/web.go above which gen.live
// adds a new resource's store: a field of App, and the line of New that builds
// it. Each store is built once and shared by the resource's views.
const (
	StoreFieldMarker = "// liveapp gen.live adds the stores of new resources above this line."
	StoreBuildMarker = "// liveapp gen.live builds the stores of new resources above this line."
)

// storesEdit is the change gen.live makes to the file that declares App.
type storesEdit struct {
	file     string // the path of that file in the app, such as internal/web/web.go
	src, out []byte // before and after; equal when the store is there already
}

// changes reports whether the edit changes the file.
func (e *storesEdit) changes() bool { return string(e.src) != string(e.out) }

var appStruct = regexp.MustCompile(`(?m)^type App struct \{$`)

// findAppFile returns the Go file of the web package that declares App, as a
// slash path in the app, and its content.
func (a *App) findAppFile() (string, []byte, error) {
	names, err := filepath.Glob(filepath.Join(a.path(webDir), "*.go"))
	if err != nil {
		return "", nil, err
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			return "", nil, err
		}
		if appStruct.Match(src) {
			return webDir + "/" + filepath.Base(name), src, nil
		}
	}
	return "", nil, fmt.Errorf("%s declares no App struct (type App struct {), which the generated views use; restore it from liveapp's template", webDir)
}

// addStore returns the edit that gives App, declared in file with content src,
// a field holding r's store, built in New, with the import of its package.
// When the field is there already (an earlier run), nothing changes.
func addStore(file string, src []byte, r *Resource, module string) (*storesEdit, error) {
	edit := &storesEdit{file: file, src: src, out: src}
	field := r.GoPlural()
	pkg := module + "/internal/" + r.Package()
	fieldLine := fmt.Sprintf("%s *%s.Store", field, r.Package())
	buildLine := fmt.Sprintf(".%s = %s.NewStore(cfg.DB, ", field, r.Package())

	lines := strings.SplitAfter(string(src), "\n")
	fieldAt, buildAt := -1, -1
	for i, l := range lines {
		switch strings.TrimSpace(l) {
		case StoreFieldMarker:
			fieldAt = i
		case StoreBuildMarker:
			buildAt = i
		}
	}
	text := string(src)
	has := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(field) + `\s+\*` + regexp.QuoteMeta(r.Package()) + `\.Store\s*$`).MatchString(text)
	if has {
		return edit, nil
	}
	if fieldAt < 0 || buildAt < 0 {
		return nil, fmt.Errorf(`%s lacks the lines where gen.live adds the store of a resource (apps made before liveapp had them).
Add, as the last field of App:
	%s
and in New, after the stores are built (a.Projects = ...), with a as New's *App:
	%s
then run gen.live again`, file, StoreFieldMarker, StoreBuildMarker)
	}
	if regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(field) + `\b`).MatchString(strings.Join(lines[:fieldAt], "")) {
		return nil, fmt.Errorf("%s: App has a field %s already; choose another plural", file, field)
	}
	// The receiver of New's App is whatever the lines above the marker use.
	recv := "a"
	for i := buildAt - 1; i >= 0; i-- {
		if m := regexp.MustCompile(`^\s*(\w+)\s*:?=\s*&App\{`).FindStringSubmatch(lines[i]); m != nil {
			recv = m[1]
			break
		}
	}
	indent := func(l string) string { return l[:len(l)-len(strings.TrimLeft(l, " \t"))] }
	var b strings.Builder
	for i, l := range lines {
		switch {
		case i == fieldAt:
			b.WriteString(indent(l) + fieldLine + "\n")
		case i == buildAt && r.Has(File):
			// The files go in a directory of their own under the uploads
			// directory, which the generated views' file makes.
			in := indent(l)
			files := r.Lower() + "Files"
			fmt.Fprintf(&b, "%s%s, err := new%sFiles(cfg.UploadsDir)\n%sif err != nil {\n%s\treturn nil, err\n%s}\n",
				in, files, r.Singular, in, in, in)
			b.WriteString(in + recv + buildLine + recv + ".Runtime.PubSub(), " + files + ")\n")
		case i == buildAt:
			b.WriteString(indent(l) + recv + buildLine + recv + ".Runtime.PubSub())\n")
		}
		b.WriteString(l)
	}
	out, err := addImport(b.String(), pkg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	formatted, err := format.Source([]byte(out))
	if err != nil {
		return nil, fmt.Errorf("%s does not parse with the store of %s added: %w", file, r.HumanPlural(), err)
	}
	edit.out = formatted
	return edit, nil
}

// addImport adds the import of path to the Go source src, at the end of the
// import block: in the last group when that holds the same module's packages,
// else in a group of its own.
func addImport(src, path string) (string, error) {
	quoted := `"` + path + `"`
	if strings.Contains(src, quoted) {
		return src, nil
	}
	lines := strings.SplitAfter(src, "\n")
	start, end := -1, -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if start < 0 && t == "import (" {
			start = i
		} else if start >= 0 && t == ")" {
			end = i
			break
		}
	}
	if start < 0 || end < 0 {
		return "", fmt.Errorf("no import block (import ( ... )) to add %s to", quoted)
	}
	// The last import, above marker comments such as liveapp:projects end.
	last := end - 1
	for last > start && strings.HasPrefix(strings.TrimSpace(lines[last]), "//") {
		last--
	}
	module := path[:strings.LastIndex(path, "/internal/")]
	at, line := end, "\n\t"+quoted+"\n"
	if strings.HasPrefix(strings.TrimSpace(lines[last]), `"`+module+"/") {
		line = "\t" + quoted + "\n"
	}
	return strings.Join(lines[:at], "") + line + strings.Join(lines[at:], ""), nil
}
