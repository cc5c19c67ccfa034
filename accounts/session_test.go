package accounts_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"net/netip"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/internal/fakeclock"
)

func newSession(t *testing.T, s *accounts.Store, u *accounts.User) accounts.SessionToken {
	t.Helper()
	token, err := s.CreateSessionToken(t.Context(), u, accounts.SessionMeta{
		UserAgent: "Firefox", IP: netip.MustParseAddr("192.0.2.7")})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// age moves the creation of token's session back by d.
func age(t *testing.T, db *pgxpool.Pool, token accounts.SessionToken, d time.Duration) {
	t.Helper()
	sum := sha256.Sum256(token)
	_, err := db.Exec(t.Context(),
		"UPDATE users_tokens SET created_at = created_at - $2 * interval '1 second' WHERE token = $1",
		sum[:], d.Seconds())
	if err != nil {
		t.Fatal(err)
	}
}

func TestSessionTokenIsStoredOnlyAsItsSHA256(t *testing.T) {
	db := newDB(t)
	s, _ := newStore(t, db, accounts.Config{})
	token := newSession(t, s, register(t, s, "alice@example.com"))
	if len(token) != 32 {
		t.Errorf("token of %d bytes, want 32", len(token))
	}
	var stored []byte
	var context string
	if err := db.QueryRow(t.Context(), "SELECT token, context FROM users_tokens").Scan(&stored, &context); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(token)
	if !bytes.Equal(stored, sum[:]) || bytes.Equal(stored, token) {
		t.Errorf("stored %x, want the SHA-256 of the token", stored)
	}
	if context != "session" {
		t.Errorf("context %q", context)
	}
}

func TestUserBySessionToken(t *testing.T) {
	tests := []struct {
		name         string
		prepare      func(t *testing.T, s *accounts.Store, db *pgxpool.Pool, token accounts.SessionToken) accounts.SessionToken
		wantErr      error
		needsReissue bool
	}{
		{
			name: "a new token is valid and needs no reissue",
			prepare: func(*testing.T, *accounts.Store, *pgxpool.Pool, accounts.SessionToken) accounts.SessionToken {
				return nil
			},
		},
		{
			name: "an 8-day-old token is valid but needs reissue",
			prepare: func(t *testing.T, _ *accounts.Store, db *pgxpool.Pool, token accounts.SessionToken) accounts.SessionToken {
				age(t, db, token, 8*24*time.Hour)
				return nil
			},
			needsReissue: true,
		},
		{
			name: "a 15-day-old token has expired",
			prepare: func(t *testing.T, _ *accounts.Store, db *pgxpool.Pool, token accounts.SessionToken) accounts.SessionToken {
				age(t, db, token, 15*24*time.Hour)
				return nil
			},
			wantErr: accounts.ErrInvalidSession,
		},
		{
			name: "a deleted token is refused",
			prepare: func(t *testing.T, s *accounts.Store, _ *pgxpool.Pool, token accounts.SessionToken) accounts.SessionToken {
				if err := s.DeleteSessionToken(t.Context(), token); err != nil {
					t.Fatal(err)
				}
				return nil
			},
			wantErr: accounts.ErrInvalidSession,
		},
		{
			name: "the stored hash is not itself a token",
			prepare: func(t *testing.T, _ *accounts.Store, _ *pgxpool.Pool, token accounts.SessionToken) accounts.SessionToken {
				sum := sha256.Sum256(token)
				return sum[:]
			},
			wantErr: accounts.ErrInvalidSession,
		},
		{
			name: "a token of the wrong size is refused",
			prepare: func(t *testing.T, _ *accounts.Store, _ *pgxpool.Pool, token accounts.SessionToken) accounts.SessionToken {
				return token[:16]
			},
			wantErr: accounts.ErrInvalidSession,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newDB(t)
			s, _ := newStore(t, db, accounts.Config{})
			alice := register(t, s, "alice@example.com")
			token := newSession(t, s, alice)
			if other := tt.prepare(t, s, db, token); other != nil {
				token = other
			}
			u, se, err := s.UserBySessionToken(t.Context(), token)
			if err != tt.wantErr {
				t.Fatalf("UserBySessionToken: %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if u.ID != alice.ID || u.Email != alice.Email {
				t.Errorf("user %v, want %v", u, alice)
			}
			if se.NeedsReissue != tt.needsReissue {
				t.Errorf("NeedsReissue %v, want %v", se.NeedsReissue, tt.needsReissue)
			}
			if se.UserAgent != "Firefox" || se.IP != netip.MustParseAddr("192.0.2.7") {
				t.Errorf("session meta %q %v", se.UserAgent, se.IP)
			}
		})
	}
}

func TestUserBySessionTokenUpdatesLastSeenAtMostOnceAMinute(t *testing.T) {
	db := newDB(t)
	clock := fakeclock.New()
	s, _ := newStore(t, db, accounts.Config{Now: clock.Now})
	token := newSession(t, s, register(t, s, "alice@example.com"))
	sum := sha256.Sum256(token)
	lastSeen := func() time.Time {
		_, se, err := s.UserBySessionToken(t.Context(), token)
		if err != nil {
			t.Fatal(err)
		}
		var stored time.Time
		if err := db.QueryRow(t.Context(), "SELECT last_seen_at FROM users_tokens WHERE token = $1", sum[:]).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !se.LastSeenAt.Equal(stored) {
			t.Errorf("session reports last seen %v, stored %v", se.LastSeenAt, stored)
		}
		return stored
	}

	created := clock.Now()
	clock.Advance(time.Minute - time.Microsecond)
	if got := lastSeen(); !got.Equal(created) {
		t.Errorf("seen just under a minute after it was created: last_seen_at moved from %v to %v", created, got)
	}
	clock.Advance(time.Microsecond)
	if got := lastSeen(); !got.Equal(clock.Now()) {
		t.Errorf("seen a minute after it was created: last_seen_at %v, want now, %v", got, clock.Now())
	}
}

func TestListSessionsAndDeleteOtherSessions(t *testing.T) {
	db := newDB(t)
	s, _ := newStore(t, db, accounts.Config{})
	alice := register(t, s, "alice@example.com")
	bob := register(t, s, "bob@example.com")
	var tokens []accounts.SessionToken
	for range 3 {
		tokens = append(tokens, newSession(t, s, alice))
	}
	bobs := newSession(t, s, bob)
	expired := newSession(t, s, alice)
	age(t, db, expired, 15*24*time.Hour)

	scope := accounts.Scope{User: alice}
	sessions, err := s.ListSessions(t.Context(), scope)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 3 {
		t.Fatalf("%d sessions listed, want alice's 3 unexpired ones: %+v", len(sessions), sessions)
	}
	for i, se := range sessions {
		if se.UserAgent != "Firefox" || !se.IP.IsValid() || se.CreatedAt.IsZero() || se.LastSeenAt.IsZero() {
			t.Errorf("session %d: %+v", i, se)
		}
	}
	if sessions[0].ID < sessions[1].ID {
		t.Errorf("sessions not newest first: %d, %d", sessions[0].ID, sessions[1].ID)
	}

	if err := s.DeleteOtherSessions(t.Context(), scope, tokens[1]); err != nil {
		t.Fatal(err)
	}
	for i, token := range tokens {
		_, _, err := s.UserBySessionToken(t.Context(), token)
		if want := i == 1; (err == nil) != want {
			t.Errorf("token %d after DeleteOtherSessions: %v", i, err)
		}
	}
	if _, _, err := s.UserBySessionToken(t.Context(), bobs); err != nil {
		t.Errorf("another user's session was deleted: %v", err)
	}
	sessions, err = s.ListSessions(t.Context(), scope)
	if err != nil || len(sessions) != 1 {
		t.Errorf("after DeleteOtherSessions: %d sessions, %v", len(sessions), err)
	}
}

func TestDeleteSessionDeletesOnlyTheUsersOwn(t *testing.T) {
	db := newDB(t)
	s, _ := newStore(t, db, accounts.Config{})
	alice := register(t, s, "alice@example.com")
	bob := register(t, s, "bob@example.com")
	token := newSession(t, s, alice)
	_, se, err := s.UserBySessionToken(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}

	err = s.DeleteSession(t.Context(), accounts.Scope{User: bob}, se.ID)
	if !errors.Is(err, accounts.ErrSessionNotFound) {
		t.Errorf("bob deleting alice's session: %v, want ErrSessionNotFound", err)
	}
	if _, _, err := s.UserBySessionToken(t.Context(), token); err != nil {
		t.Errorf("alice's session after bob's attempt: %v", err)
	}
	if err := s.DeleteSession(t.Context(), accounts.Scope{}, se.ID); !errors.Is(err, accounts.ErrNoUser) {
		t.Errorf("deleting without a user: %v, want ErrNoUser", err)
	}

	if err := s.DeleteSession(t.Context(), accounts.Scope{User: alice}, se.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UserBySessionToken(t.Context(), token); err != accounts.ErrInvalidSession {
		t.Errorf("deleted session: %v, want ErrInvalidSession", err)
	}
}

func TestSocketIDIsDerivedFromTheTokenHash(t *testing.T) {
	a := accounts.SessionToken(bytes.Repeat([]byte{1}, 32))
	b := accounts.SessionToken(bytes.Repeat([]byte{2}, 32))
	id := accounts.SocketID(a)
	if !regexp.MustCompile(`^users_sessions:[A-Za-z0-9_-]{22}$`).MatchString(id) {
		t.Errorf("SocketID %q", id)
	}
	if accounts.SocketID(a) != id || accounts.SocketID(b) == id {
		t.Error("SocketID is not a function of the token")
	}
}
