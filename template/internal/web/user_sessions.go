package web

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/liveapp/liveapp/accounts"
	authweb "github.com/liveapp/liveapp/accounts/web"
	"github.com/liveapp/liveapp/live"
)

// Sessions lists where the user is logged in and lets them end the sessions
// of other devices. Ending a session closes its open tabs at once (the Store
// disconnects their sockets); each of those tabs then lands on the login page.
type Sessions struct {
	app      *App
	scope    accounts.Scope
	current  accounts.SessionToken // this browser's session
	Sessions []sessionRow
}

type sessionRow struct {
	accounts.Session
	Device  string // "Firefox on Linux"
	Current bool   // this browser's session
}

// Mount loads the sessions and registers the page's events.
func (v *Sessions) Mount(ctx context.Context, s *live.Socket) error {
	title(s, "Sessions")
	v.scope = authweb.ScopeFromSocket(s)
	v.current, _ = authweb.SessionFromSocket(s)
	if err := v.load(ctx); err != nil {
		return err
	}
	s.On("revoke", func(ctx context.Context, p live.Params) error {
		id, err := p.Int("id")
		if err != nil {
			return err
		}
		for _, row := range v.Sessions {
			if row.ID == id && row.Current {
				flash(s, "error", "To end this session, log out.")
				return nil
			}
		}
		// Only ever deletes a session of this user, whatever id was sent.
		switch err := v.app.Accounts.DeleteSession(ctx, v.scope, id); {
		case errors.Is(err, accounts.ErrSessionNotFound):
			flash(s, "error", "That session has ended already.")
		case err != nil:
			return err
		default:
			flash(s, "info", "The session was logged out.")
		}
		return v.load(ctx)
	}, live.Requires(v.app.auth.LoggedIn()))
	s.On("revoke_others", func(ctx context.Context, _ live.Params) error {
		if v.current == nil {
			return errors.New("web: the current session is unknown")
		}
		if err := v.app.Accounts.DeleteOtherSessions(ctx, v.scope, v.current); err != nil {
			return err
		}
		flash(s, "info", "All other sessions were logged out.")
		return v.load(ctx)
	}, live.Requires(v.app.auth.LoggedIn()))
	return nil
}

func (v *Sessions) load(ctx context.Context) error {
	sessions, err := v.app.Accounts.ListSessions(ctx, v.scope)
	if err != nil {
		return err
	}
	var currentID int64
	if v.current != nil {
		if _, se, err := v.app.Accounts.UserBySessionToken(ctx, v.current); err == nil {
			currentID = se.ID
		}
	}
	v.Sessions = v.Sessions[:0]
	for _, se := range sessions {
		v.Sessions = append(v.Sessions, sessionRow{Session: se, Device: device(se.UserAgent), Current: se.ID == currentID})
	}
	return nil
}

// Render renders the page.
func (v *Sessions) Render(w io.Writer) error { return v.app.render(w, "user_sessions", v) }

// Cookie names of the session, set on auth in New (see CookiePrefix).
const (
	sessionCookie  = CookiePrefix + "_session"
	rememberCookie = CookiePrefix + "_remember_me"
	returnToCookie = CookiePrefix + "_return_to"
)

// device describes a browser from its User-Agent header, roughly: enough for
// a user to recognize their devices.
func device(ua string) string {
	has := func(s string) bool { return strings.Contains(ua, s) }
	browser := "Unknown browser"
	switch {
	case has("Edg/"):
		browser = "Edge"
	case has("OPR/"):
		browser = "Opera"
	case has("Firefox/"):
		browser = "Firefox"
	case has("Chrome/"):
		browser = "Chrome"
	case has("Safari/"):
		browser = "Safari"
	case has("curl/"):
		browser = "curl"
	}
	switch {
	case has("iPhone"), has("iPad"):
		return browser + " on iOS"
	case has("Android"):
		return browser + " on Android"
	case has("Mac OS X"), has("Macintosh"):
		return browser + " on macOS"
	case has("Windows"):
		return browser + " on Windows"
	case has("Linux"):
		return browser + " on Linux"
	}
	return browser
}
