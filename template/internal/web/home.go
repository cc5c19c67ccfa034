package web

import (
	"context"
	"io"

	// liveapp:auth begin
	authweb "github.com/liveapp/liveapp/accounts/web"
	// liveapp:auth end
	"github.com/liveapp/liveapp/live"
)

// liveapp:auth begin
// Home is the landing page, for visitors and users alike.
// liveapp:auth else
// // Home is the landing page.
// liveapp:auth end
type Home struct {
	app     *App
	AppName string
	// liveapp:auth begin
	User string // the current user's email, or ""
	// liveapp:auth end
}

// liveapp:auth begin
// Mount reads the current user, if any.
// liveapp:auth else
// // Mount sets the page's title.
// liveapp:auth end
func (v *Home) Mount(_ context.Context, s *live.Socket) error {
	title(s, "Welcome")
	v.AppName = AppName
	// liveapp:auth begin
	if u := authweb.ScopeFromSocket(s).User; u != nil {
		v.User = u.Email
	}
	// liveapp:auth end
	return nil
}

// Render renders the page.
func (v *Home) Render(w io.Writer) error { return v.app.render(w, "home", v) }
