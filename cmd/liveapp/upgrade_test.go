package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/liveapp/liveapp"
	"github.com/liveapp/liveapp/internal/appgen"
	"github.com/liveapp/liveapp/internal/scaffold"
)

// TestUpgrade makes an app with an older liveapp, then upgrades it as a user
// would: upgrade refuses the copy of liveapp edited in place, --force replaces
// it, and the app builds and vets (tests included) offline. The app is one
// without accounts, the quicker to build: the appgen tests show that an
// upgraded app with accounts is, file for file, what liveapp new makes, which
// TestGeneratedApps builds and tests.
func TestUpgrade(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an upgraded app")
	}
	goCmd := needGo(t)
	t.Chdir(t.TempDir())
	files, err := appgen.Files(appgen.Options{Name: "blog", Release: olderRelease(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write("blog", files, false); err != nil {
		t.Fatal(err)
	}
	t.Chdir("blog")
	edit := func(p, old, new string) {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(b), old) {
			t.Fatalf("%s does not hold %q (%v)", p, old, err)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("README.md", "## Test it\n", "## Test it\n\nMy notes.\n")
	stats := filepath.Join(appgen.ThirdParty, "live", "stats.go")
	edit(stats, "package live\n", "package live\n\n// My fix.\n")

	t.Run("upgrade refuses a copy of liveapp edited in place", func(t *testing.T) {
		_, err := run(t, "upgrade")
		if err == nil || !strings.Contains(err.Error(), "changed third_party/liveapp/live/stats.go") || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("got %v, want a refusal naming stats.go", err)
		}
		if b, _ := os.ReadFile(stats); !strings.Contains(string(b), "// My fix.") {
			t.Error("the refused upgrade changed the copy")
		}
	})

	t.Run("--force upgrades, says what changed, and the app builds offline", func(t *testing.T) {
		out, err := run(t, "upgrade", "--force")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		t.Logf("liveapp upgrade --force says:\n%s", out)
		for _, want := range []string{
			"liveapp's source, in third_party/liveapp:\n",
			"  change third_party/liveapp/live/stats.go\n",
			"  remove third_party/liveapp/live/old.go\n",
			"  change internal/web/home.go\n",
			"go.mod:\n  go 1.25.0 => 1.26.0\n  github.com/jackc/pgx/v5 v5.11.0 => v5.12.0\n",
			"liveapp.sum: records what liveapp wrote\n",
			"  README.md: you changed it, and liveapp's version changed too\n",
			"go build ./... && go test ./...",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the output lacks %q:\n%s", want, out)
			}
		}
		if b, _ := os.ReadFile("README.md"); !strings.Contains(string(b), "My notes.") {
			t.Error("upgrade overwrote the user's README.md")
		}
		checkAppBuilds(t, goCmd, ".")
	})

	t.Run("upgrade again has nothing to do", func(t *testing.T) {
		out, err := run(t, "upgrade")
		if err != nil || !strings.Contains(out, "Nothing to do") {
			t.Fatalf("%v\n%s", err, out)
		}
	})
}

// olderRelease returns the CLI's liveapp as an older one might have been: a
// runtime file since dropped, another since changed, older pgx and go
// versions, and two template files since changed.
func olderRelease(t *testing.T) appgen.Release {
	t.Helper()
	src, tmpl := copyFS(t, liveapp.Source()), copyFS(t, liveapp.Template())
	src["live/old.go"] = &fstest.MapFile{Data: []byte("package live\n\n// oldHelper is what an older liveapp had.\nfunc oldHelper() {}\n")}
	replaceIn(t, src, "live/stats.go", "package live\n", "package live\n\n// An older liveapp's comment.\n")
	replaceIn(t, src, "go.mod", "\ngo 1.26.0\n", "\ngo 1.25.0\n")
	replaceIn(t, src, "go.mod", "github.com/jackc/pgx/v5 v5.12.0", "github.com/jackc/pgx/v5 v5.11.0")
	replaceIn(t, tmpl, "internal/web/home.go", "package web\n", "package web\n\n// An older liveapp's comment.\n")
	replaceIn(t, tmpl, "README.md", "## Run it\n", "## Running it\n")
	return appgen.Release{Source: src, Template: tmpl}
}

// copyFS returns a copy of fsys that a test can edit.
func copyFS(t *testing.T, fsys fs.FS) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		out[p] = &fstest.MapFile{Data: data}
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
	fsys[p] = &fstest.MapFile{Data: []byte(strings.Replace(string(f.Data), old, new, 1))}
}
