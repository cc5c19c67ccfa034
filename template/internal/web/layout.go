package web

import (
	"fmt"
	"io"

	// liveapp:auth begin
	"github.com/liveapp/liveapp/accounts"
	authweb "github.com/liveapp/liveapp/accounts/web"
	// liveapp:auth end
	"github.com/liveapp/liveapp/live"
)

// render executes the named template with data: what a view's Render calls.
// It takes the templates anew on every call, so a view renders with the ones
// ReloadTemplates last parsed.
func (a *App) render(w io.Writer, name string, data any) error {
	return a.templates.Load().ExecuteTemplate(w, name, data)
}

// layoutData is what the root layout shows around a page.
type layoutData struct {
	*live.Page
	AppName string
	Assets  string // the version of the static files, for cache busting
	// liveapp:auth begin
	User   string // the current user's email, or ""
	Avatar string // the URL of the current user's avatar, or ""
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
		d.Avatar, _ = p.Get(avatarAssign).(string)
	}
	// liveapp:auth end
	d.FormToken, _ = p.Get(formTokenAssign).(string)
	return a.render(w, "layout", d)
}

// title sets the page title: "Projects · app".
func title(s *live.Socket, page string) {
	s.SetTitle(fmt.Sprintf("%s · %s", page, AppName))
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
