package appgen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/liveapp/liveapp/internal/scaffold"
)

// UpgradeOptions say what Upgrade upgrades an app to, and how far it may go.
type UpgradeOptions struct {
	// Force replaces third_party/liveapp even when it differs from what the
	// app's ManifestFile records, or when the app has none. It never
	// overwrites a template file the user changed.
	Force bool
	// Release is the liveapp to upgrade to; the zero Release is the CLI's own.
	Release Release
}

// Changes lists files by slash-separated path from the app's root.
type Changes struct {
	Added, Changed, Removed []string
}

// Empty reports whether c lists no file.
func (c Changes) Empty() bool { return len(c.Added)+len(c.Changed)+len(c.Removed) == 0 }

// Kept is a file liveapp made in the app, which Upgrade left as it is because
// the user changed it, and why that matters.
type Kept struct {
	Path string
	Why  string
}

// Upgraded says what Upgrade did.
type Upgraded struct {
	Source   Changes  // liveapp's source, under ThirdParty
	Template Changes  // the app's files from the template, which the user had not changed
	Kept     []Kept   // the app's files from the template that the user changed, where liveapp's differ
	GoMod    []string // each change to go.mod, as a line: "github.com/jackc/pgx/v5 v5.11.0 => v5.12.0"
	GoSum    int      // lines added to go.sum
	Manifest bool     // whether ManifestFile was written
	Parts    Parts    // the parts the app has, by its files, which the release's files were stamped with
}

// Changed reports whether Upgrade wrote anything.
func (u *Upgraded) Changed() bool {
	return !u.Source.Empty() || !u.Template.Empty() || len(u.GoMod) > 0 || u.GoSum > 0 || u.Manifest
}

// EditedSourceError is Upgrade's refusal to replace third_party/liveapp,
// which differs from the copy liveapp wrote (or may: the app has no manifest).
type EditedSourceError struct {
	NoManifest bool     // the app has no ManifestFile to tell
	Changed    []string // files whose content is not liveapp's
	Added      []string // files liveapp did not write
	Removed    []string // files liveapp wrote that are gone
}

