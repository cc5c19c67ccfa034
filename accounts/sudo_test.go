package accounts_test

import (
	"testing"
	"time"

	"github.com/liveapp/liveapp/accounts"
)

func TestInSudoMode(t *testing.T) {
	tests := []struct {
		name    string
		sudoFor time.Duration
		age     time.Duration
		want    bool
	}{
		{"a session authenticated just now is in sudo mode", 0, 0, true},
		{"9 minutes later it still is", 0, 9 * time.Minute, true},
		{"a microsecond short of 10 minutes later it still is", 0, 10*time.Minute - time.Microsecond, true},
		{"10 minutes later it is not", 0, 10 * time.Minute, false},
		{"Config.SudoFor sets the duration", time.Hour, 30 * time.Minute, true},
		{"and when it ends", time.Hour, time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMailEnv(t, accounts.Config{SudoFor: tt.sudoFor})
			token := newSession(t, e.s, registerConfirmed(t, e, "alice@example.com"))
			e.clock.Advance(tt.age)
			if got := e.s.InSudoMode(scopeOf(t, e.s, token)); got != tt.want {
				t.Errorf("InSudoMode: %v, want %v", got, tt.want)
			}
		})
	}
	e := newMailEnv(t, accounts.Config{})
	if e.s.InSudoMode(accounts.Scope{}) || e.s.InSudoMode(accounts.Scope{AuthenticatedAt: e.clock.Now()}) {
		t.Error("a scope without a user is in sudo mode")
	}
	if e.s.InSudoMode(accounts.Scope{User: &accounts.User{ID: 1}}) {
		t.Error("a scope that never authenticated is in sudo mode")
	}
}

func TestReissuedSessionKeepsItsAuthenticationTime(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	old := newSession(t, e.s, registerConfirmed(t, e, "alice@example.com"))
	e.clock.Advance(8 * 24 * time.Hour)
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
