package web

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live"
)

// Magic links: the login page asks for one by email (requestMagicLink), the
// email links to /users/log-in/{token} (MagicLink), and that page's button
// posts the token to /users/log-in, which logs the browser in. The link page
// itself changes nothing: mail scanners follow links with GET.

// requestMagicLink handles POST /users/log-in/magic-link. It answers the same
// whether or not the email has an account, so it cannot be used to find out.
func (a *App) requestMagicLink(w http.ResponseWriter, r *http.Request) {
	err := a.Accounts.DeliverLoginInstructions(r.Context(), r.PostFormValue("email"), clientAddr(r), a.magicLinkURL)
	var invalid *accounts.ValidationError
	switch {
	case errors.As(err, &invalid):
		a.Runtime.PutFlash(w, r, "error", "Please enter a valid email address.")
	case errors.Is(err, accounts.ErrTooManyAttempts):
		a.Runtime.PutFlash(w, r, "error", tooManyAttempts)
	case err != nil:
		a.serverError(w, r, err)
		return
	default:
		a.Runtime.PutFlash(w, r, "info", "If your email is in our system, you will receive instructions for logging in shortly.")
	}
	http.Redirect(w, r, "/users/log-in", http.StatusSeeOther)
}

// magicLinkURL is the link a login email carries.
func (a *App) magicLinkURL(token string) string { return a.url("/users/log-in/" + token) }

// logInByMagicLink uses a magic link's token: the POST of the link's page.
func (a *App) logInByMagicLink(w http.ResponseWriter, r *http.Request, token string) {
	// Only for the welcome message: does this login confirm the account?
	before, _ := a.Accounts.UserByMagicLinkToken(r.Context(), token)
	user, session, err := a.Accounts.LogInByMagicLink(r.Context(), token, sessionMeta(r))
	if err != nil {
		a.refuseMagicLink(w, r, err)
		return
	}
	if before != nil && before.ConfirmedAt == nil {
		a.Runtime.PutFlash(w, r, "info", "Your email is confirmed. Welcome!")
	} else {
		a.Runtime.PutFlash(w, r, "info", "Welcome back!")
	}
	a.startSession(w, r, user, rememberMe(r), session)
}

func (a *App) refuseMagicLink(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, accounts.ErrInvalidToken):
		a.Runtime.PutFlash(w, r, "error", "The link is invalid or it has expired.")
	case errors.Is(err, accounts.ErrConfirmBeforeMagicLink):
		a.Runtime.PutFlash(w, r, "error", confirmWithPassword)
	default:
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/users/log-in", http.StatusSeeOther)
}

const confirmWithPassword = "This account has a password and its email is not confirmed yet: log in with the password."

// MagicLink is the page a login link opens. It checks the link without
// using it, and asks the user to press a button, which posts the token.
type MagicLink struct {
	app       *App
	FormToken string
	Token     string
	Email     string
	Confirmed bool // false: using the link confirms the account
}

// Mount checks the link, and sends the browser to the login page when it is
// no good.
func (v *MagicLink) Mount(ctx context.Context, s *live.Socket) error {
	title(s, "Log in")
	v.FormToken = formTokenOf(s)
	v.Token = s.Param("token")
	user, err := v.app.Accounts.UserByMagicLinkToken(ctx, v.Token)
	switch {
	case errors.Is(err, accounts.ErrInvalidToken):
		s.PutFlash("error", "The link is invalid or it has expired.")
		return live.Halt("/users/log-in")
	case errors.Is(err, accounts.ErrConfirmBeforeMagicLink):
		s.PutFlash("error", confirmWithPassword)
		return live.Halt("/users/log-in")
	case err != nil:
		return err
	}
	v.Email, v.Confirmed = user.Email, user.ConfirmedAt != nil
	return nil
}

// Render renders the page.
func (v *MagicLink) Render(w io.Writer) error { return v.app.render(w, "user_magic_link", v) }
