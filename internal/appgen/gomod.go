package appgen

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// modules lists the modules an app's packages and their tests build with, by
// the part that needs them (Part "" for every app). Versions come from
// liveapp's go.mod. The tests hold this list to what `go list -deps -test`
// says of the template and of generated apps.
var modules = []struct {
	part  Part
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
	{Auth, []string{
		"github.com/alexedwards/argon2id",
		"golang.org/x/sys",
	}},
}

// moduleVersion is the version liveapp's go.mod gives a module an app requires
// in its place: the replace directive points it at third_party/liveapp.
const moduleVersion = "v0.0.0-00010101000000-000000000000"

// goMod is the part of a go.mod file the generator reads.
type goMod struct {
	module  string
	goLine  string            // "go 1.26.0"
	require map[string]string // module path → version
}

// parseGoMod reads the module, go and require lines of a go.mod file: enough for
// the files liveapp writes and the edits people make to them by hand or with
// the go command.
func parseGoMod(data []byte) (*goMod, error) {
	m := &goMod{require: map[string]string{}}
	inRequire := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case inRequire && f[0] == ")":
			inRequire = false
		case inRequire && len(f) == 2:
			m.require[unquote(f[0])] = f[1]
		case f[0] == "module" && len(f) == 2:
			m.module = unquote(f[1])
		case f[0] == "go" && len(f) == 2:
			m.goLine = "go " + f[1]
		case f[0] == "require" && len(f) == 2 && f[1] == "(":
			inRequire = true
		case f[0] == "require" && len(f) == 3:
			m.require[unquote(f[1])] = f[2]
		case inRequire:
			return nil, fmt.Errorf("go.mod:%d: cannot read %q", n, sc.Text())
		}
	}
	if m.module == "" {
		return nil, fmt.Errorf("go.mod has no module line")
	}
	return m, nil
}

func unquote(s string) string { return strings.Trim(s, "\"`") }

// requirement is one line of an app's go.mod.
type requirement struct {
	path, version string
	indirect      bool
}

func (r requirement) String() string {
	s := "\t" + r.path + " " + r.version
	if r.indirect {
		s += " // indirect"
	}
	return s
}

// requirements returns what an app with parts requires: liveapp, and the
// modules its build needs at the versions liveapp uses. Those that provide
// packages the app imports itself (direct, by import path) are direct, the
// others indirect, as go mod tidy would mark them.
func requirements(parts Parts, liveapp *goMod, direct []string) ([]requirement, error) {
	reqs := []requirement{{path: liveappModule, version: moduleVersion}}
	for _, m := range modules {
		if m.part != "" && !parts.has(m.part) {
			continue
		}
		for _, p := range m.paths {
			v, ok := liveapp.require[p]
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

// formatGoMod writes an app's go.mod: direct requirements, then indirect ones,
// then the replace directive that makes liveapp's copy in third_party/liveapp
// the one the app builds with.
func formatGoMod(module, goLine string, reqs []requirement) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "module %s\n\n%s\n", module, goLine)
	for _, indirect := range []bool{false, true} {
		var block []string
		for _, r := range reqs {
			if r.indirect == indirect {
				block = append(block, r.String())
			}
		}
		if len(block) > 0 {
			fmt.Fprintf(&b, "\nrequire (\n%s\n)\n", strings.Join(block, "\n"))
		}
	}
	fmt.Fprintf(&b, "\n// liveapp, copied into the app by liveapp new: the app builds without fetching it.\nreplace %s => ./third_party/liveapp\n", liveappModule)
	return []byte(b.String())
}

// addRequirements adds to an app's go.mod the requirements it lacks, each in
// the require block of its kind (direct or indirect), in path order. It leaves
// alone modules the app requires already, at whatever version.
func addRequirements(data []byte, reqs []requirement) ([]byte, error) {
	have, err := parseGoMod(data)
	if err != nil {
		return nil, err
	}
	lines := splitLines(string(data))
	for _, r := range reqs {
		if _, ok := have.require[r.path]; ok {
			continue
		}
		lines = insertRequirement(lines, r)
	}
	return []byte(joinLines(lines)), nil
}

// insertRequirement puts r into the last require block that has lines of its
// kind, before the first path that sorts after it; without such a block, into
// a new one at the end.
func insertRequirement(lines []string, r requirement) []string {
	start, end := -1, -1 // the chosen block's lines, between "require (" and ")"
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "require (" {
			continue
		}
		j := i + 1
		kind := false
		for j < len(lines) && strings.TrimSpace(lines[j]) != ")" {
			if strings.Contains(lines[j], "// indirect") == r.indirect && strings.TrimSpace(lines[j]) != "" {
				kind = true
			}
			j++
		}
		if kind {
			start, end = i+1, j
		}
		i = j
	}
	if start < 0 {
		return append(lines, "", "require (", r.String(), ")")
	}
	at := end
	for k := start; k < end; k++ {
		if f := strings.Fields(lines[k]); len(f) > 0 && unquote(f[0]) > r.path {
			at = k
			break
		}
	}
	return slices.Insert(lines, at, r.String())
}

// addSums appends to an app's go.sum the lines of liveapp's it lacks. The go
// command reads go.sum in any order and sorts it when it next writes it.
func addSums(app, liveapp []byte) []byte {
	have := map[string]bool{}
	for _, l := range splitLines(string(app)) {
		have[l] = true
	}
	out := slices.Clone(app)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	for _, l := range splitLines(string(liveapp)) {
		if l != "" && !have[l] {
			out = append(out, l+"\n"...)
		}
	}
	return out
}
