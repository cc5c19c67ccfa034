package appgen

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/liveapp/liveapp"
	"github.com/liveapp/liveapp/internal/scaffold"
)

// copyFS returns a copy of fsys that a test can edit.
func copyFS(t *testing.T, fsys fs.FS) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		out[p] = &fstest.MapFile{Data: data, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// replaceIn replaces old with new in the file at p of fsys, which must hold old.
func replaceIn(t *testing.T, fsys fstest.MapFS, p, old, new string) {
	t.Helper()
	f, ok := fsys[p]
	if !ok || !strings.Contains(string(f.Data), old) {
		t.Fatalf("%s does not hold %q", p, old)
	}
	fsys[p] = &fstest.MapFile{Data: []byte(strings.Replace(string(f.Data), old, new, 1)), Mode: f.Mode}
}

// olderRelease returns the CLI's release as an older liveapp might have been:
// the runtime had a file it has dropped since, lacked one it has now, and
// changed another; it required an older pgx and go; and the template had a
// file since dropped, lacked one, and differed in three.
func olderRelease(t *testing.T) Release {
	t.Helper()
	src := copyFS(t, liveapp.Source())
	delete(src, "live/doc.go")
	src["live/old.go"] = &fstest.MapFile{Data: []byte("package live\n\n// oldHelper is what an older liveapp had.\nfunc oldHelper() {}\n")}
	replaceIn(t, src, "live/stats.go", "package live\n", "package live\n\n// An older liveapp's comment.\n")
	replaceIn(t, src, "go.mod", "\ngo 1.26.0\n", "\ngo 1.25.0\n")
	replaceIn(t, src, "go.mod", "github.com/jackc/pgx/v5 v5.12.0", "github.com/jackc/pgx/v5 v5.11.0")

	tmpl := copyFS(t, liveapp.Template())
	delete(tmpl, "internal/web/static/favicon.svg")
	tmpl["internal/web/templates/old.html"] = &fstest.MapFile{Data: []byte("<p>What an older liveapp had.</p>\n")}
	tmpl["internal/web/old_notes.md"] = &fstest.MapFile{Data: []byte("# Notes an older liveapp had\n")}
	replaceIn(t, tmpl, "internal/web/home.go", "package web\n", "package web\n\n// An older liveapp's comment.\n")
	replaceIn(t, tmpl, "README.md", "## Run it\n", "## Running it\n")
	replaceIn(t, tmpl, ".gitignore", "# The binary", "# An older liveapp's comment.\n\n# The binary")
	return Release{Source: src, Template: tmpl}
}

// writeOld writes the full app as the older release made it, then takes
// x/sync out of its go.mod and go.sum, as a liveapp that did not need it
// would have left them.
func writeOld(t *testing.T) *App {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	files, err := Files(Options{Name: "shop", Module: "example.com/shop", Parts: Full, Release: olderRelease(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write(dir, files, false); err != nil {
		t.Fatal(err)
	}
	editFile(t, dir, "go.mod", func(s string) string {
		return strings.Replace(s, "\tgolang.org/x/sync v0.24.0 // indirect\n", "", 1)
	})
	editFile(t, dir, "go.sum", func(s string) string {
		var keep []string
		for _, l := range splitLines(s) {
			if !strings.HasPrefix(l, "golang.org/x/sync ") {
				keep = append(keep, l)
			}
		}
		return joinLines(keep)
	})
	app, err := FindApp(dir)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func editFile(t *testing.T, dir, p string, edit func(string) string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	b, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	changed := edit(string(b))
	if changed == string(b) {
		t.Fatalf("the edit left %s as it was", p)
	}
	if err := os.WriteFile(full, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUpgradeReplacesTheCopyAndMigratesWhatTheUserLeftAlone(t *testing.T) {
	app := writeOld(t)
	// The user's changes: two files liveapp's new version changes too, one
	// it does not change, and a file removed.
	appendTo := func(s string) string { return s + "\nMine.\n" }
	editFile(t, app.Dir, "README.md", appendTo)
	editFile(t, app.Dir, "internal/web/old_notes.md", appendTo)
	editFile(t, app.Dir, "internal/web/routes.go", appendTo)
	os.Remove(filepath.Join(app.Dir, ".gitignore"))
	mine := tree(t, app.Dir)
	oldManifest, _, err := readManifest(app.Dir)
	if err != nil {
		t.Fatal(err)
	}

	up, err := Upgrade(app, UpgradeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := Upgraded{
		Source: Changes{
			Added:   []string{ThirdParty + "/live/doc.go"},
			Changed: []string{ThirdParty + "/go.mod", ThirdParty + "/live/stats.go"},
			Removed: []string{ThirdParty + "/live/old.go"},
		},
		Template: Changes{
			Added:   []string{"internal/web/static/favicon.svg"},
			Changed: []string{"internal/web/home.go"},
			Removed: []string{"internal/web/templates/old.html"},
		},
		Kept: []Kept{
			{"README.md", "you changed it, and liveapp's version changed too"},
			{"internal/web/old_notes.md", "liveapp no longer has it, and you changed it"},
		},
		GoMod: []string{
			"go 1.25.0 => 1.26.0",
			"github.com/jackc/pgx/v5 v5.11.0 => v5.12.0",
			"golang.org/x/sync v0.24.0 (added) // indirect",
		},
		GoSum:    5, // x/sync's lines
		Manifest: true,
	}
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"source added", up.Source.Added, want.Source.Added},
		{"source changed", up.Source.Changed, want.Source.Changed},
		{"source removed", up.Source.Removed, want.Source.Removed},
		{"template added", up.Template.Added, want.Template.Added},
		{"template changed", up.Template.Changed, want.Template.Changed},
		{"template removed", up.Template.Removed, want.Template.Removed},
		{"kept", up.Kept, want.Kept},
		{"go.mod", up.GoMod, want.GoMod},
		{"go.sum lines", up.GoSum, want.GoSum},
		{"manifest", up.Manifest, want.Manifest},
	} {
		if !equal(c.got, c.want) {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}

	// Every file is what liveapp new makes today, go.mod and go.sum
	// included, but for the user's.
	got := tree(t, app.Dir)
	current := map[string]string{}
	for _, f := range files(t, Full) {
		current[f.Path] = string(f.Data)
	}
	users := map[string]bool{"README.md": true, "internal/web/routes.go": true, ".gitignore": true, ManifestFile: true}
	for p, data := range current {
		if !users[p] && got[p] != data {
			t.Errorf("%s is not liveapp new's version", p)
		}
	}
	for _, p := range []string{"README.md", "internal/web/routes.go", "internal/web/old_notes.md"} {
		if got[p] != mine[p] {
			t.Errorf("the user's %s changed", p)
		}
	}
	if _, ok := got[".gitignore"]; ok {
		t.Error("the .gitignore the user removed is back")
	}
	for p := range got {
		if _, ok := current[p]; !ok && p != "internal/web/old_notes.md" {
			t.Errorf("%s is not in what liveapp new makes", p)
		}
	}

	// The manifest records liveapp's versions, and the old ones of the files
	// the user changed or removed.
	m, _, err := readManifest(app.Dir)
	if err != nil {
		t.Fatal(err)
	}
	newManifest, err := parseManifest([]byte(current[ManifestFile]))
	if err != nil {
		t.Fatal(err)
	}
	wantManifest := maps.Clone(newManifest)
	wantManifest["README.md"] = oldManifest["README.md"]
	wantManifest[".gitignore"] = oldManifest[".gitignore"]
	if !maps.Equal(m, wantManifest) {
		t.Errorf("the manifest is\n%s\nwant\n%s", m.format(), wantManifest.format())
	}

	t.Run("a second run changes nothing and lists the same kept file", func(t *testing.T) {
		up, err := Upgrade(app, UpgradeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if up.Changed() || !slices.Equal(up.Kept, []Kept{{"README.md", "you changed it, and liveapp's version changed too"}}) {
			t.Errorf("got %+v", up)
		}
		if after := tree(t, app.Dir); !maps.Equal(after, got) {
			t.Error("the second run changed files")
		}
	})
}

func equal(a, b any) bool {
	switch a := a.(type) {
	case []string:
		return slices.Equal(a, b.([]string))
	case []Kept:
		return slices.Equal(a, b.([]Kept))
	}
	return a == b
}

func TestUpgradeRefusesAnEditedCopy(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, dir string)
		want EditedSourceError
	}{
		{"a changed file", func(t *testing.T, dir string) {
			editFile(t, dir, ThirdParty+"/live/runtime.go", func(s string) string { return s + "\n// My fix.\n" })
		}, EditedSourceError{Changed: []string{ThirdParty + "/live/runtime.go"}}},
		{"an added file", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, ThirdParty, "live", "mine.go"), []byte("package live\n"), 0o644)
		}, EditedSourceError{Added: []string{ThirdParty + "/live/mine.go"}}},
		{"a removed file", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, ThirdParty, "live", "runtime.go"))
		}, EditedSourceError{Removed: []string{ThirdParty + "/live/runtime.go"}}},
		{"no manifest", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, ManifestFile))
		}, EditedSourceError{NoManifest: true, Added: nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := writeOld(t)
			tt.edit(t, app.Dir)
			before := tree(t, app.Dir)
			_, err := Upgrade(app, UpgradeOptions{})
			var e *EditedSourceError
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *EditedSourceError", err)
			}
			if e.NoManifest != tt.want.NoManifest || (!tt.want.NoManifest && (!slices.Equal(e.Changed, tt.want.Changed) ||
				!slices.Equal(e.Added, tt.want.Added) || !slices.Equal(e.Removed, tt.want.Removed))) {
				t.Errorf("got %+v, want %+v", *e, tt.want)
			}
			if !strings.Contains(err.Error(), "--force") {
				t.Errorf("the error does not say how to go on: %v", err)
			}
			if after := tree(t, app.Dir); !maps.Equal(before, after) {
				t.Error("a refused upgrade changed files")
			}

			if _, err := Upgrade(app, UpgradeOptions{Force: true}); err != nil {
				t.Fatal(err)
			}
			after := tree(t, app.Dir)
			for _, f := range files(t, Full) {
				if strings.HasPrefix(f.Path, ThirdParty+"/") && after[f.Path] != string(f.Data) {
					t.Errorf("forced: %s is not liveapp's", f.Path)
				}
			}
			if _, ok := after[ThirdParty+"/live/mine.go"]; ok {
				t.Error("forced: the file the user added to the copy is still there")
			}
			if up, err := Upgrade(app, UpgradeOptions{}); err != nil || up.Changed() {
				t.Errorf("after --force, a run without it: %+v, %v", up, err)
			}
		})
	}
}

