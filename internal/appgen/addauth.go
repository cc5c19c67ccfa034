package appgen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/liveapp/liveapp/internal/scaffold"
)

// App is an app on disk.
type App struct {
	Dir    string // its root, where its go.mod is
	Module string // its module path
	Name   string // the NAME of its cmd/NAME
}

// FindApp returns the app dir belongs to: the nearest directory, dir or one
// above it, with a go.mod, which must require liveapp.
func FindApp(dir string) (*App, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if errors.Is(err, fs.ErrNotExist) {
			if filepath.Dir(d) == d {
				return nil, fmt.Errorf("not in a liveapp app: no go.mod in %s or above it (liveapp new NAME makes an app)", abs)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		mod, err := parseGoMod(filepath.Join(d, "go.mod"), data)
		if err != nil {
			return nil, err
		}
		if _, ok := requiredVersion(mod, liveappModule); !ok || mod.Module.Mod.Path == liveappModule {
			return nil, fmt.Errorf("not in a liveapp app: %s does not require %s", filepath.Join(d, "go.mod"), liveappModule)
		}
		name, err := commandName(d)
		if err != nil {
			return nil, err
		}
		return &App{Dir: d, Module: mod.Module.Mod.Path, Name: name}, nil
	}
}

// commandName returns the NAME of the app's cmd/NAME: its only command, or,
// among several, the one named like the app's directory.
func commandName(dir string) (string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "cmd"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	var names []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, "cmd", e.Name(), "main.go")); e.IsDir() && err == nil {
			names = append(names, e.Name())
		}
	}
	switch {
	case len(names) == 1:
		return names[0], nil
	case slices.Contains(names, filepath.Base(dir)):
		return filepath.Base(dir), nil
	case len(names) == 0:
		return "", fmt.Errorf("%s has no cmd/NAME/main.go: is it a liveapp app?", dir)
	}
	return "", fmt.Errorf("%s has several commands (cmd/%s): cannot tell which is the app's", dir, strings.Join(names, ", cmd/"))
}

// parts returns the parts the app has: those of which it holds at least one
// whole file of the template tmpl. Projects count only with accounts.
func (app *App) parts(tmpl []templateFile) Parts {
	var has Parts
	for _, f := range tmpl {
		if f.part == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(app.Dir, filepath.FromSlash(renamePath(f.path, app.Name)))); err == nil {
			switch f.part {
			case Auth:
				has.Auth = true
			case Projects:
				has.Projects = true
			}
		}
	}
	has.Projects = has.Projects && has.Auth
	return has
}

// MarkerError says which files lack the liveapp:auth markers gen.auth needs, or
// have them around lines that changed.
type MarkerError struct {
	Problems []string // "path: what is wrong"
}

func (e *MarkerError) Error() string {
	return fmt.Sprintf("cannot add accounts where the liveapp:auth comments were (use --force to replace these files with liveapp's version, losing their changes):\n\t%s",
		strings.Join(e.Problems, "\n\t"))
}

