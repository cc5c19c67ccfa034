package web

import (
	"context"
	"io"
	"unicode/utf8"

	"github.com/liveapp/liveapp/accounts"
	authweb "github.com/liveapp/liveapp/accounts/web"
	"github.com/liveapp/liveapp/fieldtext"
	"github.com/liveapp/liveapp/live"
)

// LogIn is the login page: a magic link by email, or email and password. Its
// forms post over plain HTTP (see user_auth.go) because logging in sets
// cookies. A logged-in user comes here to re-authenticate for sudo mode, sent
// by the sudo requirement (auth.Sudo) with the page to go back to in ?return_to=.
type LogIn struct {
	app       *App
	FormToken string
	// Email fills the email fields: the current user's when re-authenticating,
	// or else the one a failed login posted, which refuseLogIn passes back in
	// ?email= so that only the password needs typing again.
	Email            string
	Reauthenticating bool   // a logged-in user proving who they are again
	ReturnTo         string // posted back; auth.LogIn follows it only to a local path
}

// Mount notes whether the user is re-authenticating.
func (v *LogIn) Mount(_ context.Context, s *live.Socket) error {
	title(s, "Log in")
	v.FormToken = formTokenOf(s)
	v.ReturnTo = s.Param("return_to")
	if u := authweb.ScopeFromSocket(s).User; u != nil {
		v.Email, v.Reauthenticating = u.Email, true
		// The page says why in its own notice: the error flash that sent the
		// user here would say it a second time, in red.
		dropFlash(s, authweb.SudoMessage)
		return nil
	}
	v.Email = keptEmail(s.Param("email"))
	return nil
}

// keptEmail returns email when it may be shown back in the login form (valid
// text no longer than any account's email), or else "".
func keptEmail(email string) string {
	if !fieldtext.Valid(email) || utf8.RuneCountInString(email) > accounts.MaxEmailLength {
		return ""
	}
	return email
}

// dropFlash removes the flash messages that say message from s.
func dropFlash(s *live.Socket, message string) {
	kept := s.Flash()
	s.ClearFlash()
	for _, f := range kept {
		if f.Message != message {
			s.PutFlash(f.Kind, f.Message)
		}
	}
}

// Render renders the page.
func (v *LogIn) Render(w io.Writer) error { return v.app.render(w, "user_login", v) }
