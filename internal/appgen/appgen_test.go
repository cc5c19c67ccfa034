package appgen

import (
	"bytes"
	"errors"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/internal/scaffold"
)

// variants are the apps the template makes: what liveapp new makes, what
// liveapp new --no-auth makes, and what gen.auth makes of the latter.
var variants = map[string]Parts{"full": Full, "bare": {}, "auth": {Auth: true}}

func files(t *testing.T, parts Parts) []scaffold.File {
	t.Helper()
	fs, err := Files(Options{Name: "shop", Module: "example.com/shop", Parts: parts})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// write writes an app with parts into a new directory.
func write(t *testing.T, parts Parts) *App {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	if _, err := scaffold.Write(dir, files(t, parts), false); err != nil {
		t.Fatal(err)
	}
	app, err := FindApp(dir)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// tree returns every file under dir by slash-separated relative path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFullAppIsTheTemplateWithoutItsMarkers(t *testing.T) {
	tmpl, err := loadTemplate()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tmpl {
		if f.blocks == nil {
			continue
		}
		// What the template is without its markers, found the simple way:
		// drop marker lines, and the alternatives between else and end.
		var want []string
		inElse := false
		for _, l := range splitLines(string(f.data)) {
			_, kind, ok := parseMarker(l)
			switch {
			case ok:
				inElse = kind == "else"
			case !inElse:
				want = append(want, l)
			}
		}
		wantText := joinLines(want)
		if strings.HasSuffix(f.path, ".go") {
			b, err := format.Source([]byte(wantText))
			if err != nil {
				t.Fatalf("%s: %v", f.path, err)
			}
			wantText = string(b)
		}
		got, err := f.stamp(Full, templateName, templateModule)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Data) != wantText {
			t.Errorf("%s: the full app's version is not the template without its markers:\n%s", f.path, got.Data)
		}
	}
}

func TestGeneratedGoIsGofmtClean(t *testing.T) {
	for name, parts := range variants {
		for _, f := range files(t, parts) {
			if !strings.HasSuffix(f.Path, ".go") {
				continue
			}
			if b, err := format.Source(f.Data); err != nil || !bytes.Equal(b, f.Data) {
				t.Errorf("%s app: %s is not gofmt-clean (%v)", name, f.Path, err)
			}
		}
	}
}

func TestNamesAreTheApps(t *testing.T) {
	for name, parts := range variants {
		paths := map[string]string{}
		for _, f := range files(t, parts) {
			paths[f.Path] = string(f.Data)
			if strings.HasPrefix(f.Path, ThirdParty+"/") {
				continue
			}
			for _, old := range []string{templateModule, "cmd/app", "app_dev", "./app", "`app migrate`", "Command app",
				`CookiePrefix = "app"`, "docker build -t app", "bin/app", "app secret"} {
				if strings.Contains(string(f.Data), old) {
					t.Errorf("%s app: %s still says %q", name, f.Path, old)
				}
			}
		}
		if !strings.Contains(paths["internal/web/web.go"], `const AppName = "shop"`) {
			t.Errorf("%s app: AppName is not shop", name)
		}
		// Cookies are the app's own: another app on localhost has others.
		if !strings.Contains(paths["internal/web/web.go"], `const CookiePrefix = "shop"`) {
			t.Errorf("%s app: CookiePrefix is not shop", name)
		}
		// The app carries its release image, which builds its own command.
		if d := paths["Dockerfile"]; !strings.Contains(d, "./cmd/shop\n") || !strings.Contains(d, "docker build -t shop .") {
			t.Errorf("%s app: Dockerfile:\n%s", name, d)
		}
		if !strings.Contains(paths[".dockerignore"], ".liveapp/") {
			t.Errorf("%s app: .dockerignore leaves the dev database in the build context", name)
		}
		if !strings.Contains(paths[".gitignore"], "\n/shop\n") {
			t.Errorf("%s app: .gitignore does not ignore /shop:\n%s", name, paths[".gitignore"])
		}
		if _, ok := paths["cmd/shop/main.go"]; !ok {
			t.Errorf("%s app: no cmd/shop/main.go", name)
		}
		if !strings.Contains(paths["go.mod"], "module example.com/shop\n") ||
			!strings.Contains(paths["go.mod"], "\nreplace github.com/liveapp/liveapp => ./third_party/liveapp\n") ||
			!strings.Contains(paths["go.mod"], "\ngo 1.26") {
			t.Errorf("%s app: go.mod:\n%s", name, paths["go.mod"])
		}
	}
}