// AddAuth adds accounts to app, made by liveapp new --no-auth: the files that
// belong to accounts, liveapp's packages they need in third_party/liveapp, the
// modules they need in go.mod and go.sum, and the regions of shared files,
// where the liveapp:auth markers are. The result is what liveapp new would
// have made, without the projects resource.
//
// Like scaffold.Write it changes nothing when the app has accounts already,
// and writes nothing when a file it would write exists with other content, or
// a shared file's markers are gone or surround changed lines: then it returns
// a *scaffold.ConflictError or a *MarkerError. force overwrites such files with
// liveapp's version.
func AddAuth(app *App, force bool) (scaffold.Result, error) {
	var res scaffold.Result
	tmpl, err := loadTemplate()
	if err != nil {
		return res, err
	}
	had := app.parts(tmpl)
	hadAuth := had.Auth
	to := Parts{Auth: true, Projects: had.Projects}
	target, err := stampApp(Options{Name: app.Name, Module: app.Module, Parts: to})
	if err != nil {
		return res, err
	}
	bare, err := Files(Options{Name: app.Name, Module: app.Module})
	if err != nil {
		return res, err
	}
	inBare := map[string]bool{}
	for _, f := range bare {
		inBare[f.Path] = true
	}
	targetData := map[string][]byte{}
	var whole []scaffold.File
	for _, f := range slices.Concat(target.template, target.vendored) {
		targetData[f.Path] = f.Data
		if !inBare[f.Path] && owner(f.Path) != Projects {
			whole = append(whole, f)
		}
	}

	// Shared files get their regions back at their markers.
	var edits []scaffold.File
	var problems []string
	for _, f := range tmpl {
		if f.part != "" || !slices.ContainsFunc(f.blocks, isAuthRegion) {
			continue
		}
		p := renamePath(f.path, app.Name)
		current, err := os.ReadFile(filepath.Join(app.Dir, filepath.FromSlash(p)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, err
		}
		var out []byte
		switch {
		case err != nil:
			err = fmt.Errorf("%s: missing", p)
		default:
			out, err = spliceAuth(f, p, current, to, app, hadAuth)
		}
		var me *MarkerError
		switch {
		case err != nil && force:
			out = targetData[p]
		case errors.As(err, &me):
			problems = append(problems, me.Problems...)
			continue
		case err != nil:
			problems = append(problems, err.Error())
			continue
		}
		if bytes.Equal(out, current) {
			res.Unchanged = append(res.Unchanged, p)
		} else {
			edits = append(edits, scaffold.File{Path: p, Data: out})
		}
	}
	if len(problems) > 0 {
		return res, &MarkerError{Problems: problems}
	}

	// go.mod and go.sum get what accounts need, leaving the rest alone.
	modEdits, err := addModules(app, target)
	if err != nil {
		return res, err
	}
	edits = append(edits, modEdits...)
	m, hasManifest, err := readManifest(app.Dir)
	if err != nil {
		return res, err
	}

	wrote, err := scaffold.Write(app.Dir, whole, force)
	if err != nil {
		return res, err
	}
	edited, err := scaffold.Write(app.Dir, edits, true)
	res.Written = append(wrote.Written, edited.Written...)
	res.Unchanged = append(res.Unchanged, wrote.Unchanged...)
	if err != nil || !hasManifest {
		// Without a manifest, made before liveapp wrote one, a new one
		// would list only gen.auth's files: upgrade would take the others,
		// the copy of liveapp among them, for the user's.
		return res, err
	}
	recorded, err := recordUnchanged(app.Dir, m, slices.Concat(target.template, target.vendored))
	res.Written = append(res.Written, recorded.Written...)
	return res, err
}

// recordUnchanged records in the app's manifest, m as read before a command
// wrote, each of files that the app holds as liveapp wrote it, and writes the
// manifest if that changed it. A file that differs, the user's version or a
// merge of theirs and liveapp's, keeps the hash it had, if any: it stays
// changed in upgrade's eyes.
func recordUnchanged(dir string, m manifest, files []scaffold.File) (scaffold.Result, error) {
	before := string(m.format())
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err == nil && bytes.Equal(data, f.Data) {
			m[f.Path] = hashOf(data)
		}
	}
	if string(m.format()) == before {
		return scaffold.Result{}, nil
	}
	return scaffold.Write(dir, []scaffold.File{{Path: ManifestFile, Data: m.format()}}, true)
}

func isAuthRegion(b block) bool { return b.part == Auth }

// anchor is where a removed auth region was: one marker line (first == last),
// or begin and end lines around the region's alternative.
type anchor struct{ first, last int }

// spliceAuth returns current, the content of the app file made from f, with
// f's auth regions back where their markers are. A file without markers is
// left as it is if the app had accounts already (gen.auth ran before), and is
// a problem otherwise.
func spliceAuth(f templateFile, p string, current []byte, parts Parts, app *App, hadAuth bool) ([]byte, error) {
	bad := func(line int, format string, args ...any) error {
		where := p
		if line > 0 {
			where = fmt.Sprintf("%s:%d", p, line)
		}
		return &MarkerError{Problems: []string{where + ": " + fmt.Sprintf(format, args...)}}
	}
	lines := splitLines(string(current))
	var anchors []anchor
	for i := 0; i < len(lines); i++ {
		part, kind, ok := parseMarker(lines[i])
		if !ok || part != Auth {
			continue
		}
		switch kind {
		case "":
			anchors = append(anchors, anchor{i, i})
		case "begin":
			j := i + 1
			for ; j < len(lines); j++ {
				if part, kind, ok := parseMarker(lines[j]); ok && part == Auth {
					if kind != "end" {
						return nil, bad(j+1, "another liveapp:auth marker before the end of the one on line %d", i+1)
					}
					break
				}
			}
			if j == len(lines) {
				return nil, bad(i+1, "liveapp:auth begin without its end")
			}
			anchors = append(anchors, anchor{i, j})
			i = j
		default:
			return nil, bad(i+1, "liveapp:auth %s without its begin", kind)
		}
	}

	var regions []block
	for _, b := range f.blocks {
		if isAuthRegion(b) {
			regions = append(regions, b)
		}
	}
	switch {
	case len(anchors) == 0 && hadAuth:
		return current, nil
	case len(anchors) == 0:
		return nil, bad(0, "its liveapp:auth markers are gone")
	case len(anchors) != len(regions):
		return nil, bad(0, "it has %d liveapp:auth markers where liveapp new --no-auth left %d", len(anchors), len(regions))
	}

	if err := checkGaps(f, p, lines, anchors, parts, app); err != nil {
		return nil, err
	}

	var out []string
	next := 0
	for i, a := range anchors {
		r := regions[i]
		if r.hasAlt != (a.first != a.last) {
			return nil, bad(a.first+1, "this liveapp:auth marker is not the one liveapp new --no-auth left here")
		}
		if r.hasAlt {
			want := renameText(joinLines(r.alt), app.Name, app.Module)
			if normalize(want) != normalize(joinLines(lines[a.first+1:a.last])) {
				return nil, bad(a.first+1, "the lines between liveapp:auth begin and end changed; gen.auth replaces them")
			}
		}
		out = append(out, lines[next:a.first]...)
		body := renameText(joinLines(render(r.body, parts)), app.Name, app.Module)
		out = append(out, splitLines(body)...)
		next = a.last + 1
	}
	out = append(out, lines[next:]...)
	file, err := finish(p, joinLines(out))
	if err != nil {
		return nil, fmt.Errorf("%s: with accounts added, it does not parse: %w", p, err)
	}
	return file.Data, nil
}

