package web_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live/devmode"

	"github.com/liveapp/liveapp/template/internal/web"
)

// devCopy copies the package's templates and static files to a new directory, for
// a test to edit as a developer edits internal/web.
func devCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"templates", "static"} {
		if err := os.CopyFS(filepath.Join(dir, sub), os.DirFS(sub)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// edit replaces old with new in the file at path, which must contain old.
func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// devControl runs dev control on the app as `liveapp dev` drives it, and returns the
// pipe to write its commands to.
func devControl(t *testing.T, app *testApp) io.Writer {
	t.Helper()
	r, w := io.Pipe()
	go func() { _ = devmode.Run(context.Background(), r, app.Runtime, app.ReloadTemplates) }()
	t.Cleanup(func() { w.Close() })
	return w
}

func command(t *testing.T, w io.Writer, line string) {
	t.Helper()
	if _, err := io.WriteString(w, line+"\n"); err != nil {
		t.Fatal(err)
	}
}

func TestDevModeReadsTemplatesAndStaticFilesFromDisk(t *testing.T) {
	dir := devCopy(t)
	app := newApp(t, func(c *web.Config) { c.DevDir = dir })
	dev := devControl(t, app)
	home := filepath.Join(dir, "templates", "home.html")
	v := app.browser(t).Mount("/")

	t.Run("an edited template re-renders the open page once re-read", func(t *testing.T) {
		edit(t, home, "Welcome to", "Hello from disk,")
		command(t, dev, "templates")
		v.Await("Hello from disk, " + web.AppName)
		if v.Contains("Welcome to") {
			t.Errorf("the old text is still there: %s", v.HTML())
		}
		if f := v.DevFrames(); len(f) != 0 {
			t.Errorf("dev frames %+v, want none: the layout did not change", f)
		}
	})
	t.Run("a template that does not parse is shown over the page, and the old one stays", func(t *testing.T) {
		edit(t, home, "{{.AppName}}</h1>", "{{.AppName</h1>")
		command(t, dev, "templates")
		if f := v.AwaitDev("error"); !strings.Contains(f.Msg, "home.html") {
			t.Errorf("overlay %q, want the parse error naming home.html", f.Msg)
		}
		if c := app.browser(t).Mount("/"); !c.Contains("Hello from disk") {
			t.Errorf("a new page does not render with the last good templates: %s", c.HTML())
		}
	})
	t.Run("fixing it takes the error down", func(t *testing.T) {
		edit(t, home, "{{.AppName</h1>", "{{.AppName}}!</h1>")
		command(t, dev, "templates")
		v.AwaitDev("clear")
		v.Await(web.AppName + "!</h1>")
	})
	t.Run("an edited layout reloads the open pages", func(t *testing.T) {
		edit(t, filepath.Join(dir, "templates", "layout.html"), "<main", `<p class="banner">dev</p><main`)
		command(t, dev, "templates")
		v.AwaitDev("reload")
		if _, _, body := app.browser(t).Get("/"); !strings.Contains(body, `<p class="banner">dev</p>`) {
			t.Errorf("a page load does not use the new layout:\n%s", body)
		}
	})
	t.Run("static files are served as they are on disk, and checked every time", func(t *testing.T) {
		css := filepath.Join(dir, "static", "app.css")
		if err := os.WriteFile(css, []byte("body { color: rebeccapurple }\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		c := app.browser(t)
		resp, err := c.HTTP().Get(c.URL("/static/app.css?v=x"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if string(body) != "body { color: rebeccapurple }\n" || resp.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET /static/app.css: %q, Cache-Control %q", body, resp.Header.Get("Cache-Control"))
		}
	})
}

func TestDevDirIsRefusedOutsideDevMode(t *testing.T) {
	dir := devCopy(t)
	if _, err := web.New(web.Config{Dev: false, DevDir: dir}); err == nil || !strings.Contains(err.Error(), "dev mode only") {
		t.Fatalf("New = %v, want a refusal", err)
	}
}