func TestPartsLeaveTheirFilesAndAnchors(t *testing.T) {
	has := func(parts Parts, p string) bool {
		return slices.ContainsFunc(files(t, parts), func(f scaffold.File) bool { return f.Path == p })
	}
	for _, tt := range []struct {
		path             string
		full, auth, bare bool
	}{
		{"internal/web/user_login.go", true, true, false},
		{"internal/projects/store.go", true, false, false},
		{"migrations/001_create_projects.sql", true, false, false},
		{"internal/web/home.go", true, true, true},
		{"internal/web/multinode_test.go", true, true, false},
		{ThirdParty + "/live/pubsub/pgpubsub/pgpubsub.go", true, true, true},
		{ThirdParty + "/accounts/store.go", true, true, false},
		{ThirdParty + "/live/runtime.go", true, true, true},
		{ThirdParty + "/go.mod", true, true, true},
		{ThirdParty + "/live/live_test.go", false, false, false},
		{ThirdParty + "/live/example/app.go", false, false, false},
	} {
		if got := [3]bool{has(Full, tt.path), has(Parts{Auth: true}, tt.path), has(Parts{}, tt.path)}; got != [3]bool{tt.full, tt.auth, tt.bare} {
			t.Errorf("%s in the full, auth and bare apps: %v, want %v", tt.path, got, [3]bool{tt.full, tt.auth, tt.bare})
		}
	}
	for name, parts := range variants {
		for _, f := range files(t, parts) {
			if strings.HasPrefix(f.Path, ThirdParty+"/") {
				continue
			}
			if name != "bare" && slices.ContainsFunc(splitLines(string(f.Data)), isMarker) {
				t.Errorf("%s app: %s has liveapp: markers", name, f.Path)
			}
			if strings.Contains(string(f.Data), "liveapp:projects") {
				t.Errorf("%s app: %s has a liveapp:projects marker", name, f.Path)
			}
			if f.Path == "internal/web/routes.go" {
				if got := strings.Contains(string(f.Data), "\t// liveapp gen.live adds the routes"); got != parts.Auth {
					t.Errorf("%s app: routes.go has the gen.live marker: %v, want %v", name, got, parts.Auth)
				}
				if name == "bare" && !strings.Contains(string(f.Data), "\t// liveapp:auth\n") {
					t.Errorf("bare app: routes.go has no liveapp:auth anchor")
				}
			}
		}
	}
}

func isMarker(line string) bool {
	_, _, ok := parseMarker(line)
	return ok
}

