package web

import (
	"context"
	"io"

	authweb "github.com/liveapp/liveapp/accounts/web"
	"github.com/liveapp/liveapp/live"
)

// Home is the landing page, for visitors and users alike.
type Home struct {
	app     *App
	AppName string
	User    string // the current user's email, or ""
}

// Mount reads the current user, if any.
func (v *Home) Mount(_ context.Context, s *live.Socket) error {
	title(s, "Welcome")
	v.AppName = AppName
	if u := authweb.ScopeFromSocket(s).User; u != nil {
		v.User = u.Email
	}
	return nil
}

// Render renders the page.
func (v *Home) Render(w io.Writer) error { return v.app.render(w, "home", v) }
