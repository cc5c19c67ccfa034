package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// The templates and static files are compiled into the binary, so that it runs
// anywhere on its own. In development, with Config.DevDir, they are read from
// disk instead: the static files on every request, the templates at start and
// again by ReloadTemplates, which `liveapp dev` has called when one changes.
// An edit to either then shows without a rebuild.

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// parseTemplates parses every template of templates/ in fsys. Each file defines
// the templates it is named for; layout.html defines the root layout and
// components.html the function components (see components.go).
func parseTemplates(fsys fs.FS) (*template.Template, error) {
	var t *template.Template
	t = template.New("").Funcs(componentFuncs(&t)).Funcs(template.FuncMap{
		"date": func(t time.Time) string { return t.Format("Jan 2, 2006 15:04") },
	})
	return t.ParseFS(fsys, "templates/*.html")
}

// templateSet holds the parsed templates, which ReloadTemplates replaces whole
// while views render with them.
type templateSet struct {
	parsed atomic.Pointer[template.Template]
	mu     sync.Mutex // serializes stores
	layout string     // the layout template's source as last parsed; under mu
}

// Load returns the current templates.
func (s *templateSet) Load() *template.Template { return s.parsed.Load() }

// store makes t the current templates and reports whether its layout differs
// from the last one's. The layout is compared as parsed: executing a template
// rewrites its tree with escapers, so t is compared before it ever runs.
func (s *templateSet) store(t *template.Template) (layoutChanged bool) {
	layout := ""
	if l := t.Lookup("layout"); l != nil && l.Tree != nil {
		layout = l.Tree.Root.String()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	layoutChanged = s.parsed.Load() != nil && layout != s.layout
	s.parsed.Store(t)
	s.layout = layout
	return layoutChanged
}

// loadTemplates parses the templates New starts with: DevDir's, or the ones
// compiled in.
func (a *App) loadTemplates() error {
	var fsys fs.FS = templateFS
	if a.cfg.DevDir != "" {
		fsys = os.DirFS(a.cfg.DevDir)
	}
	t, err := parseTemplates(fsys)
	if err != nil {
		return err
	}
	a.templates.store(t)
	return nil
}

// ReloadTemplates parses the templates in Config.DevDir again and renders with
// them from then on; views that are open see them when they next render (see
// live.Runtime.DevRerender). When they do not parse, it returns the error and
// the app keeps the templates it had. When the layout template changed, every
// open page loads again, since the layout renders only with a page load.
//
// Without DevDir the templates are the ones compiled in, and it does nothing.
// It is safe to call while views render.
func (a *App) ReloadTemplates() error {
	if a.cfg.DevDir == "" {
		return nil
	}
	t, err := parseTemplates(os.DirFS(a.cfg.DevDir))
	if err != nil {
		return err
	}
	if a.templates.store(t) {
		a.Runtime.DevReload()
	}
	return nil
}

// assetVersion is a hash of the static files. The layout links them with
// ?v=assetVersion, so a new release changes their URLs and browsers may cache
// each version for good.
var assetVersion = func() string {
	h := sha256.New()
	err := fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		panic(err) // static/ is embedded; this cannot happen
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}()

// staticFiles serves the static/ directory at /static/: the compiled-in copy,
// or, with Config.DevDir, the files as they are on disk, so an edit shows on the
// next request. Files on disk are always revalidated (no-cache): the ?v= in the
// layout's links is the version of the compiled-in files, which says nothing of
// the ones on disk.
func (a *App) staticFiles() http.Handler {
	if a.cfg.DevDir != "" {
		files := http.StripPrefix("/static/", http.FileServerFS(os.DirFS(filepath.Join(a.cfg.DevDir, "static"))))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-cache")
			files.ServeHTTP(w, r)
		})
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // static/ is embedded; this cannot happen
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") == assetVersion {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}

// checkDevDir makes sure dir holds the web package's templates and static files.
func checkDevDir(dir string) error {
	for _, sub := range []string{"templates", "static"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err != nil || !fi.IsDir() {
			return fmt.Errorf("web: Config.DevDir %q has no %s directory: it should be internal/web", dir, sub)
		}
	}
	return nil
}
