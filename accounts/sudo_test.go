package accounts_test

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/liveapp/liveapp/accounts"
)

// ageAuthentication moves back the time token's session was authenticated by d.
func ageAuthentication(t *testing.T, e *mailEnv, token accounts.SessionToken, d time.Duration) {
	t.Helper()
	_, err := e.db.Exec(t.Context(),
		"UPDATE users_tokens SET authenticated_at = authenticated_at - $2 * interval '1 second' WHERE token = $1",
		sessionHash(token), d.Seconds())
	if err != nil {
		t.Fatal(err)
	}
}

// sessionHash returns the SHA-256 of token, as users_tokens stores it.
func sessionHash(token accounts.SessionToken) []byte {
	sum := sha256.Sum256(token)
	return sum[:]
}

func TestInSudoMode(t *testing.T) {
	tests := []struct {
		name    string
		sudoFor time.Duration
		age     time.Duration
		want    bool
	}{
		{"a session authenticated just now is in sudo mode", 0, 0, true},
		{"9 minutes later it still is", 0, 9 * time.Minute, true},
		{"10 minutes later it is not", 0, 10 * time.Minute, false},
		{"Config.SudoFor sets the duration", time.Hour, 30 * time.Minute, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMailEnv(t, accounts.Config{SudoFor: tt.sudoFor})
			token := newSession(t, e.s, registerConfirmed(t, e, "alice@example.com"))
			ageAuthentication(t, e, token, tt.age)
			if got := e.s.InSudoMode(scopeOf(t, e.s, token)); got != tt.want {
				t.Errorf("InSudoMode: %v, want %v", got, tt.want)
			}
		})
	}
	e := newMailEnv(t, accounts.Config{})
	if e.s.InSudoMode(accounts.Scope{}) || e.s.InSudoMode(accounts.Scope{AuthenticatedAt: time.Now()}) {
		t.Error("a scope without a user is in sudo mode")
	}
	if e.s.InSudoMode(accounts.Scope{User: &accounts.User{ID: 1}}) {
		t.Error("a scope that never authenticated is in sudo mode")
	}
}

func TestReissuedSessionKeepsItsAuthenticationTime(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	old := newSession(t, e.s, registerConfirmed(t, e, "alice@example.com"))
	age(t, e.db, old, 8*24*time.Hour)
	ageAuthentication(t, e, old, 8*24*time.Hour)
	before := scopeOf(t, e.s, old)

	fresh, err := e.s.ReissueSessionToken(t.Context(), old, accounts.SessionMeta{UserAgent: "Firefox"})
	if err != nil {
		t.Fatal(err)
	}
	after := scopeOf(t, e.s, fresh)
	if !after.AuthenticatedAt.Equal(before.AuthenticatedAt) || e.s.InSudoMode(after) {
		t.Errorf("reissued session authenticated at %v, want %v: a reissue is no proof", after.AuthenticatedAt, before.AuthenticatedAt)
	}
	if _, _, err := e.s.UserBySessionToken(t.Context(), old); err != accounts.ErrInvalidSession {
		t.Errorf("the old token: %v, want ErrInvalidSession", err)
	}
	if got, want := e.sockets.take(), socketIDs(old); len(got) != 1 || got[0] != want[0] {
		t.Errorf("disconnected %v, want %v", got, want)
	}
	if _, err := e.s.ReissueSessionToken(t.Context(), old, accounts.SessionMeta{}); err != accounts.ErrInvalidSession {
		t.Errorf("reissuing a deleted token: %v, want ErrInvalidSession", err)
	}
}
