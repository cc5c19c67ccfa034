package devserver

import (
	"path"
	"slices"
	"strings"
)

// The directories, relative to the app's root, that a dev-mode app reads from
// disk: edits there need no rebuild.
const (
	StaticDir    = "internal/web/static"    // served at /static/
	TemplatesDir = "internal/web/templates" // parsed by the app
)

// staticURL is where the app serves StaticDir.
const staticURL = "/static/"

// thirdParty holds the app's copy of liveapp: it changes with liveapp
// upgrades, and everything in it may be compiled or embedded.
const thirdParty = "third_party/"

// change is what an edit to one file asks of the dev server.
type change int

const (
	ignored    change = iota // not part of the app: editor files, tests, notes
	rebuild                  // compiled or embedded: build, migrate, restart
	templates                // a template the app reads from disk
	stylesheet               // a stylesheet the app serves from disk
	asset                    // another static file: pages reload
)

// classify says what an edit to the file at rel (slash-separated, relative
// to the app's root) asks for.
func classify(rel string) change {
	base := path.Base(rel)
	if editorFile(base) || skipDir(path.Dir(rel)) {
		return ignored
	}
	ext := path.Ext(base)
	switch {
	case strings.HasPrefix(rel, StaticDir+"/"):
		if ext == ".css" {
			return stylesheet
		}
		return asset
	case strings.HasPrefix(rel, TemplatesDir+"/"):
		if templateExt(ext) {
			return templates
		}
		return ignored
	case strings.HasSuffix(base, "_test.go"):
		return ignored
	case strings.HasPrefix(rel, thirdParty):
		// liveapp's source: Go files, and the client script, migrations and
		// the like that it embeds. Its docs are not built.
		if ext == ".md" {
			return ignored
		}
		return rebuild
	case rel == "go.mod" || rel == "go.sum" || rel == "go.work":
		return rebuild
	case ext == ".go", ext == ".sql":
		return rebuild
	case templateExt(ext):
		// Templates outside TemplatesDir can only reach the app embedded.
		return rebuild
	}
	return ignored
}

func templateExt(ext string) bool { return ext == ".html" || ext == ".tmpl" || ext == ".gohtml" }

// editorFile reports whether base names a file editors write beside the ones
// they save: swap and backup files, vim's write test, emacs's locks, sed -i's
// temporary file.
func editorFile(base string) bool {
	if len(base) == 9 && strings.HasPrefix(base, "sed") && !strings.Contains(base, ".") {
		return true
	}
	switch {
	case strings.HasPrefix(base, "."), strings.HasPrefix(base, "#"),
		strings.HasSuffix(base, "~"), base == "4913",
		strings.HasSuffix(base, ".swp"), strings.HasSuffix(base, ".swx"),
		strings.HasSuffix(base, ".tmp"):
		return true
	}
	return false
}

// skipDir reports whether the directory at rel, or one above it, holds
// nothing the app is built from: hidden directories (.git, and .liveapp,
// where the dev server writes the binary and the database), test data and
// node_modules.
func skipDir(rel string) bool {
	if rel == "." || rel == "" {
		return false
	}
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") || part == "testdata" || part == "node_modules" {
			return true
		}
	}
	return false
}

// plan is what the dev server does about a batch of changed files.
type plan struct {
	files       []string // the files that matter, sorted
	rebuild     bool     // build, migrate and restart the app
	migrations  bool     // among them, SQL files: say what migrate did
	templates   bool     // send TemplatesCmd
	stylesheets []string // URL paths to send CSSCmd for
	reload      bool     // send ReloadCmd
}

// planFor decides what to do about files, the paths (slash-separated,
// relative to the app's root) that changed together.
func planFor(files []string) plan {
	var p plan
	for _, f := range files {
		c := classify(f)
		if c == ignored || slices.Contains(p.files, f) {
			continue
		}
		p.files = append(p.files, f)
		switch c {
		case rebuild:
			p.rebuild = true
			p.migrations = p.migrations || path.Ext(f) == ".sql"
		case templates:
			p.templates = true
		case stylesheet:
			p.stylesheets = append(p.stylesheets, staticURL+strings.TrimPrefix(f, StaticDir+"/"))
		case asset:
			p.reload = true
		}
	}
	slices.Sort(p.files)
	slices.Sort(p.stylesheets)
	return p
}

// empty reports whether nothing in the batch matters.
func (p plan) empty() bool { return len(p.files) == 0 }

// commands are the dev commands that bring pages up to date with the edits
// to templates and static files, for an app that keeps running: templates
// first, so that a reload renders the new ones; a reload makes stylesheet
// swaps pointless.
func (p plan) commands() []string {
	var cmds []string
	if p.templates {
		cmds = append(cmds, TemplatesCmd)
	}
	if p.reload {
		return append(cmds, ReloadCmd)
	}
	for _, u := range p.stylesheets {
		cmds = append(cmds, CSSCmd(u))
	}
	return cmds
}
