package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/liveapp/liveapp/accounts"
)

// The plain HTTP handlers of logging in and out. They are not live events
// because they set or delete cookies, which only an HTTP response can do. Each
// runs behind rt.ProtectForms (a CSRF token is required) and ends with a 303
// redirect, carrying a flash message to the next page.

// logIn handles POST /users/log-in, from the login page's password form
// (email, password, remember_me) or from a magic link's page (token,
// remember_me).
func (a *App) logIn(w http.ResponseWriter, r *http.Request) {
	if token := r.PostFormValue("token"); token != "" {
		a.logInByMagicLink(w, r, token)
		return
	}
	user, err := a.Accounts.Authenticate(r.Context(),
		r.PostFormValue("email"), r.PostFormValue("password"), clientAddr(r))
	if err != nil {
		a.refuseLogIn(w, r, err)
		return
	}
	a.Runtime.PutFlash(w, r, "info", "Welcome back!")
	a.startSession(w, r, user, rememberMe(r), nil)
}

// startSession logs user in, who has just proven who they are, and redirects
// to the page they wanted or the home page; remember sets the remember-me
// cookie. The Store functions that prove it (a magic link, a password change)
// return a session token already: pass it as made, and the browser gets that
// one.
func (a *App) startSession(w http.ResponseWriter, r *http.Request, user *accounts.User, remember bool, made accounts.SessionToken) {
	var err error
	if made != nil {
		err = a.auth.LogInWithToken(w, r, made, remember)
	} else {
		err = a.auth.LogIn(w, r, user, remember)
	}
	if err != nil {
		a.serverError(w, r, err)
	}
}

// sessionMeta describes r's browser, for the sessions list.
func sessionMeta(r *http.Request) accounts.SessionMeta {
	ua := r.UserAgent()
	if len(ua) > 512 {
		ua = ua[:512]
	}
	return accounts.SessionMeta{UserAgent: ua, IP: clientAddr(r)}
}

// rememberMe reports whether the login form asked to stay logged in.
func rememberMe(r *http.Request) bool { return r.PostFormValue("remember_me") == "true" }

// refuseLogIn sends the browser back to the login page with the reason, said
// so that it does not reveal whether the email has an account.
func (a *App) refuseLogIn(w http.ResponseWriter, r *http.Request, err error) {
	var msg string
	switch {
	case errors.Is(err, accounts.ErrInvalidCredentials):
		msg = "Invalid email or password."
	case errors.Is(err, accounts.ErrTooManyAttempts):
		msg = tooManyAttempts
	case errors.Is(err, accounts.ErrBusy):
		msg = serverBusy
	default:
		a.serverError(w, r, err)
		return
	}
	a.Runtime.PutFlash(w, r, "error", msg)
	http.Redirect(w, r, logInAgainURL(r), http.StatusSeeOther)
}

// maxReturnTo bounds the return_to path carried back to the login page.
const maxReturnTo = 2048

// logInAgainURL is the login page to go back to after a refused login: with
// the email the form posted, so that only the password needs typing again, and
// the return_to path of a re-authentication, which LogIn checks before it
// follows it.
func logInAgainURL(r *http.Request) string {
	q := url.Values{}
	if email := keptEmail(r.PostFormValue("email")); email != "" {
		q.Set("email", email)
	}
	if to := r.PostFormValue("return_to"); strings.HasPrefix(to, "/") && len(to) <= maxReturnTo {
		q.Set("return_to", to)
	}
	if len(q) == 0 {
		return "/users/log-in"
	}
	return "/users/log-in?" + q.Encode()
}

// Messages for errors users can do nothing about but wait.
const (
	tooManyAttempts = "Too many attempts, try again later." // a rate limit refused them
	serverBusy      = "The server is busy. Please try again in a moment."
)

// logOut handles POST /users/log-out: it ends the browser's session and closes
// its sockets in every tab.
func (a *App) logOut(w http.ResponseWriter, r *http.Request) {
	a.Runtime.PutFlash(w, r, "info", "Logged out successfully.")
	if err := a.auth.LogOut(w, r); err != nil {
		a.serverError(w, r, err)
	}
}

// serverError logs err and answers with the app's 500 page, which shows the
// error itself in dev mode.
func (a *App) serverError(w http.ResponseWriter, r *http.Request, err error) {
	a.log.ErrorContext(r.Context(), "web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	a.errorPage(w, r, http.StatusInternalServerError, err)
}