// checkGaps refuses to splice f's auth regions into lines, an app file made
// from f, when a line the user added between two markers would end up in a
// branch that accounts open: between an {{if .User}} of one region and the
// {{else}} or {{end}} of the next, shown to some visitors only. The template
// avoids such regions (see TestAuthRegionsCloseWhatTheyOpen); an app made from
// an older template may still have them.
func checkGaps(f templateFile, p string, lines []string, anchors []anchor, parts Parts, app *App) error {
	if !strings.HasSuffix(p, ".html") {
		return nil
	}
	depth := 0 // of the template actions that the regions so far left open
	region := 0
	var gap []string // the template's lines between the previous region and the next
	for _, b := range f.blocks {
		if !isAuthRegion(b) {
			gap = append(gap, render([]block{b}, parts)...)
			continue
		}
		if region > 0 && depth != 0 {
			have := lines[anchors[region-1].last+1 : anchors[region].first]
			want := renameText(joinLines(gap), app.Name, app.Module)
			if normalize(want) != normalize(joinLines(have)) {
				line := anchors[region-1].last + 2
				for i, l := range have {
					if !strings.Contains(want, strings.TrimSpace(l)) {
						line = anchors[region-1].last + 2 + i
						break
					}
				}
				return &MarkerError{Problems: []string{fmt.Sprintf(
					"%s:%d: this line is between liveapp:auth markers (lines %d and %d) where accounts open a branch that only some visitors see; gen.auth would move it there. Move it above line %d or below line %d, then run gen.auth again",
					p, line, anchors[region-1].last+1, anchors[region].first+1, anchors[region-1].first+1, anchors[region].last+1)}}
			}
		}
		depth += openActions(joinLines(render(b.body, parts)))
		gap = nil
		region++
	}
	return nil
}

// action matches the template actions that open, split or close a branch.
var action = regexp.MustCompile(`\{\{-?\s*(if|range|with|block|define|else|end)\b`)

// openActions returns how many template actions text opens and does not
// close: negative when it closes more than it opens. An else that is not
// inside an action text opens counts too, as it belongs to one outside.
func openActions(text string) int {
	depth, unmatched := 0, 0
	for _, m := range action.FindAllStringSubmatch(text, -1) {
		switch m[1] {
		case "end":
			depth--
		case "else":
			if depth <= 0 {
				unmatched++
			}
			continue
		default:
			depth++
		}
	}
	if depth == 0 && unmatched > 0 {
		return 1 // an {{else}} alone splits a branch that is open on both sides
	}
	return depth
}

var spaces = regexp.MustCompile(`\s+`)

// normalize makes text comparable whatever gofmt did to its spacing.
func normalize(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

// addModules returns go.mod and go.sum with what target, the app with
// accounts, adds to them, if anything: the missing requirements, each in the
// block of its kind in path order, which turns go.mod as liveapp new --no-auth
// wrote it into what liveapp new writes; and, when go.mod changed, the lines
// of liveapp's go.sum that the app's lacks. A go.mod that has them all is left
// alone with its go.sum, which go mod tidy may have trimmed.
func addModules(app *App, target *stamped) ([]scaffold.File, error) {
	var edits []scaffold.File
	mod, err := os.ReadFile(filepath.Join(app.Dir, "go.mod"))
	if err != nil {
		return nil, err
	}
	newMod, changes, err := mergeGoMod(mod, target.liveapp, target.reqs)
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return nil, nil
	}
	edits = append(edits, scaffold.File{Path: "go.mod", Data: newMod})

	sum, err := os.ReadFile(filepath.Join(app.Dir, "go.sum"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if newSum, added := addSums(sum, target.goSum); added > 0 {
		edits = append(edits, scaffold.File{Path: "go.sum", Data: newSum})
	}
	return edits, nil
}
