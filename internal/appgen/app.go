package appgen

import (
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"

	"github.com/liveapp/liveapp"
	"github.com/liveapp/liveapp/internal/scaffold"
)

// Options describe an app to stamp out.
type Options struct {
	Name    string // the app's name: its directory, cmd/Name, its binary, AppName
	Module  string // its module path; "" means Name
	Parts   Parts
	Release Release // the liveapp to stamp it from; the zero Release is the CLI's own
}

func (o Options) module() string {
	if o.Module == "" {
		return o.Name
	}
	return o.Module
}

// Release is a version of liveapp an app is made from or upgraded to: its
// module source and its app template. The zero Release is the one built into
// the CLI, liveapp.Source and liveapp.Template; tests stamp apps from others.
type Release struct {
	Source   fs.FS // laid out as liveapp.Source returns it: go.mod, go.sum, package directories
	Template fs.FS // laid out as liveapp.Template returns it: the template's files
}

func (r Release) source() fs.FS {
	if r.Source == nil {
		return liveapp.Source()
	}
	return r.Source
}

func (r Release) template() ([]templateFile, error) {
	if r.Template == nil {
		return loadTemplate()
	}
	return readTemplate(r.Template)
}

// ThirdParty is where an app keeps its copy of liveapp's source.
const ThirdParty = "third_party/liveapp"

// Files returns every file of a new app: the template's, stamped with opts,
// then liveapp's source under ThirdParty, go.mod, go.sum and the manifest
// (ManifestFile) of what liveapp wrote. Paths are slash-separated and relative
// to the app's root.
func Files(opts Options) ([]scaffold.File, error) {
	app, err := stampApp(opts)
	if err != nil {
		return nil, err
	}
	return app.files(), nil
}

// stamped is an app as Files makes it, in its parts.
type stamped struct {
	template []scaffold.File // the template's files, stamped
	vendored []scaffold.File // liveapp's source, under ThirdParty
	goMod    []byte
	goSum    []byte        // liveapp's
	reqs     []requirement // what goMod requires
	imports  []string      // what the template's files import
	liveapp  *modfile.File // liveapp's go.mod
	release  Release
}

// files returns every file of the app, the manifest last.
func (s *stamped) files() []scaffold.File {
	files := slices.Concat(s.template, s.vendored, []scaffold.File{
		{Path: "go.mod", Data: s.goMod},
		{Path: "go.sum", Data: s.goSum},
	})
	m := manifest{}
	m.record(s.template)
	m.record(s.vendored)
	return append(files, scaffold.File{Path: ManifestFile, Data: m.format()})
}

func stampApp(opts Options) (*stamped, error) {
	if err := ValidateName(opts.Name); err != nil {
		return nil, err
	}
	if err := ValidateModule(opts.module()); err != nil {
		return nil, err
	}
	if opts.Parts.Projects && !opts.Parts.Auth {
		return nil, fmt.Errorf("appgen: projects need accounts: their owners are users")
	}
	tmpl, err := opts.Release.template()
	if err != nil {
		return nil, err
	}
	src := opts.Release.source()
	mod, err := readGoMod(src)
	if err != nil {
		return nil, err
	}

	s := &stamped{liveapp: mod, release: opts.Release}
	for _, f := range tmpl {
		if f.part != "" && !opts.Parts.has(f.part) {
			continue
		}
		file, err := f.stamp(opts.Parts, opts.Name, opts.module())
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(file.Path, ".go") {
			imps, err := importsOf(file.Path, file.Data)
			if err != nil {
				return nil, err
			}
			s.imports = append(s.imports, imps...)
		}
		s.template = append(s.template, file)
	}

	if s.vendored, err = liveappFiles(src, s.imports); err != nil {
		return nil, err
	}
	if s.reqs, err = requirements(s.vendored, mod, s.imports); err != nil {
		return nil, err
	}
	if s.goMod, err = newGoMod(opts.module(), mod.Go.Version, s.reqs); err != nil {
		return nil, err
	}
	if s.goSum, err = fs.ReadFile(src, "go.sum"); err != nil {
		return nil, fmt.Errorf("appgen: liveapp's go.sum: %w", err)
	}
	return s, nil
}