func (e *EditedSourceError) Error() string {
	if e.NoManifest {
		return fmt.Sprintf("the app has no %s (liveapp new writes it), so upgrade cannot tell whether %s was edited; "+
			"check with your version control that it was not, or move your changes into the app, then run liveapp upgrade --force", ManifestFile, ThirdParty)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s differs from the copy liveapp wrote (%s): upgrading would lose your changes to liveapp:", ThirdParty, ManifestFile)
	for _, l := range []struct {
		verb  string
		paths []string
	}{{"changed", e.Changed}, {"added", e.Added}, {"removed", e.Removed}} {
		for _, p := range l.paths {
			fmt.Fprintf(&b, "\n\t%-7s %s", l.verb, p)
		}
	}
	b.WriteString("\nMove those changes into the app (or send them to liveapp), then run liveapp upgrade again; --force replaces the copy and loses them.")
	return b.String()
}

// Upgrade replaces the app's copy of liveapp in ThirdParty with opts.Release's,
// and brings the app along:
//
//   - go.mod gets the go version, requirements and versions the new liveapp
//     needs (mergeGoMod), go.sum the lines of liveapp's go.sum it lacks;
//   - each file liveapp made from the template that the user has not changed,
//     by the hash ManifestFile records, becomes the new release's version; a
//     file new in the release is added, one it no longer has is removed;
//   - a file the user changed is left as it is, and listed in Kept when the
//     release's version differs;
//   - ManifestFile records what Upgrade wrote.
//
// It refuses with an *EditedSourceError, and writes nothing, when the copy in
// ThirdParty differs from what ManifestFile records, or the app has no
// manifest and the copy is not already the release's, unless opts.Force.
// Running it again changes nothing.
func Upgrade(app *App, opts UpgradeOptions) (*Upgraded, error) {
	goModData, err := os.ReadFile(filepath.Join(app.Dir, "go.mod"))
	if err != nil {
		return nil, err
	}
	goMod, err := parseGoMod("go.mod", goModData)
	if err != nil {
		return nil, err
	}
	if ok, to := replacesLiveapp(goMod); !ok {
		return nil, notACopyError(to)
	}
	if fi, err := os.Lstat(filepath.Join(app.Dir, ThirdParty)); err == nil && !fi.IsDir() {
		// A link to a checkout of liveapp, say: writing through it would
		// change the checkout, even with Force.
		return nil, fmt.Errorf("%s is not a directory (%s): liveapp upgrade replaces a copy of liveapp, which liveapp new makes", ThirdParty, fi.Mode().Type())
	}
	m, hadManifest, err := readManifest(app.Dir)
	if err != nil {
		return nil, err
	}
	tmpl, err := opts.Release.template()
	if err != nil {
		return nil, err
	}
	parts := app.parts(tmpl)
	target, err := stampApp(Options{Name: app.Name, Module: app.Module, Parts: parts, Release: opts.Release})
	if err != nil {
		return nil, err
	}

	up := &Upgraded{Parts: parts}
	plan, err := planTemplate(app.Dir, m, target.template, up)
	if err != nil {
		return nil, err
	}

	// liveapp's packages: those the template imports, and those the app's own
	// code imports, as it will be once the template files are migrated.
	imports, err := appImports(app.Dir, plan)
	if err != nil {
		return nil, err
	}
	imports = append(imports, target.imports...)
	vendored, err := liveappFiles(target.release.source(), imports)
	if err != nil {
		return nil, err
	}
	current, err := readTree(app.Dir, ThirdParty)
	if err != nil {
		return nil, err
	}
	if err := checkSource(current, vendored, m, hadManifest); err != nil && !opts.Force {
		return nil, err
	}
	writes, removes := diffSource(current, vendored, &up.Source)
	for p := range m {
		if strings.HasPrefix(p, ThirdParty+"/") {
			delete(m, p)
		}
	}
	m.record(vendored)

	// go.mod and go.sum.
	reqs, err := requirements(vendored, target.liveapp, imports)
	if err != nil {
		return nil, err
	}
	newMod, changes, err := mergeGoMod(goModData, target.liveapp, reqs)
	if err != nil {
		return nil, fmt.Errorf("go.mod: %w", err)
	}
	up.GoMod = changes
	writes = append(writes, plan.writes...)
	removes = append(removes, plan.removes...)
	if len(changes) > 0 {
		writes = append(writes, scaffold.File{Path: "go.mod", Data: newMod})
	}
	if len(changes) > 0 || !up.Source.Empty() {
		sum, err := os.ReadFile(filepath.Join(app.Dir, "go.sum"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		var newSum []byte
		if newSum, up.GoSum = addSums(sum, target.goSum); up.GoSum > 0 {
			writes = append(writes, scaffold.File{Path: "go.sum", Data: newSum})
		}
	}

	// Write, the manifest last: until then, a file already written holds
	// what the release has, which a second run takes as unchanged.
	if _, err := scaffold.Write(app.Dir, writes, true); err != nil {
		return up, err
	}
	for _, p := range removes {
		if err := removeFile(app.Dir, p); err != nil {
			return up, err
		}
	}
	manifestData := m.format()
	if old, err := os.ReadFile(filepath.Join(app.Dir, ManifestFile)); err != nil || !bytes.Equal(old, manifestData) {
		up.Manifest = true
		if _, err := scaffold.Write(app.Dir, []scaffold.File{{Path: ManifestFile, Data: manifestData}}, true); err != nil {
			return up, err
		}
	}
	return up, nil
}

// diffSource returns what turns current, the app's copy of liveapp, into
// vendored, the release's: the files to write and those to remove. It lists
// them in changes.
func diffSource(current map[string][]byte, vendored []scaffold.File, changes *Changes) (writes []scaffold.File, removes []string) {
	inRelease := map[string]bool{}
	for _, f := range vendored {
		inRelease[f.Path] = true
		old, ok := current[f.Path]
		switch {
		case !ok:
			changes.Added = append(changes.Added, f.Path)
		case !bytes.Equal(old, f.Data):
			changes.Changed = append(changes.Changed, f.Path)
		default:
			continue
		}
		writes = append(writes, f)
	}
	for p := range current {
		if !inRelease[p] {
			removes = append(removes, p)
		}
	}
	slices.Sort(removes)
	changes.Removed = slices.Clone(removes)
	return writes, removes
}

func notACopyError(to string) error {
	if to == "" {
		return fmt.Errorf("go.mod has no replace directive for %s: the app uses liveapp as a published module, which `go get -u %s` upgrades; liveapp upgrade replaces the copy in %s", liveappModule, liveappModule, ThirdParty)
	}
	return fmt.Errorf("go.mod points %s at %s, not at the copy in %s that liveapp upgrade replaces; upgrade that one yourself, or point the replace directive back at %s", liveappModule, to, ThirdParty, replacement)
}

// templatePlan is what Upgrade does to the app's files from the template.
type templatePlan struct {
	writes  []scaffold.File
	removes []string
}

// planTemplate decides, for each of the app's files from the template, what
// Upgrade does with it, given m, the manifest (which it updates to match), and
// files, the release's version of them. It adds what it decides to up.
func planTemplate(dir string, m manifest, files []scaffold.File, up *Upgraded) (*templatePlan, error) {
	plan := &templatePlan{}
	inRelease := map[string]bool{}
	for _, f := range files {
		inRelease[f.Path] = true
		current, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		exists := err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		_, recorded := m[f.Path]
		switch {
		case !exists && recorded:
			// The user removed it: it stays removed.
		case !exists:
			up.Template.Added = append(up.Template.Added, f.Path)
			plan.writes = append(plan.writes, f)
			m.record([]scaffold.File{f})
		case bytes.Equal(current, f.Data):
			m.record([]scaffold.File{f})
		case m.matches(f.Path, current):
			up.Template.Changed = append(up.Template.Changed, f.Path)
			plan.writes = append(plan.writes, f)
			m.record([]scaffold.File{f})
		case !recorded:
			up.Kept = append(up.Kept, Kept{f.Path, fmt.Sprintf("%s does not record it, and it differs from liveapp's version", ManifestFile)})
		case m[f.Path] != hashOf(f.Data):
			up.Kept = append(up.Kept, Kept{f.Path, "you changed it, and liveapp's version changed too"})
		}
	}

	// What the release no longer has goes, unless the user changed it.
	var gone []string
	for p := range m {
		if !inRelease[p] && !strings.HasPrefix(p, ThirdParty+"/") && !slices.Contains([]string{"go.mod", "go.sum", ManifestFile}, p) {
			gone = append(gone, p)
		}
	}
	slices.Sort(gone)
	for _, p := range gone {
		current, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, err
		case m.matches(p, current):
			up.Template.Removed = append(up.Template.Removed, p)
			plan.removes = append(plan.removes, p)
		default:
			up.Kept = append(up.Kept, Kept{p, "liveapp no longer has it, and you changed it"})
		}
		delete(m, p)
	}
	return plan, nil
}

// appImports returns what the app's Go files import, outside ThirdParty, as
// they will be once plan is carried out. It skips the directories the go
// command ignores: testdata, and those whose name starts with . or _.
func appImports(dir string, plan *templatePlan) ([]string, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || rel == ThirdParty) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		files[rel] = data
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, f := range plan.writes {
		files[f.Path] = f.Data
	}
	for _, p := range plan.removes {
		delete(files, p)
	}
	var imports []string
	for p, data := range files {
		if !strings.HasSuffix(p, ".go") {
			continue
		}
		imps, err := importsOf(p, data)
		if err != nil {
			return nil, fmt.Errorf("cannot tell which of liveapp's packages the app needs: %w", err)
		}
		imports = append(imports, imps...)
	}
	slices.Sort(imports)
	return slices.Compact(imports), nil
}

// readTree returns the files under dir/sub by slash-separated path from dir,
// nothing when sub does not exist.
func readTree(dir, sub string) (map[string][]byte, error) {
	files := map[string][]byte{}
	root := filepath.Join(dir, filepath.FromSlash(sub))
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == root {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		var data []byte
		if d.Type().IsRegular() {
			if data, err = os.ReadFile(p); err != nil {
				return err
			}
		} else {
			data = []byte("not a regular file: " + d.Type().String())
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	return files, err
}

// checkSource returns an *EditedSourceError when current, the app's copy of
// liveapp, differs from what m records of it. A file that holds the release's
// version (in vendored) counts as unchanged: an upgrade cut short left it.
func checkSource(current map[string][]byte, vendored []scaffold.File, m manifest, hadManifest bool) error {
	release := map[string][]byte{}
	for _, f := range vendored {
		release[f.Path] = f.Data
	}
	e := &EditedSourceError{NoManifest: !hadManifest}
	for p, data := range current {
		want, inRelease := release[p]
		_, recorded := m[p]
		switch {
		case m.matches(p, data), inRelease && bytes.Equal(want, data):
		case recorded:
			e.Changed = append(e.Changed, p)
		default:
			e.Added = append(e.Added, p)
		}
	}
	for p := range m {
		_, exists := current[p]
		_, inRelease := release[p]
		if !exists && inRelease && strings.HasPrefix(p, ThirdParty+"/") {
			e.Removed = append(e.Removed, p)
		}
	}
	if len(e.Changed)+len(e.Added)+len(e.Removed) == 0 {
		return nil
	}
	slices.Sort(e.Changed)
	slices.Sort(e.Added)
	slices.Sort(e.Removed)
	return e
}

// removeFile removes the file at p in the app, then the directories it leaves
// empty, up to the app's root.
func removeFile(dir, p string) error {
	if !validPath(p) {
		return fmt.Errorf("upgrade: %q is not a path inside the app", p)
	}
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("upgrade: %w", err)
	}
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(d)))
		if err != nil || len(entries) > 0 {
			return nil
		}
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(d))); err != nil {
			return fmt.Errorf("upgrade: %w", err)
		}
	}
	return nil
}