func TestAddAuthGivesWhatNewGivesWithoutProjects(t *testing.T) {
	app := write(t, Parts{})
	res, err := AddAuth(app, false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Written, "internal/web/user_auth.go") || !slices.Contains(res.Written, "internal/web/routes.go") ||
		!slices.Contains(res.Written, "go.mod") || !slices.Contains(res.Written, ThirdParty+"/accounts/store.go") {
		t.Errorf("wrote %v", res.Written)
	}
	got := tree(t, app.Dir)
	want := map[string]string{}
	for _, f := range files(t, Parts{Auth: true}) {
		want[f.Path] = string(f.Data)
	}
	for p, data := range want {
		if got[p] != data {
			t.Errorf("%s differs from liveapp new's:\n%s", p, got[p])
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s is not in what liveapp new makes", p)
		}
	}

	t.Run("a second run changes nothing", func(t *testing.T) {
		res, err := AddAuth(app, false)
		if err != nil || len(res.Written) != 0 {
			t.Fatalf("wrote %v, %v", res.Written, err)
		}
	})
	t.Run("a changed file is not overwritten unless forced", func(t *testing.T) {
		p := filepath.Join(app.Dir, "internal/web/user_login.go")
		if err := os.WriteFile(p, []byte("package web\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := AddAuth(app, false)
		var ce *scaffold.ConflictError
		if !errors.As(err, &ce) || !slices.Equal(ce.Paths, []string{"internal/web/user_login.go"}) {
			t.Fatalf("got %v, want a conflict on user_login.go", err)
		}
		if res, err := AddAuth(app, true); err != nil || !slices.Equal(res.Written, []string{"internal/web/user_login.go"}) {
			t.Fatalf("forced: wrote %v, %v", res.Written, err)
		}
		if b, _ := os.ReadFile(p); string(b) != want["internal/web/user_login.go"] {
			t.Error("forcing did not restore the file")
		}
	})
}

func TestAddAuthKeepsTheUsersChanges(t *testing.T) {
	app := write(t, Parts{})
	routes := filepath.Join(app.Dir, "internal/web/routes.go")
	b, _ := os.ReadFile(routes)
	home := `	current.Live("/", func() live.View { return &Home{app: a} })` + "\n"
	mine := strings.Replace(string(b), home, home+`	current.Live("/about", func() live.View { return &Home{app: a} })`+"\n", 1)
	if err := os.WriteFile(routes, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	// As go mod tidy would leave go.mod and go.sum, minus what the app does
	// not import without accounts.
	mod, _ := os.ReadFile(filepath.Join(app.Dir, "go.mod"))
	tidied := strings.Replace(string(mod), "\tgolang.org/x/text", "\tgolang.org/x/tidied", 1)
	tidied = strings.Replace(tidied, "\tgithub.com/gorilla/websocket v1.5.3 // indirect\n", "", 1)
	os.WriteFile(filepath.Join(app.Dir, "go.mod"), []byte(tidied), 0o644)
	os.WriteFile(filepath.Join(app.Dir, "go.sum"), nil, 0o644)

	before, _, err := readManifest(app.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AddAuth(app, false); err != nil {
		t.Fatal(err)
	}
	// The manifest records the files gen.auth wrote as liveapp's, and keeps
	// the old hash of the one it merged into the user's version.
	after, _, err := readManifest(app.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if after["internal/web/routes.go"] != before["internal/web/routes.go"] {
		t.Error("the manifest takes the user's routes.go, with accounts added, for liveapp's")
	}
	login, _ := os.ReadFile(filepath.Join(app.Dir, "internal/web/user_login.go"))
	if !after.matches("internal/web/user_login.go", login) {
		t.Error("the manifest does not record user_login.go")
	}
	b, _ = os.ReadFile(routes)
	if !strings.Contains(string(b), `current.Live("/about"`) || !strings.Contains(string(b), `guest.Live("/users/register"`) {
		t.Errorf("routes.go lost the user's route or lacks the accounts':\n%s", b)
	}
	mod, _ = os.ReadFile(filepath.Join(app.Dir, "go.mod"))
	for _, want := range []string{"\tgithub.com/alexedwards/argon2id v1.0.0 // indirect\n", "\tgolang.org/x/tidied", "\tgithub.com/gorilla/websocket v1.5.3 // indirect\n"} {
		if !strings.Contains(string(mod), want) {
			t.Errorf("go.mod lacks %q:\n%s", want, mod)
		}
	}
	if sum, _ := os.ReadFile(filepath.Join(app.Dir, "go.sum")); !bytes.Contains(sum, []byte("github.com/alexedwards/argon2id v1.0.0 h1:")) {
		t.Errorf("go.sum lacks argon2id:\n%s", sum)
	}
}

func TestAddAuthRefusesChangedMarkers(t *testing.T) {
	tests := []struct {
		name, file, old, new string
	}{
		{"an anchor removed", "internal/web/routes.go", "\t// liveapp:auth\n", ""},
		{"an anchor added", "internal/web/home.go", "\treturn nil\n", "\t// liveapp:auth\n\treturn nil\n"},
		{"the lines between begin and end changed", "internal/web/web.go", "Config.DB is required", "DB, please"},
		{"an end removed", "internal/web/web.go", "\t// liveapp:auth end\n\ta := &App", "\ta := &App"},
		{"every marker removed", "internal/web/templates/home.html", "{{/* liveapp:auth */ -}}\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := write(t, Parts{})
			p := filepath.Join(app.Dir, tt.file)
			b, _ := os.ReadFile(p)
			changed := strings.Replace(string(b), tt.old, tt.new, 1)
			if changed == string(b) {
				t.Fatalf("%q is not in %s", tt.old, tt.file)
			}
			os.WriteFile(p, []byte(changed), 0o644)
			before := tree(t, app.Dir)

			_, err := AddAuth(app, false)
			var me *MarkerError
			if !errors.As(err, &me) || len(me.Problems) != 1 || !strings.HasPrefix(me.Problems[0], tt.file) {
				t.Fatalf("got %v, want a marker problem in %s", err, tt.file)
			}
			if after := tree(t, app.Dir); len(after) != len(before) {
				t.Errorf("a refused gen.auth wrote files")
			}

			if _, err := AddAuth(app, true); err != nil {
				t.Fatal(err)
			}
			want := files(t, Parts{Auth: true})
			for _, f := range want {
				if f.Path == tt.file {
					if got, _ := os.ReadFile(p); string(got) != string(f.Data) {
						t.Errorf("forced: %s is not liveapp's version", tt.file)
					}
				}
			}
		})
	}
}

func TestAddAuthInAFullAppHasNothingToDo(t *testing.T) {
	app := write(t, Full)
	// go mod tidy trims go.sum to what the app needs; gen.auth leaves it so.
	sum := filepath.Join(app.Dir, "go.sum")
	b, _ := os.ReadFile(sum)
	os.WriteFile(sum, b[:len(b)/2], 0o644)
	res, err := AddAuth(app, false)
	if err != nil || len(res.Written) != 0 {
		t.Fatalf("wrote %v, %v", res.Written, err)
	}
}

func TestFindApp(t *testing.T) {
	app := write(t, Parts{})
	deep := filepath.Join(app.Dir, "internal", "web")
	got, err := FindApp(deep)
	if err != nil || got.Dir != app.Dir || got.Name != "shop" || got.Module != "example.com/shop" {
		t.Fatalf("FindApp(%s) = %+v, %v", deep, got, err)
	}
	if _, err := FindApp(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not in a liveapp app") {
		t.Errorf("outside an app: %v", err)
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "go.mod"), []byte("module other\n\ngo 1.26.0\n"), 0o644)
	if _, err := FindApp(other); err == nil || !strings.Contains(err.Error(), "does not require") {
		t.Errorf("in another module: %v", err)
	}
}

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"shop", "my_shop", "a1"} {
		if err := ValidateName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Shop", "my-shop", "1shop", "_shop", "a/b", "../x", "shop.go", strings.Repeat("a", 51)} {
		if err := ValidateName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// Names of the right shape under which the go command cannot build an app:
	// the error says why.
	for name, why := range map[string]string{
		"go": "reserves the module paths go and toolchain", "toolchain": "reserves the module paths go and toolchain",
		"vendor": "vendored copies", "testdata": "skips directories named testdata",
	} {
		if err := ValidateName(name); err == nil || !strings.Contains(err.Error(), why) || !strings.Contains(err.Error(), name+"_app") {
			t.Errorf("%q: %v, want a refusal saying that the go command %s, and what to use instead", name, err, why)
		}
	}
}

func TestValidateModule(t *testing.T) {
	for _, ok := range []string{"shop", "example.com/shop", "github.com/Me/my-shop/v2", "x.y/a_b~c", "example.com/vendor", "example.com/go"} {
		if err := ValidateModule(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "/shop", "shop/", "a//b", "a/../b", ".shop", "shop.", "-shop", "a b", "ünicode", "github.com/liveapp/liveapp", "github.com/liveapp/liveapp/x",
		"go", "toolchain", "vendor", "vendor/shop"} {
		if err := ValidateModule(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseTemplateRefusesBrokenMarkers(t *testing.T) {
	for _, text := range []string{
		"// liveapp:auth begin\nx\n",
		"x\n// liveapp:auth end\n",
		"// liveapp:auth begin\n// liveapp:projects end\n",
		"// liveapp:auth begin\n// liveapp:auth else\n// x\n// liveapp:auth else\n// liveapp:auth end\n",
		"// liveapp:auth begin\n// liveapp:auth else\nnot a comment\n// liveapp:auth end\n",
		"// liveapp:auth\n",
		"// liveapp:billing begin\n// liveapp:billing end\n",
	} {
		if _, err := parseTemplate("x.go", text); err == nil {
			t.Errorf("accepted:\n%s", text)
		}
	}
}

func TestAddAuthWritesNoManifestWhereThereWasNone(t *testing.T) {
	app := write(t, Parts{})
	os.Remove(filepath.Join(app.Dir, ManifestFile))
	if _, err := AddAuth(app, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(app.Dir, ManifestFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("gen.auth wrote %s in an app made without it (%v)", ManifestFile, err)
	}
}

// TestAuthRegionsCloseWhatTheyOpen: no auth region of an HTML template leaves
// a branch open for the next one to close, so that whatever a user adds
// between two markers of an app without accounts stays outside every branch
// once gen.auth adds them.
func TestAuthRegionsCloseWhatTheyOpen(t *testing.T) {
	tmpl, err := loadTemplate()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tmpl {
		if !strings.HasSuffix(f.path, ".html") {
			continue
		}
		for _, b := range f.blocks {
			if isAuthRegion(b) {
				if n := openActions(joinLines(render(b.body, Full))); n != 0 {
					t.Errorf("%s: the liveapp:auth region %q leaves %d actions open", f.path, b.begin, n)
				}
			}
		}
	}
}

// TestAddAuthKeepsTheUsersLayoutLinesForEveryone: links a user added to the
// nav bar of an app without accounts, next to the markers and between them,
// are shown to every visitor once gen.auth adds the accounts' links.
func TestAddAuthKeepsTheUsersLayoutLinesForEveryone(t *testing.T) {
	app := write(t, Parts{})
	p := filepath.Join(app.Dir, "internal/web/templates/layout.html")
	b, _ := os.ReadFile(p)
	spacer := "    <span class=\"spacer\"></span>\n"
	brand := "    <a class=\"brand\" href=\"/\">{{.AppName}}</a>\n"
	mine := strings.Replace(string(b), spacer, spacer+"    <a href=\"/notes\">Notes</a>\n", 1)
	mine = strings.Replace(mine, brand, brand+"    <a href=\"/about\">About</a>\n", 1)
	if mine == string(b) || strings.Count(mine, "href=\"/") != strings.Count(string(b), "href=\"/")+2 {
		t.Fatalf("the layout of an app without accounts has changed:\n%s", b)
	}
	os.WriteFile(p, []byte(mine), 0o644)
	if _, err := AddAuth(app, false); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	for _, link := range []string{`<a href="/notes">Notes</a>`, `<a href="/about">About</a>`} {
		before, _, ok := strings.Cut(string(got), link)
		if !ok {
			t.Fatalf("gen.auth dropped %s:\n%s", link, got)
		}
		if open := openActions(before[strings.Index(before, "{{define \"layout\"}}")+1:]); open != 0 {
			t.Errorf("%s is inside a branch accounts opened:\n%s", link, got)
		}
	}
	if !strings.Contains(string(got), `href="/users/log-in"`) || !strings.Contains(string(got), `id="nav-user"`) {
		t.Errorf("the layout lacks the accounts' links:\n%s", got)
	}
}

// TestAddAuthStopsBeforeMovingALineIntoABranch: with a template whose auth
// regions open a branch in one region and close it in the next, as liveapp's
// layout once did, a line the user put between them stops gen.auth, which
// says where it is, rather than showing it to logged-out visitors only.
func TestAddAuthStopsBeforeMovingALineIntoABranch(t *testing.T) {
	const tmpl = `<nav>
{{/* liveapp:auth begin */ -}}
{{if .User}}
<a href="/settings">Settings</a>
{{else}}
{{/* liveapp:auth end */ -}}
<span class="spacer"></span>
{{/* liveapp:auth begin */ -}}
<a href="/log-in">Log in</a>
{{end}}
{{/* liveapp:auth end */ -}}
</nav>
`
	blocks, err := parseTemplate("layout.html", tmpl)
	if err != nil {
		t.Fatal(err)
	}
	f := templateFile{path: "layout.html", data: []byte(tmpl), blocks: blocks}
	app := &App{Name: "shop", Module: "example.com/shop"}
	bare := joinLines(render(blocks, Parts{}))

	if _, err := spliceAuth(f, "layout.html", []byte(bare), Parts{Auth: true}, app, false); err != nil {
		t.Fatalf("the unchanged layout: %v", err)
	}
	mine := strings.Replace(bare, "<span class=\"spacer\"></span>\n", "<span class=\"spacer\"></span>\n<a href=\"/notes\">Notes</a>\n", 1)
	_, err = spliceAuth(f, "layout.html", []byte(mine), Parts{Auth: true}, app, false)
	var me *MarkerError
	if !errors.As(err, &me) || !strings.HasPrefix(me.Problems[0], "layout.html:4: ") || !strings.Contains(me.Problems[0], "Move it above line 2 or below line 5") {
		t.Errorf("got %v, want a problem at layout.html:4 that says where to move the line\n%s", err, mine)
	}
}
