package web

import (
	"context"
	"io"

	authweb "github.com/liveapp/liveapp/accounts/web"
	"github.com/liveapp/liveapp/live"
)

// LogIn is the login page: a magic link by email, or email and password. Its
// forms post over plain HTTP (see user_auth.go) because logging in sets
// cookies. A logged-in user comes here to re-authenticate for sudo mode, sent
// by auth.RequireSudoHook with the page to go back to in ?return_to=.
type LogIn struct {
	app       *App
	FormToken string
	Email     string // the current user's, when re-authenticating
	ReturnTo  string // posted back; auth.LogIn follows it only to a local path
}

// Mount notes whether the user is re-authenticating.
func (v *LogIn) Mount(_ context.Context, s *live.Socket) error {
	title(s, "Log in")
	v.FormToken = formTokenOf(s)
	v.ReturnTo = s.Param("return_to")
	if u := authweb.ScopeFromSocket(s).User; u != nil {
		v.Email = u.Email
	}
	return nil
}

// Render renders the page.
func (v *LogIn) Render(w io.Writer) error { return v.app.render(w, "user_login", v) }
