package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"time"

	// liveapp:auth begin
	"github.com/liveapp/liveapp/accounts"
	authweb "github.com/liveapp/liveapp/accounts/web"
	// liveapp:auth end
	"github.com/liveapp/liveapp/live"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// parseTemplates parses every template of templates/. Each file defines the
// templates it is named for; layout.html defines the root layout.
func parseTemplates() (*template.Template, error) {
	return template.New("").Funcs(template.FuncMap{
		"date": func(t time.Time) string { return t.Format("Jan 2, 2006 15:04") },
	}).ParseFS(templateFS, "templates/*.html")
}

// render executes the named template with data: what a view's Render calls.
func (a *App) render(w io.Writer, name string, data any) error {
	return a.templates.ExecuteTemplate(w, name, data)
}

// layoutData is what the root layout shows around a page.
type layoutData struct {
	*live.Page
	AppName string
	Assets  string // the version of the static files, for cache busting
	// liveapp:auth begin
	User string // the current user's email, or ""
	// liveapp:auth end
	FormToken string // for the log-out form
}

// layout is the root layout of every live session: the HTML document with the
// nav bar around the page. It renders once per page load; live navigation
// replaces only the page inside it.
func (a *App) layout(w io.Writer, p *live.Page) error {
	d := layoutData{Page: p, AppName: AppName, Assets: assetVersion}
	// liveapp:auth begin
	if scope, ok := p.Get(authweb.ScopeAssign).(accounts.Scope); ok && scope.User != nil {
		d.User = scope.User.Email
	}
	// liveapp:auth end
	d.FormToken, _ = p.Get(formTokenAssign).(string)
	return a.render(w, "layout", d)
}

// title sets the page title: "Projects · app".
func title(s *live.Socket, page string) {
	s.SetTitle(fmt.Sprintf("%s · %s", page, AppName))
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

// staticFiles serves the embedded static/ directory at /static/.
func staticFiles() http.Handler {
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

// liveapp:projects begin
// liveapp:projects else
//
// // flash replaces the page's flash messages with one message.
// func flash(s *live.Socket, kind, message string) {
// 	s.ClearFlash()
// 	s.PutFlash(kind, message)
// }
// liveapp:projects end