func TestUpgradeFinishesWhatAnInterruptedUpgradeBegan(t *testing.T) {
	app := writeOld(t)
	// As if an upgrade had written this file, then stopped before the
	// manifest: the file holds the release's version, not the recorded one.
	for _, f := range files(t, Full) {
		if f.Path == ThirdParty+"/live/stats.go" {
			os.WriteFile(filepath.Join(app.Dir, filepath.FromSlash(f.Path)), f.Data, 0o644)
		}
	}
	up, err := Upgrade(app, UpgradeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(up.Source.Changed, ThirdParty+"/live/stats.go") || !slices.Contains(up.Source.Changed, ThirdParty+"/go.mod") {
		t.Errorf("source changes: %v", up.Source.Changed)
	}
}

func TestUpgradeCarriesThePackagesTheAppsOwnCodeImports(t *testing.T) {
	// An app without accounts, whose own code imports liveapp's accounts
	// package, which its copy lacks.
	app := write(t, Parts{})
	os.WriteFile(filepath.Join(app.Dir, "internal", "web", "mine.go"),
		[]byte("package web\n\nimport _ \"github.com/liveapp/liveapp/accounts\"\n"), 0o644)
	up, err := Upgrade(app, UpgradeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(up.Source.Added, ThirdParty+"/accounts/store.go") {
		t.Errorf("added to the copy: %v", up.Source.Added)
	}
	if !slices.Contains(up.GoMod, "github.com/alexedwards/argon2id v1.0.0 (added) // indirect") {
		t.Errorf("go.mod changes: %v", up.GoMod)
	}
	if !up.Template.Empty() || len(up.Kept) > 0 {
		t.Errorf("the template's files: %+v, kept %v", up.Template, up.Kept)
	}

	t.Run("a package the new liveapp lacks is named", func(t *testing.T) {
		os.WriteFile(filepath.Join(app.Dir, "internal", "web", "mine.go"),
			[]byte("package web\n\nimport _ \"github.com/liveapp/liveapp/live/gone\"\n"), 0o644)
		_, err := Upgrade(app, UpgradeOptions{})
		if err == nil || !strings.Contains(err.Error(), "github.com/liveapp/liveapp/live/gone") {
			t.Errorf("got %v", err)
		}
	})
}

func TestUpgradeRefusesALinkedCopyEvenWhenForced(t *testing.T) {
	app := write(t, Full)
	checkout := t.TempDir()
	copied := filepath.Join(app.Dir, filepath.FromSlash(ThirdParty))
	if err := os.RemoveAll(copied); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(checkout, copied); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	_, err := Upgrade(app, UpgradeOptions{Force: true})
	if err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Fatalf("got %v", err)
	}
	if entries, _ := os.ReadDir(checkout); len(entries) > 0 {
		t.Error("upgrade wrote through the link")
	}
}

func TestUpgradeNeedsTheCopy(t *testing.T) {
	for _, tt := range []struct {
		name, replace, want string
	}{
		{"no replace directive", "", "go get -u github.com/liveapp/liveapp"},
		{"a replace pointing elsewhere", "replace github.com/liveapp/liveapp => ../liveapp\n", "points github.com/liveapp/liveapp at ../liveapp"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			app := write(t, Full)
			editFile(t, app.Dir, "go.mod", func(s string) string {
				return strings.Replace(s, "replace github.com/liveapp/liveapp => ./third_party/liveapp\n", tt.replace, 1)
			})
			_, err := Upgrade(app, UpgradeOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}
