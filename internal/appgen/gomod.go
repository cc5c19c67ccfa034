package appgen

import (
	"fmt"
	"go/version"
	"path"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/liveapp/liveapp/internal/scaffold"
)

// modules lists the modules an app's packages and their tests build with, by
// the liveapp package that needs them: pkg "" for every app, "accounts" for
// apps that carry liveapp's accounts package (those with accounts, and any
// whose own code imports it). Versions come from liveapp's go.mod. The tests
// hold this list to what `go list -deps -test` says of the template and of
// generated apps.
var modules = []struct {
	pkg   string // a directory of liveapp's source
	paths []string
}{
	{"", []string{
		"dario.cat/mergo",
		"github.com/Masterminds/goutils",
		"github.com/Masterminds/semver/v3",
		"github.com/Masterminds/sprig/v3",
		"github.com/google/uuid",
		"github.com/gorilla/websocket",
		"github.com/huandu/xstrings",
		"github.com/jackc/pgpassfile",
		"github.com/jackc/pgservicefile",
		"github.com/jackc/pgx/v5",
		"github.com/jackc/puddle/v2",
		"github.com/jackc/tern/v2",
		"github.com/mitchellh/copystructure",
		"github.com/mitchellh/reflectwalk",
		"github.com/shopspring/decimal",
		"github.com/spf13/cast",
		"golang.org/x/crypto",
		"golang.org/x/net",
		"golang.org/x/sync",
		"golang.org/x/text",
	}},
	{"accounts", []string{
		"github.com/alexedwards/argon2id",
		"golang.org/x/sys",
	}},
}

// moduleVersion is the version liveapp's go.mod gives a module an app requires
// in its place: the replace directive points it at third_party/liveapp.
const moduleVersion = "v0.0.0-00010101000000-000000000000"

// replacement is the directory an app's go.mod points liveapp at.
const replacement = "./" + ThirdParty

// parseGoMod parses a go.mod file, name saying which in errors, and checks
// that it has a module line.
func parseGoMod(name string, data []byte) (*modfile.File, error) {
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return nil, err
	}
	if f.Module == nil {
		return nil, fmt.Errorf("%s has no module line", name)
	}
	return f, nil
}

// requiredVersion returns the version f requires of the module at path.
func requiredVersion(f *modfile.File, path string) (string, bool) {
	for _, r := range f.Require {
		if r.Mod.Path == path {
			return r.Mod.Version, true
		}
	}
	return "", false
}

// requirement is one line of an app's go.mod.
type requirement struct {
	path, version string
	indirect      bool
}

// requirements returns what an app requires, given vendored, its copy of
// liveapp's source: liveapp, and the modules its build needs at the versions
// liveapp uses. Those that provide packages the app imports itself (direct, by
// import path) are direct, the others indirect, as go mod tidy would mark them.
func requirements(vendored []scaffold.File, liveapp *modfile.File, direct []string) ([]requirement, error) {
	reqs := []requirement{{path: liveappModule, version: moduleVersion}}
	carries := func(dir string) bool {
		return slices.ContainsFunc(vendored, func(f scaffold.File) bool { return path.Dir(f.Path) == ThirdParty+"/"+dir })
	}
	for _, m := range modules {
		if m.pkg != "" && !carries(m.pkg) {
			continue
		}
		for _, p := range m.paths {
			v, ok := requiredVersion(liveapp, p)
			if !ok {
				return nil, fmt.Errorf("appgen: liveapp's go.mod does not require %s, which apps need", p)
			}
			reqs = append(reqs, requirement{path: p, version: v, indirect: true})
		}
	}
	for _, imp := range direct {
		best := -1
		for i, r := range reqs {
			if (imp == r.path || strings.HasPrefix(imp, r.path+"/")) && (best < 0 || len(r.path) > len(reqs[best].path)) {
				best = i
			}
		}
		if best >= 0 {
			reqs[best].indirect = false
		}
	}
	slices.SortFunc(reqs, func(a, b requirement) int { return strings.Compare(a.path, b.path) })
	return reqs, nil
}

// newGoMod writes an app's go.mod: direct requirements, then indirect ones,
// then the replace directive that makes liveapp's copy in third_party/liveapp
// the one the app builds with.
func newGoMod(modulePath, goVersion string, reqs []requirement) ([]byte, error) {
	f := new(modfile.File)
	if err := f.AddModuleStmt(modulePath); err != nil {
		return nil, fmt.Errorf("appgen: go.mod: %w", err)
	}
	if err := f.AddGoStmt(goVersion); err != nil {
		return nil, fmt.Errorf("appgen: go.mod: %w", err)
	}
	var lines []*modfile.Require
	for _, r := range reqs {
		lines = append(lines, &modfile.Require{Mod: module.Version{Path: r.path, Version: r.version}, Indirect: r.indirect})
	}
	f.SetRequireSeparateIndirect(lines)
	if err := f.AddReplace(liveappModule, "", replacement, ""); err != nil {
		return nil, fmt.Errorf("appgen: go.mod: %w", err)
	}
	f.Replace[0].Syntax.Before = []modfile.Comment{{Token: "// liveapp, copied into the app by liveapp new: the app builds without fetching it."}}
	f.Cleanup()
	return f.Format()
}

