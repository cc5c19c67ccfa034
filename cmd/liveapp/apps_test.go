package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/modfile"

	"github.com/liveapp/liveapp/internal/devdb"
	"github.com/liveapp/liveapp/internal/pgcluster"
	"github.com/liveapp/liveapp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestGeneratedApps makes apps as a user would, then builds, vets and tests
// them offline: with the go.mod, go.sum and third_party/liveapp that liveapp
// new writes, and no module proxy. The apps' tests need PostgreSQL, as the
// template's do.
func TestGeneratedApps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests generated apps")
	}
	goCmd := needGo(t)
	tmp := t.TempDir()
	// As root, the development database runs as an unprivileged user, who
	// must reach the app's directory: t.TempDir and its parent are private.
	for _, d := range []string{tmp, filepath.Dir(tmp)} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(tmp)

	t.Run("liveapp new makes an app that builds, vets and passes its tests offline", func(t *testing.T) {
		if _, err := run(t, "new", "shop", "--module", "example.com/shop"); err != nil {
			t.Fatal(err)
		}
		checkApp(t, goCmd, "shop")
	})

	t.Run("the app's audit subcommand prints its route table, without a database or a secret", func(t *testing.T) {
		cmd := exec.Command(goCmd, "run", "./cmd/shop", "audit")
		cmd.Dir = "shop"
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off", "DATABASE_URL=", "SECRET_KEY_BASE=", "APP_ENV=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("shop audit: %v\n%s", err, stderr.Bytes())
		}
		type route struct {
			Path     string
			Public   bool
			Requires []string
		}
		var report struct {
			Schema string
			App    string
			Routes []route
		}
		if err := json.Unmarshal(out, &report); err != nil {
			t.Fatalf("shop audit printed no JSON: %v\n%s", err, out)
		}
		if report.Schema != "liveapp.routes/v1" || report.App != "shop" {
			t.Errorf("schema %q, app %q", report.Schema, report.App)
		}
		i := slices.IndexFunc(report.Routes, func(r route) bool { return r.Path == "/projects" })
		if i < 0 || report.Routes[i].Public || !slices.Equal(report.Routes[i].Requires, []string{"user"}) {
			t.Errorf("routes %+v: want /projects, requiring user", report.Routes)
		}
	})

	t.Run("liveapp migrate applies the app's migrations, accounts' included", func(t *testing.T) {
		url := pgtest.URL(t)
		t.Setenv("DATABASE_URL", url)
		t.Chdir(filepath.Join("shop", "internal", "web")) // anywhere in the app
		if out, err := run(t, "migrate"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		conn, err := pgx.Connect(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(t.Context())
		var tables string
		err = conn.QueryRow(t.Context(), `select string_agg(tablename, ' ' order by tablename) from pg_tables
			where schemaname = 'public' and tablename in ('projects', 'users', 'users_tokens')`).Scan(&tables)
		if err != nil || tables != "projects users users_tokens" {
			t.Errorf("after migrate, the tables are %q (%v)", tables, err)
		}
	})

	t.Run("liveapp migrate without DATABASE_URL migrates the development database, and says so", func(t *testing.T) {
		if _, err := pgcluster.FindBin(""); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal(err)
			}
			t.Skip(err)
		}
		t.Setenv("DATABASE_URL", "")
		t.Chdir("shop")
		out, err := run(t, "migrate")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, want := range []string{"starting the development database in .liveapp/db", "migrating the development database (created it): postgres://", "/shop_dev?", "stopped the development database"} {
			if !strings.Contains(out, want) {
				t.Errorf("the output lacks %q:\n%s", want, out)
			}
		}
		st, err := devdb.New(".", "shop").Status()
		if err != nil || !st.Created || st.Running || st.InUse {
			t.Errorf("after migrate: %+v, %v", st, err)
		}
	})

	t.Run("liveapp new --no-auth makes a bare app that builds, vets and passes its tests", func(t *testing.T) {
		if _, err := run(t, "new", "blog", "--no-auth"); err != nil {
			t.Fatal(err)
		}
		checkApp(t, goCmd, "blog")
	})

	t.Run("gen.auth adds accounts to the bare app, which still builds, vets and passes its tests", func(t *testing.T) {
		t.Chdir("blog")
		out, err := run(t, "gen.auth")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, want := range []string{"write internal/web/user_auth.go\n", "write internal/web/routes.go\n", "write go.mod\n", "write third_party/liveapp/ ("} {
			if !strings.Contains(out, want) {
				t.Errorf("the output lacks %q:\n%s", want, out)
			}
		}
		checkApp(t, goCmd, ".")
	})

	t.Run("gen.auth again has nothing to do", func(t *testing.T) {
		t.Chdir("blog")
		out, err := run(t, "gen.auth")
		if err != nil || !strings.Contains(out, "Nothing to do") {
			t.Fatalf("%v\n%s", err, out)
		}
	})

	t.Run("gen.auth refuses to overwrite a changed file without --force", func(t *testing.T) {
		t.Chdir("blog")
		p := filepath.Join("internal", "web", "user_settings.go")
		changed := []byte("package web\n\n// Mine now.\n")
		if err := os.WriteFile(p, changed, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := run(t, "gen.auth")
		if err == nil || !strings.Contains(err.Error(), "internal/web/user_settings.go") || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("got %v, want a refusal naming the file", err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, changed) {
			t.Fatal("the changed file was overwritten")
		}
		out, err := run(t, "gen.auth", "--force")
		if err != nil || !strings.Contains(out, "write internal/web/user_settings.go\n") {
			t.Fatalf("--force: %v\n%s", err, out)
		}
	})
}

