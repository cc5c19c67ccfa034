package accounts_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/accounts"
)

func TestDeletingSessionsClosesTheirSockets(t *testing.T) {
	tests := []struct {
		name string
		// del deletes some of alice's sessions and returns those it deleted.
		del func(t *testing.T, e *mailEnv, alice *accounts.User, sessions []accounts.SessionToken) []accounts.SessionToken
	}{
		{
			name: "DeleteSessionToken closes that session's sockets",
			del: func(t *testing.T, e *mailEnv, _ *accounts.User, sessions []accounts.SessionToken) []accounts.SessionToken {
				if err := e.s.DeleteSessionToken(t.Context(), sessions[0]); err != nil {
					t.Fatal(err)
				}
				return sessions[:1]
			},
		},
		{
			name: "DeleteSessionToken of an unknown token closes nothing",
			del: func(t *testing.T, e *mailEnv, _ *accounts.User, _ []accounts.SessionToken) []accounts.SessionToken {
				if err := e.s.DeleteSessionToken(t.Context(), make(accounts.SessionToken, 32)); err != nil {
					t.Fatal(err)
				}
				return nil
			},
		},
		{
			name: "DeleteSession closes that session's sockets",
			del: func(t *testing.T, e *mailEnv, alice *accounts.User, sessions []accounts.SessionToken) []accounts.SessionToken {
				_, se, err := e.s.UserBySessionToken(t.Context(), sessions[1])
				if err != nil {
					t.Fatal(err)
				}
				if err := e.s.DeleteSession(t.Context(), accounts.Scope{User: alice}, se.ID); err != nil {
					t.Fatal(err)
				}
				return sessions[1:2]
			},
		},
		{
			name: "DeleteOtherSessions closes the others' sockets",
			del: func(t *testing.T, e *mailEnv, alice *accounts.User, sessions []accounts.SessionToken) []accounts.SessionToken {
				if err := e.s.DeleteOtherSessions(t.Context(), accounts.Scope{User: alice}, sessions[0]); err != nil {
					t.Fatal(err)
				}
				return sessions[1:]
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMailEnv(t, accounts.Config{})
			alice := registerConfirmed(t, e, "alice@example.com")
			var sessions []accounts.SessionToken
			for range 3 {
				sessions = append(sessions, newSession(t, e.s, alice))
			}
			deleted := tt.del(t, e, alice, sessions)
			if got, want := e.sockets.take(), socketIDs(deleted...); !slices.Equal(got, want) {
				t.Errorf("disconnected %v, want %v", got, want)
			}
			for _, token := range sessions {
				_, _, err := e.s.UserBySessionToken(t.Context(), token)
				if gone := slices.ContainsFunc(deleted, func(d accounts.SessionToken) bool { return string(d) == string(token) }); gone != (err != nil) {
					t.Errorf("session deleted %v, UserBySessionToken: %v", gone, err)
				}
			}
		})
	}
}

// failingSockets fails every disconnect.
type failingSockets struct{}

func (failingSockets) Disconnect(context.Context, string) error {
	return errors.New("pubsub is down")
}

func TestFailingDisconnectIsLoggedNotReturned(t *testing.T) {
	e := newMailEnv(t, accounts.Config{Sockets: failingSockets{}})
	token := newSession(t, e.s, registerConfirmed(t, e, "alice@example.com"))
	if err := e.s.DeleteSessionToken(t.Context(), token); err != nil {
		t.Errorf("DeleteSessionToken: %v; the session is gone, which is what matters", err)
	}
	if _, _, err := e.s.UserBySessionToken(t.Context(), token); err != accounts.ErrInvalidSession {
		t.Errorf("the session: %v, want ErrInvalidSession", err)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "pubsub is down") {
		t.Errorf("logs: %s", logs)
	}
}