// mergeGoMod returns the app's go.mod, data, with what liveapp (its go.mod)
// and reqs (the requirements liveapp new would write for the app) need, and a
// line for each change it made:
//
//   - the go version, raised to liveapp's;
//   - each module liveapp requires that the app requires at a lower version,
//     raised to liveapp's, as the go command would select it anyway;
//   - each of reqs the app lacks, added to the block of its kind (direct or
//     indirect), as go get adds it; one it marks indirect that reqs says the
//     app imports, marked direct.
//
// It leaves everything else as it is: the user's own requirements, comments,
// and modules the app requires that reqs does not list.
func mergeGoMod(data []byte, liveapp *modfile.File, reqs []requirement) ([]byte, []string, error) {
	f, err := parseGoMod("go.mod", data)
	if err != nil {
		return nil, nil, err
	}
	var changes []string
	if liveapp.Go != nil && (f.Go == nil || version.Compare("go"+f.Go.Version, "go"+liveapp.Go.Version) < 0) {
		old := "none"
		if f.Go != nil {
			old = f.Go.Version
		}
		if err := f.AddGoStmt(liveapp.Go.Version); err != nil {
			return nil, nil, err
		}
		changes = append(changes, fmt.Sprintf("go %s => %s", old, liveapp.Go.Version))
	}
	for _, r := range liveapp.Require {
		have, ok := requiredVersion(f, r.Mod.Path)
		if ok && semver.Compare(have, r.Mod.Version) < 0 {
			if err := f.AddRequire(r.Mod.Path, r.Mod.Version); err != nil {
				return nil, nil, err
			}
			changes = append(changes, fmt.Sprintf("%s %s => %s", r.Mod.Path, have, r.Mod.Version))
		}
	}
	all := slices.Clone(f.Require)
	for _, r := range reqs {
		i := slices.IndexFunc(all, func(have *modfile.Require) bool { return have.Mod.Path == r.path })
		switch {
		case i < 0:
			all = append(all, &modfile.Require{Mod: module.Version{Path: r.path, Version: r.version}, Indirect: r.indirect})
			changes = append(changes, fmt.Sprintf("%s %s (added)", r.path, r.version)+indirectNote(r.indirect))
		case all[i].Indirect && !r.indirect:
			all[i] = &modfile.Require{Mod: all[i].Mod, Syntax: all[i].Syntax}
			changes = append(changes, fmt.Sprintf("%s %s (now direct: the app imports it)", r.path, all[i].Mod.Version))
		}
	}
	if len(changes) == 0 {
		return data, nil, nil
	}
	f.SetRequireSeparateIndirect(all)
	f.SortBlocks()
	f.Cleanup()
	out, err := f.Format()
	return out, changes, err
}

func indirectNote(indirect bool) string {
	if indirect {
		return " // indirect"
	}
	return ""
}

// replacesLiveapp reports whether the app's go.mod points liveapp at its copy
// in third_party/liveapp, and where it points it otherwise ("" for nowhere).
func replacesLiveapp(f *modfile.File) (bool, string) {
	for _, r := range f.Replace {
		if r.Old.Path == liveappModule {
			to := r.New.Path
			if r.New.Version != "" {
				to += "@" + r.New.Version
			}
			return strings.TrimSuffix(r.New.Path, "/") == replacement && r.New.Version == "", to
		}
	}
	return false, ""
}

// addSums returns the app's go.sum with the lines of liveapp's go.sum it
// lacks, in the order the go command writes go.sum, and how many it added. It
// returns app as it is when it lacks none.
func addSums(app, liveapp []byte) (out []byte, added int) {
	have := map[string]bool{}
	var lines []string
	for _, l := range splitLines(string(app)) {
		if l != "" && !have[l] {
			have[l] = true
			lines = append(lines, l)
		}
	}
	for _, l := range splitLines(string(liveapp)) {
		if l != "" && !have[l] {
			have[l] = true
			lines = append(lines, l)
			added++
		}
	}
	if added == 0 {
		return app, 0
	}
	return []byte(joinLines(sortSums(lines))), added
}

// sortSums sorts go.sum lines as the go command does: by module path, then
// version, a version's go.mod line after its zip's. Lines it cannot read go
// last, in their order.
func sortSums(lines []string) []string {
	byMod := map[module.Version][]string{}
	var mods []module.Version
	var odd []string
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 3 {
			odd = append(odd, l)
			continue
		}
		m := module.Version{Path: f[0], Version: f[1]}
		if _, ok := byMod[m]; !ok {
			mods = append(mods, m)
		}
		byMod[m] = append(byMod[m], l)
	}
	module.Sort(mods)
	out := make([]string, 0, len(lines))
	for _, m := range mods {
		out = append(out, byMod[m]...)
	}
	return append(out, odd...)
}
