package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live"
)

// Auth connects a Store of accounts to HTTP handlers and live views: it logs users in
// and out with cookies, and provides middleware and live hooks that find the current
// user. Every zero field but Store takes the default its comment names. An Auth is
// safe for concurrent use; do not change its fields once it serves requests.
type Auth struct {
	// Store holds the users and their sessions. Required.
	Store *accounts.Store

	// Runtime, when set, is told to close the sockets of a session whose token is
	// deleted (logout, login, reissue), and carries flash messages to the login page.
	Runtime *live.Runtime

	// LoginPath is where anonymous users are sent. Default "/users/log-in".
	LoginPath string
	// AfterLoginPath is where LogIn redirects when no return-to path was remembered, and
	// where RedirectIfAuthenticated sends logged-in users. Default "/".
	AfterLoginPath string
	// AfterLogoutPath is where LogOut redirects. Default "/".
	AfterLogoutPath string

	// SessionCookie, RememberCookie and ReturnToCookie name the cookies, which get the
	// __Host- prefix when Secure. Defaults "user_session", "user_remember_me" and
	// "user_return_to".
	SessionCookie  string
	RememberCookie string
	ReturnToCookie string

	// RememberFor is the Max-Age of the remember-me cookie. Default 14 days, the
	// default accounts.Config.SessionValidity; it should not exceed the Store's.
	RememberFor time.Duration

	// SecureCookies marks cookies Secure (with the __Host- prefix) even when the request
	// did not arrive over TLS, for apps behind a TLS-terminating proxy. When set,
	// cookies without the prefix are ignored. Set it in production.
	SecureCookies bool

	// Logger receives errors of the Store that middleware cannot return. Nil uses
	// slog.Default().
	Logger *slog.Logger
}

