package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live"
)

// SudoMessage is the flash message (of kind "error") with which RequireSudo and
// RequireSudoHook send a logged-in user to LoginPath to prove who they are again. A
// login page that explains re-authentication in its own words can drop it, so as not
// to say the same thing twice (see live.Socket.Flash).
const SudoMessage = "Please log in again to continue."

// RequireSudo wraps next so that only users who logged in within the Store's SudoFor
// (10 minutes by default) reach it: others are redirected (303) to LoginPath with a flash
// message, and the path of a GET is remembered for LogIn to return to. Anonymous requests
// are treated as RequireAuthenticated treats them. It runs FetchCurrentUser first unless
// the request already went through it.
func (a *Auth) RequireSudo(next http.Handler) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scope := ScopeFrom(r.Context())
		if scope.User != nil && a.Store.InSudoMode(scope) {
			next.ServeHTTP(w, r)
			return
		}
		msg := "You must log in to access this page."
		if scope.User != nil {
			msg = SudoMessage
		}
		if r.Method == http.MethodGet {
			a.putReturnTo(w, r, r.URL.RequestURI())
		}
		if a.Runtime != nil {
			a.Runtime.PutFlash(w, r, "error", msg)
		}
		http.Redirect(w, r, a.loginPath(), http.StatusSeeOther)
	})
	return a.ensureFetched(h)
}

// RequireSudoHook is a live hook, for a route or a live session, that halts mounts of
// users who did not log in within the Store's SudoFor to LoginPath with a flash message,
// adding ?return_to= with the page's URL: a login form that posts it back as the field
// "return_to" makes LogIn return there. Anonymous mounts are halted as
// RequireAuthenticatedHook halts them. It must run after MountCurrentUser.
//
// Live navigation does not pass through HTTP middleware, so a page that needs sudo mode
// needs this hook even when its live session's middleware includes RequireSudo.
func (a *Auth) RequireSudoHook(_ context.Context, s *live.Socket) error {
	scope := ScopeFromSocket(s)
	if scope.User == nil {
		return a.RequireAuthenticatedHook(context.Background(), s)
	}
	if a.Store.InSudoMode(scope) {
		return nil
	}
	s.PutFlash("error", SudoMessage)
	return live.Halt(a.loginPath() + "?return_to=" + url.QueryEscape(s.URL()))
}

// SessionFromSocket returns the session token MountCurrentUser found for s, for the
// pages that act on the current session: marking "this device" in a session list, or
// keeping it in accounts.Store.DeleteOtherSessions. It is false for anonymous sockets.
// The token is the session's secret: never render or log it (it prints redacted).
func SessionFromSocket(s *live.Socket) (accounts.SessionToken, bool) {
	ms, ok := s.Get(sessionAssign).(mountedSession)
	return ms.token, ok
}