// templateFile is one file of the template, read and parsed once.
type templateFile struct {
	path   string  // in the template: cmd/app/main.go
	part   Part    // the part the whole file belongs to, or ""
	data   []byte  // as written
	blocks []block // parsed, when the file has markers
}

// loadTemplate reads and parses the CLI's own template once.
var loadTemplate = sync.OnceValues(func() ([]templateFile, error) { return readTemplate(liveapp.Template()) })

// readTemplate reads and parses a template.
func readTemplate(tmpl fs.FS) ([]templateFile, error) {
	var files []templateFile
	err := fs.WalkDir(tmpl, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(tmpl, p)
		if err != nil {
			return err
		}
		f := templateFile{path: p, part: owner(p), data: data}
		if strings.Contains(string(data), "liveapp:") {
			if f.blocks, err = parseTemplate(p, string(data)); err != nil {
				return fmt.Errorf("appgen: template: %w", err)
			}
		}
		files = append(files, f)
		return nil
	})
	return files, err
}

// stamp returns the file as it is in an app with parts, name and module.
func (f templateFile) stamp(parts Parts, name, module string) (scaffold.File, error) {
	text := string(f.data)
	if f.blocks != nil {
		text = joinLines(render(f.blocks, parts))
	}
	return finish(renamePath(f.path, name), renameText(text, name, module))
}

// finish gofmts Go files, so that the lines regions left or took do not leave
// them misaligned.
func finish(p, text string) (scaffold.File, error) {
	data := []byte(text)
	if strings.HasSuffix(p, ".go") {
		var err error
		if data, err = format.Source(data); err != nil {
			return scaffold.File{}, fmt.Errorf("appgen: %s: %w", p, err)
		}
	}
	return scaffold.File{Path: p, Data: data}, nil
}

// importsOf returns the import paths of a Go file.
func importsOf(name string, src []byte) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
	if err != nil {
		return nil, fmt.Errorf("appgen: %w", err)
	}
	var out []string
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return nil, fmt.Errorf("appgen: %s: %w", name, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// liveappFiles returns the source of the liveapp packages that imports need,
// directly or through one another, under ThirdParty, with liveapp's go.mod and
// go.sum. It leaves out tests and test data, which the app never builds.
func liveappFiles(src fs.FS, imports []string) ([]scaffold.File, error) {
	var files []scaffold.File
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, fmt.Errorf("appgen: liveapp's %s: %w", name, err)
		}
		files = append(files, scaffold.File{Path: ThirdParty + "/" + name, Data: data})
	}
	seen := map[string]bool{}
	queue := slices.Clone(imports)
	for len(queue) > 0 {
		imp := queue[0]
		queue = queue[1:]
		dir, ok := strings.CutPrefix(imp, liveappModule+"/")
		if !ok || seen[dir] {
			continue
		}
		seen[dir] = true
		entries, err := fs.ReadDir(src, dir)
		if err != nil {
			return nil, fmt.Errorf("appgen: the app imports %s, which the CLI does not carry: %w", imp, err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || strings.HasSuffix(name, "_test.go") {
				continue
			}
			p := path.Join(dir, name)
			data, err := fs.ReadFile(src, p)
			if err != nil {
				return nil, err
			}
			if strings.HasSuffix(name, ".go") {
				imps, err := importsOf(p, data)
				if err != nil {
					return nil, err
				}
				queue = append(queue, imps...)
			}
			files = append(files, scaffold.File{Path: ThirdParty + "/" + p, Data: data})
		}
	}
	slices.SortFunc(files, func(a, b scaffold.File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// readGoMod reads liveapp's go.mod from its source.
func readGoMod(src fs.FS) (*modfile.File, error) {
	data, err := fs.ReadFile(src, "go.mod")
	if err != nil {
		return nil, fmt.Errorf("appgen: liveapp's go.mod: %w", err)
	}
	m, err := parseGoMod("liveapp's go.mod", data)
	if err != nil {
		return nil, fmt.Errorf("appgen: %w", err)
	}
	if m.Go == nil {
		return nil, fmt.Errorf("appgen: liveapp's go.mod has no go line")
	}
	return m, nil
}
