package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/liveapp/liveapp/accounts"
)

// current is what FetchCurrentUser puts in a request's context.
type current struct {
	scope accounts.Scope
	token accounts.SessionToken // nil when anonymous
}

type ctxKey struct{}

// ScopeFrom returns the Scope FetchCurrentUser put in ctx: its User is nil when the
// request is anonymous or did not go through FetchCurrentUser.
func ScopeFrom(ctx context.Context) accounts.Scope {
	if c, ok := ctx.Value(ctxKey{}).(*current); ok {
		return c.scope
	}
	return accounts.Scope{}
}

func currentFrom(ctx context.Context) (*current, bool) {
	c, ok := ctx.Value(ctxKey{}).(*current)
	return c, ok
}

// FetchCurrentUser wraps next so that the request's context holds the Scope of the
// user of the session cookie, or else of the remember-me cookie (which then sets the
// session cookie again); see ScopeFrom. A session older than the Store's
// SessionReissueAfter is replaced: a new token is created and set in the cookies, and
// the old one is deleted and its sockets closed. Cookies of invalid sessions are
// deleted. When the Store fails, the request gets 500 and does not reach next.
func (a *Auth) FetchCurrentUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur, err := a.fetch(w, r)
		if err != nil {
			a.logger().Error("web: fetch current user", "err", err)
			a.serverError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, cur)))
	})
}

func (a *Auth) fetch(w http.ResponseWriter, r *http.Request) (*current, error) {
	ctx := r.Context()
	stale := false
	for i, name := range []string{a.sessionCookie(), a.rememberCookie()} {
		token, ok := a.tokenFromRequest(r, name)
		if !ok {
			continue
		}
		user, session, err := a.Store.UserBySessionToken(ctx, token)
		if errors.Is(err, accounts.ErrInvalidSession) {
			stale = true
			continue
		}
		if err != nil {
			return nil, err
		}
		_, remember := a.tokenFromRequest(r, a.rememberCookie())
		switch {
		case session.NeedsReissue:
			// The new session keeps the old one's AuthenticatedAt: an old cookie must not
			// buy sudo mode. The Store deletes the old session and closes its sockets.
			fresh, err := a.Store.ReissueSessionToken(ctx, token, a.sessionMeta(r))
			if errors.Is(err, accounts.ErrInvalidSession) {
				// Reissued by a concurrent request since it was read: that request's
				// response carries the new cookie, so leave the cookies alone.
				continue
			}
			if err != nil {
				return nil, err
			}
			a.disconnect(ctx, token)
			a.setSessionCookies(w, r, fresh, remember)
			token = fresh
		case i == 1:
			// Logged in by the remember-me cookie: restore the session cookie.
			a.setSessionCookies(w, r, token, remember)
		}
		scope := accounts.Scope{User: user, AuthenticatedAt: session.AuthenticatedAt}
		return &current{scope: scope, token: token}, nil
	}
	if stale {
		a.clearSessionCookies(w, r)
	}
	return &current{}, nil
}

// RequireAuthenticated wraps next so that anonymous requests are redirected (303) to
// LoginPath, with a flash message when Runtime is set. The path of a GET is remembered
// for LogIn to return to. It runs FetchCurrentUser first unless the request already went
// through it.
func (a *Auth) RequireAuthenticated(next http.Handler) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ScopeFrom(r.Context()).User != nil {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet {
			a.putReturnTo(w, r, r.URL.RequestURI())
		}
		if a.Runtime != nil {
			a.Runtime.PutFlash(w, r, "error", "You must log in to access this page.")
		}
		http.Redirect(w, r, a.loginPath(), http.StatusSeeOther)
	})
	return a.ensureFetched(h)
}

// RedirectIfAuthenticated wraps next so that logged-in users are redirected (303) to
// AfterLoginPath: for the login and registration pages. It runs FetchCurrentUser first
// unless the request already went through it.
func (a *Auth) RedirectIfAuthenticated(next http.Handler) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ScopeFrom(r.Context()).User != nil {
			http.Redirect(w, r, a.afterLoginPath(), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
	return a.ensureFetched(h)
}

// ensureFetched runs h behind FetchCurrentUser unless the request already went
// through it.
func (a *Auth) ensureFetched(h http.Handler) http.Handler {
	fetched := a.FetchCurrentUser(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := currentFrom(r.Context()); ok {
			h.ServeHTTP(w, r)
			return
		}
		fetched.ServeHTTP(w, r)
	})
}

// serverError answers 500, through the Runtime's error page when there is a Runtime.
func (a *Auth) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if a.Runtime != nil {
		a.Runtime.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	http.Error(w, "Internal Server Error", http.StatusInternalServerError)
}