// needGo returns the go command, or skips the test without it (fails it in CI).
func needGo(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go command is not on PATH")
		}
		t.Skip("the go command is not on PATH")
	}
	return goCmd
}

// checkApp builds, vets and tests the app in dir offline, then checks that its
// go.mod requires exactly the modules the build uses, marked direct or
// indirect as go mod tidy would.
func checkApp(t *testing.T, goCmd, dir string) {
	t.Helper()
	checkAppBuilds(t, goCmd, dir, "test", "-count=1", "./...")
}

// checkAppBuilds builds and vets the app in dir offline, runs the go command
// with then (when given) the same way, and checks that its go.mod requires
// exactly the modules the build uses, marked direct or indirect as go mod tidy
// would.
func checkAppBuilds(t *testing.T, goCmd, dir string, then ...string) {
	t.Helper()
	// -mod=readonly is the default, made explicit so that a GOFLAGS in the go
	// env file cannot hide a missing requirement or go.sum line.
	env := append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off")
	goRun := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(goCmd, args...)
		cmd.Dir, cmd.Env = dir, env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.Bytes())
		}
		return out
	}
	goRun("build", "./...")
	goRun("vet", "./...")
	if len(then) > 0 {
		goRun(then...)
	}

	// What the build uses, by the go command.
	type pkg struct {
		ImportPath string
		Module     *struct {
			Path string
			Main bool
		}
		Imports []string
	}
	dec := json.NewDecoder(bytes.NewReader(goRun("list", "-deps", "-test", "-json=ImportPath,Module,Imports", "./...")))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	moduleOf := map[string]string{}
	used := map[string]bool{}
	for _, p := range pkgs {
		if p.Module != nil && !p.Module.Main {
			moduleOf[p.ImportPath] = p.Module.Path
			used[p.Module.Path] = true
		}
	}
	direct := map[string]bool{}
	for _, p := range pkgs {
		if p.Module != nil && p.Module.Main {
			for _, imp := range p.Imports {
				if m, ok := moduleOf[imp]; ok {
					direct[m] = true
				}
			}
		}
	}

	// What go.mod requires.
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	required := map[string]bool{} // path → direct
	for _, r := range mod.Require {
		required[r.Mod.Path] = !r.Indirect
	}
	for m := range used {
		d, ok := required[m]
		switch {
		case !ok:
			t.Errorf("go.mod does not require %s, which the build uses", m)
		case d != direct[m]:
			t.Errorf("go.mod marks %s direct: %v; the app imports it itself: %v", m, d, direct[m])
		}
	}
	for m := range required {
		if !used[m] {
			t.Errorf("go.mod requires %s, which the build does not use", m)
		}
	}
	if !slices.ContainsFunc(strings.Split(string(data), "\n"), func(l string) bool {
		return l == "replace github.com/liveapp/liveapp => ./third_party/liveapp"
	}) {
		t.Errorf("go.mod has no replace directive for liveapp:\n%s", data)
	}
}
