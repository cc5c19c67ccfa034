package web

import (
	"context"
	"errors"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live"
)

// ScopeAssign is the socket assign MountCurrentUser sets to the accounts.Scope of the
// current user. Layouts read it with Page.Get(ScopeAssign).
const ScopeAssign = "scope"

// sessionAssign holds the token that authorized the mount, for Revalidate. Its value
// has an unexported type, so only this package can use it.
const sessionAssign = "accounts/web.session"

type mountedSession struct{ token accounts.SessionToken }

// ScopeFromSocket returns the Scope MountCurrentUser assigned to s: its User is nil
// when the socket is anonymous or MountCurrentUser did not run.
func ScopeFromSocket(s *live.Socket) accounts.Scope {
	scope, _ := s.Get(ScopeAssign).(accounts.Scope)
	return scope
}

// MountCurrentUser is a live hook that assigns the Scope of the session's user to
// ScopeAssign, and sets the socket's ID to accounts.SocketID of the session token so
// that LogOut closes it. During the dead render it reuses the Scope FetchCurrentUser put
// in the request's context (which has seen a reissued token); otherwise it reads the
// session cookie, then the remember-me cookie, of the request that mounted the socket.
// Live navigation reuses the assign without asking the Store again. An unknown or
// expired token gives an anonymous Scope; a Store failure fails the mount.
func (a *Auth) MountCurrentUser(ctx context.Context, s *live.Socket) error {
	_, err := s.AssignNew(ScopeAssign, func() (any, error) {
		cur, err := a.mountCurrent(ctx, s)
		if err != nil {
			return nil, err
		}
		if cur.token != nil {
			s.Assign(sessionAssign, mountedSession{cur.token})
			s.SetID(accounts.SocketID(cur.token))
		}
		return cur.scope, nil
	})
	return err
}

func (a *Auth) mountCurrent(ctx context.Context, s *live.Socket) (*current, error) {
	if !s.Connected() {
		if cur, ok := currentFrom(ctx); ok {
			return cur, nil
		}
	}
	for _, name := range []string{a.sessionCookie(), a.rememberCookie()} {
		token, ok := a.tokenFromSocket(s, name)
		if !ok {
			continue
		}
		user, session, err := a.Store.UserBySessionToken(ctx, token)
		if errors.Is(err, accounts.ErrInvalidSession) {
			continue
		}
		if err != nil {
			return nil, err
		}
		scope := accounts.Scope{User: user, AuthenticatedAt: session.AuthenticatedAt}
		return &current{scope: scope, token: token}, nil
	}
	return &current{}, nil
}

// RequireAuthenticatedHook is a live hook that halts anonymous mounts to LoginPath with a
// flash message. It must run after MountCurrentUser.
func (a *Auth) RequireAuthenticatedHook(ctx context.Context, s *live.Socket) error {
	if ScopeFromSocket(s).User != nil {
		return nil
	}
	s.PutFlash("error", "You must log in to access this page.")
	return live.Halt(a.loginPath())
}

// RedirectIfAuthenticatedHook is a live hook that halts logged-in mounts to
// AfterLoginPath. It must run after MountCurrentUser.
func (a *Auth) RedirectIfAuthenticatedHook(ctx context.Context, s *live.Socket) error {
	if ScopeFromSocket(s).User != nil {
		return live.Halt(a.afterLoginPath())
	}
	return nil
}

// ErrSessionRevoked is returned by Revalidate when the socket's session was deleted or
// has expired.
var ErrSessionRevoked = errors.New("web: session revoked or expired")

// Revalidate is a live hook for SessionOptions.Revalidate: it checks that the session
// token that authorized the socket's mount is still valid, so that a socket of a
// session deleted elsewhere (on another node whose Disconnect was lost, or directly
// in the database) or expired is closed. Anonymous sockets pass. A Store failure also
// fails the check: the socket closes and its remount asks the Store again.
func (a *Auth) Revalidate(ctx context.Context, s *live.Socket) error {
	ms, ok := s.Get(sessionAssign).(mountedSession)
	if !ok {
		return nil
	}
	_, _, err := a.Store.UserBySessionToken(ctx, ms.token)
	if errors.Is(err, accounts.ErrInvalidSession) {
		return ErrSessionRevoked
	}
	return err
}