func def(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func (a *Auth) loginPath() string       { return def(a.LoginPath, "/users/log-in") }
func (a *Auth) afterLoginPath() string  { return def(a.AfterLoginPath, "/") }
func (a *Auth) afterLogoutPath() string { return def(a.AfterLogoutPath, "/") }
func (a *Auth) sessionCookie() string   { return def(a.SessionCookie, "user_session") }
func (a *Auth) rememberCookie() string  { return def(a.RememberCookie, "user_remember_me") }
func (a *Auth) returnToCookie() string  { return def(a.ReturnToCookie, "user_return_to") }

func (a *Auth) rememberFor() time.Duration {
	if a.RememberFor <= 0 {
		return 14 * 24 * time.Hour
	}
	return a.RememberFor
}

func (a *Auth) logger() *slog.Logger {
	if a.Logger == nil {
		return slog.Default()
	}
	return a.Logger
}

// maxUserAgent bounds the User-Agent stored with a session.
const maxUserAgent = 512

func (a *Auth) sessionMeta(r *http.Request) accounts.SessionMeta {
	ua := r.UserAgent()
	if len(ua) > maxUserAgent {
		ua = ua[:maxUserAgent]
	}
	return accounts.SessionMeta{UserAgent: ua, IP: a.clientIP(r)}
}

// clientIP returns r's client address as the Runtime's Config.ClientIP finds it, or else
// the connection's peer.
func (a *Auth) clientIP(r *http.Request) netip.Addr {
	if a.Runtime != nil {
		return a.Runtime.ClientIP(r)
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if ip, err := netip.ParseAddr(host); err == nil {
			return ip.Unmap()
		}
	}
	return netip.Addr{}
}

// LogIn starts a session for user, who has just proven who they are: it deletes the
// session of the browser's old cookies, if any, and closes its sockets, so the token
// always changes on login (no session fixation, and a login as another user leaves
// nothing of the previous one); it sets the session cookie, and the remember-me cookie
// when rememberMe is true, and gives the browser a new CSRF secret
// (live.Runtime.RenewCSRF); then it redirects (303) to the return-to path remembered by
// RequireAuthenticated or posted as "return_to", if it is local, or to AfterLoginPath. On error nothing is
// written to w.
func (a *Auth) LogIn(w http.ResponseWriter, r *http.Request, user *accounts.User, rememberMe bool) error {
	if user == nil {
		return accounts.ErrNoUser
	}
	ctx := r.Context()
	if err := a.endSessions(ctx, r); err != nil {
		return fmt.Errorf("web: log in: %w", err)
	}
	token, err := a.Store.CreateSessionToken(ctx, user, a.sessionMeta(r))
	if err != nil {
		return fmt.Errorf("web: log in: %w", err)
	}
	a.setSessionCookies(w, r, token, rememberMe)
	a.renewCSRF(w, r)
	a.redirectAfterLogIn(w, r)
	return nil
}

// LogOut deletes the session of the browser's cookies, closes its sockets on every node
// sharing the Runtime's PubSub, deletes the cookies, gives the browser a new CSRF secret
// (live.Runtime.RenewCSRF) and redirects (303) to AfterLogoutPath. Put a flash message before calling it, if any.
func (a *Auth) LogOut(w http.ResponseWriter, r *http.Request) error {
	if err := a.endSessions(r.Context(), r); err != nil {
		return fmt.Errorf("web: log out: %w", err)
	}
	a.clearSessionCookies(w, r)
	a.renewCSRF(w, r)
	http.Redirect(w, r, a.afterLogoutPath(), http.StatusSeeOther)
	return nil
}

// renewCSRF gives the browser a new CSRF secret (see live.Runtime.RenewCSRF) when there
// is a Runtime.
func (a *Auth) renewCSRF(w http.ResponseWriter, r *http.Request) {
	if a.Runtime != nil {
		a.Runtime.RenewCSRF(w, r)
	}
}

// endSessions deletes the tokens of r's session and remember-me cookies, and the one
// FetchCurrentUser may have reissued in this request, and closes their sockets.
func (a *Auth) endSessions(ctx context.Context, r *http.Request) error {
	return a.endSessionsExcept(ctx, r, nil)
}

// endSessionsExcept is endSessions sparing keep.
func (a *Auth) endSessionsExcept(ctx context.Context, r *http.Request, keep accounts.SessionToken) error {
	var tokens []accounts.SessionToken
	if cur, ok := currentFrom(ctx); ok && cur.token != nil {
		tokens = append(tokens, cur.token)
	}
	for _, name := range []string{a.sessionCookie(), a.rememberCookie()} {
		if token, ok := a.tokenFromRequest(r, name); ok {
			tokens = append(tokens, token)
		}
	}
	var errs []error
	seen := map[string]bool{string(keep): true}
	for _, token := range tokens {
		if k := string(token); !seen[k] {
			seen[k] = true
			errs = append(errs, a.revoke(ctx, token))
		}
	}
	return errors.Join(errs...)
}

// revoke deletes token's session and closes its sockets.
func (a *Auth) revoke(ctx context.Context, token accounts.SessionToken) error {
	if err := a.Store.DeleteSessionToken(ctx, token); err != nil {
		return err
	}
	a.disconnect(ctx, token)
	return nil
}

// disconnect closes the sockets of token's session through Runtime. The Store does the
// same when its Config.Sockets is set; this covers Stores without it. A failure is
// logged, not returned: the session is gone already, and Revalidate closes what a lost
// broadcast left open.
func (a *Auth) disconnect(ctx context.Context, token accounts.SessionToken) {
	if a.Runtime == nil {
		return
	}
	if err := a.Runtime.Disconnect(ctx, accounts.SocketID(token)); err != nil {
		a.logger().Error("web: close the sockets of a deleted session", "err", err)
	}
}

// Remembered reports whether r carries a remember-me cookie, for handlers that log the
// browser in again (LogInWithToken after a password change) and should keep it
// remembered.
func (a *Auth) Remembered(r *http.Request) bool {
	_, ok := a.tokenFromRequest(r, a.rememberCookie())
	return ok
}

// LogInWithToken is LogIn for a session the Store has already created, such as the
// token of accounts.Store.LogInByMagicLink or of UpdatePassword: it deletes the
// browser's other session cookies' sessions (never token's own), sets the cookies to
// token, and redirects (303) like LogIn. On error nothing is written to w.
func (a *Auth) LogInWithToken(w http.ResponseWriter, r *http.Request, token accounts.SessionToken, rememberMe bool) error {
	if len(token) == 0 {
		return fmt.Errorf("web: log in: %w", accounts.ErrInvalidSession)
	}
	if err := a.endSessionsExcept(r.Context(), r, token); err != nil {
		return fmt.Errorf("web: log in: %w", err)
	}
	a.setSessionCookies(w, r, token, rememberMe)
	a.renewCSRF(w, r)
	a.redirectAfterLogIn(w, r)
	return nil
}

// redirectAfterLogIn redirects (303) to the remembered return-to path (the cookie set by
// RequireAuthenticated, or else the form field "return_to" that RequireSudoHook's login
// link carries), when it is local, or to AfterLoginPath.
func (a *Auth) redirectAfterLogIn(w http.ResponseWriter, r *http.Request) {
	to := a.takeReturnTo(w, r)
	if to == "" {
		if v := r.PostFormValue("return_to"); localPath(v) {
			to = v
		}
	}
	if to == "" {
		to = a.afterLoginPath()
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
