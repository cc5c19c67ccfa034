package accounts_test

import (
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/liveapp/liveapp/accounts"
)

const newPassword = "a brand new passphrase"

// passwordIs reports whether pw matches user id's stored hash.
func passwordIs(t *testing.T, e *mailEnv, id int64, pw string) bool {
	t.Helper()
	h := storedHashOrNull(t, e, id)
	if h == nil {
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(pw, *h)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestUpdatePasswordEndsEverySessionAndKeepsTheBrowserLoggedIn(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	alice := registerConfirmed(t, e, "alice@example.com")
	bob := registerConfirmed(t, e, "bob@example.com")
	others := []accounts.SessionToken{newSession(t, e.s, alice), newSession(t, e.s, alice)}
	scope, current := e.sudo(t, alice)
	bobs := newSession(t, e.s, bob)
	link := e.loginLink(t, "alice@example.com")

	meta := accounts.SessionMeta{UserAgent: "Safari", IP: netip.MustParseAddr("2001:db8::1")}
	fresh, err := e.s.UpdatePassword(t.Context(), scope, newPassword, meta)
	if err != nil {
		t.Fatal(err)
	}
	if !passwordIs(t, e, alice.ID, newPassword) || passwordIs(t, e, alice.ID, password) {
		t.Error("the stored password is not the new one")
	}
	for i, token := range append(slices.Clone(others), current) {
		if _, _, err := e.s.UserBySessionToken(t.Context(), token); err != accounts.ErrInvalidSession {
			t.Errorf("session %d after the change: %v, want ErrInvalidSession", i, err)
		}
	}
	if got, want := e.sockets.take(), socketIDs(append(others, current)...); !slices.Equal(got, want) {
		t.Errorf("disconnected %v, want every session's %v", got, want)
	}
	if _, _, err := e.s.LogInByMagicLink(t.Context(), link, accounts.SessionMeta{}); err != accounts.ErrInvalidToken {
		t.Errorf("magic link sent before the change: %v, want ErrInvalidToken", err)
	}
	if _, _, err := e.s.UserBySessionToken(t.Context(), bobs); err != nil {
		t.Errorf("another user's session: %v", err)
	}

	u, se, err := e.s.UserBySessionToken(t.Context(), fresh)
	if err != nil {
		t.Fatalf("the returned session: %v", err)
	}
	if u.ID != alice.ID || se.UserAgent != "Safari" || se.IP != meta.IP {
		t.Errorf("the returned session: %v %+v", u, se)
	}
	if !se.AuthenticatedAt.Equal(scope.AuthenticatedAt) {
		t.Errorf("the returned session was authenticated at %v, want the old one's %v: changing the password is no new proof",
			se.AuthenticatedAt, scope.AuthenticatedAt)
	}
}

func TestUpdatePasswordNeedsSudoModeAndAValidPassword(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	alice := registerConfirmed(t, e, "alice@example.com")
	session := newSession(t, e.s, alice)
	scope := scopeOf(t, e.s, session)

	stale := scope
	stale.AuthenticatedAt = e.clock.Now().Add(-11 * time.Minute)
	for _, s := range []accounts.Scope{{User: alice}, stale} {
		if _, err := e.s.UpdatePassword(t.Context(), s, newPassword, accounts.SessionMeta{}); !errors.Is(err, accounts.ErrSudoRequired) {
			t.Errorf("authenticated at %v: %v, want ErrSudoRequired", s.AuthenticatedAt, err)
		}
	}
	if _, err := e.s.UpdatePassword(t.Context(), accounts.Scope{}, newPassword, accounts.SessionMeta{}); err != accounts.ErrNoUser {
		t.Errorf("without a user: %v, want ErrNoUser", err)
	}
	_, err := e.s.UpdatePassword(t.Context(), scope, "too short", accounts.SessionMeta{})
	var verr *accounts.ValidationError
	if !errors.As(err, &verr) || verr.Fields["password"] != "should be at least 12 characters" || len(verr.Fields) != 1 {
		t.Errorf("short password: %v, want password should be at least 12 characters", err)
	}

	if !passwordIs(t, e, alice.ID, password) {
		t.Error("a refused change changed the password")
	}
	if _, _, err := e.s.UserBySessionToken(t.Context(), session); err != nil {
		t.Errorf("a refused change ended the session: %v", err)
	}
	if got := e.sockets.take(); len(got) != 0 {
		t.Errorf("a refused change disconnected %v", got)
	}
}

func TestUpdatePasswordGivesAMagicLinkAccountAPassword(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	if _, err := e.s.Register(t.Context(), "alice@example.com", ""); err != nil {
		t.Fatal(err)
	}
	u, session, err := e.s.LogInByMagicLink(t.Context(), e.loginLink(t, "alice@example.com"), accounts.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.UpdatePassword(t.Context(), scopeOf(t, e.s, session), newPassword, accounts.SessionMeta{}); err != nil {
		t.Fatal(err)
	}
	if !passwordIs(t, e, u.ID, newPassword) {
		t.Error("the account has no password")
	}
}
