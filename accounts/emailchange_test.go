package accounts_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liveapp/liveapp/accounts"
)

// currentEmail returns the email and confirmation of user id as stored.
func currentEmail(t *testing.T, e *mailEnv, id int64) (email string, confirmedAt *time.Time) {
	t.Helper()
	if err := e.db.QueryRow(t.Context(), "SELECT email, confirmed_at FROM users WHERE id = $1", id).Scan(&email, &confirmedAt); err != nil {
		t.Fatal(err)
	}
	return email, confirmedAt
}

func TestEmailChange(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	alice, err := e.s.Register(t.Context(), "alice@example.com", "") // unconfirmed
	if err != nil {
		t.Fatal(err)
	}
	scope, session := e.sudo(t, alice)
	if err := e.s.DeliverEmailChangeInstructions(t.Context(), scope, "alice@new.example", confirmEmailURL); err != nil {
		t.Fatal(err)
	}
	if email, _ := currentEmail(t, e, alice.ID); email != "alice@example.com" {
		t.Fatalf("email changed to %s before the link was followed", email)
	}
	msgs := e.mailbox.Messages()
	if len(msgs) != 1 || msgs[0].To != "alice@new.example" || !strings.Contains(msgs[0].Text, "confirm-email/") {
		t.Fatalf("emails: %+v, want one to the new address", msgs)
	}
	token := e.mailedToken(t, "alice@new.example")

	if err := e.s.UpdateEmail(t.Context(), scope, token); err != nil {
		t.Fatal(err)
	}
	email, confirmedAt := currentEmail(t, e, alice.ID)
	if email != "alice@new.example" || confirmedAt == nil {
		t.Errorf("after UpdateEmail: %s, confirmed at %v; want alice@new.example, confirmed", email, confirmedAt)
	}
	if err := e.s.UpdateEmail(t.Context(), scope, token); err != accounts.ErrInvalidToken {
		t.Errorf("second use: %v, want ErrInvalidToken", err)
	}
	if _, _, err := e.s.UserBySessionToken(t.Context(), session); err != nil {
		t.Errorf("session after the email change: %v", err)
	}
	var n int
	if err := e.db.QueryRow(t.Context(), "SELECT count(*) FROM users_tokens WHERE context LIKE 'change:%'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d change tokens left", n)
	}
}

func TestEmailChangeLinkWorksOnlyForItsUserWithin7Days(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, e *mailEnv, alice *accounts.User, token string) accounts.Scope // the scope that follows the link
		want    error
	}{
		{
			name: "a 6-day-old link works",
			prepare: func(t *testing.T, e *mailEnv, alice *accounts.User, token string) accounts.Scope {
				e.clock.Advance(6 * 24 * time.Hour)
				return accounts.Scope{User: alice}
			},
		},
		{
			name: "a 7-day-old link has expired",
			prepare: func(t *testing.T, e *mailEnv, alice *accounts.User, token string) accounts.Scope {
				e.clock.Advance(7 * 24 * time.Hour)
				return accounts.Scope{User: alice}
			},
			want: accounts.ErrInvalidToken,
		},
		{
			name: "another user cannot use it",
			prepare: func(t *testing.T, e *mailEnv, _ *accounts.User, _ string) accounts.Scope {
				bob, _ := e.sudo(t, registerConfirmed(t, e, "bob@example.com"))
				return bob
			},
			want: accounts.ErrInvalidToken,
		},
		{
			name: "it is void once the email changed otherwise",
			prepare: func(t *testing.T, e *mailEnv, alice *accounts.User, _ string) accounts.Scope {
				if _, err := e.db.Exec(t.Context(), "UPDATE users SET email = 'alice@other.example' WHERE id = $1", alice.ID); err != nil {
					t.Fatal(err)
				}
				return accounts.Scope{User: alice}
			},
			want: accounts.ErrInvalidToken,
		},
		{
			name: "a scope without a user is refused",
			prepare: func(*testing.T, *mailEnv, *accounts.User, string) accounts.Scope {
				return accounts.Scope{}
			},
			want: accounts.ErrNoUser,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMailEnv(t, accounts.Config{})
			alice := registerConfirmed(t, e, "alice@example.com")
			scope, _ := e.sudo(t, alice)
			if err := e.s.DeliverEmailChangeInstructions(t.Context(), scope, "alice@new.example", confirmEmailURL); err != nil {
				t.Fatal(err)
			}
			token := e.mailedToken(t, "alice@new.example")
			// Following the link needs no sudo mode: it may come days later.
			follower := tt.prepare(t, e, alice, token)
			if err := e.s.UpdateEmail(t.Context(), follower, token); err != tt.want {
				t.Fatalf("UpdateEmail: %v, want %v", err, tt.want)
			}
			email, _ := currentEmail(t, e, alice.ID)
			if changed := email == "alice@new.example"; changed != (tt.want == nil) {
				t.Errorf("email %s after UpdateEmail: %v", email, tt.want)
			}
		})
	}
}

func TestEmailChangeNeedsSudoMode(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	alice := registerConfirmed(t, e, "alice@example.com")
	for _, scope := range []accounts.Scope{
		{User: alice},
		{User: alice, AuthenticatedAt: e.clock.Now().Add(-11 * time.Minute)},
	} {
		err := e.s.DeliverEmailChangeInstructions(t.Context(), scope, "alice@new.example", confirmEmailURL)
		if !errors.Is(err, accounts.ErrSudoRequired) {
			t.Errorf("authenticated at %v: %v, want ErrSudoRequired", scope.AuthenticatedAt, err)
		}
	}
	if err := e.s.DeliverEmailChangeInstructions(t.Context(), accounts.Scope{}, "alice@new.example", confirmEmailURL); err != accounts.ErrNoUser {
		t.Errorf("without a user: %v, want ErrNoUser", err)
	}
	if n := len(e.mailbox.Messages()); n != 0 {
		t.Errorf("%d emails sent outside sudo mode", n)
	}
}

func TestEmailChangeValidatesTheNewAddress(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	alice := registerConfirmed(t, e, "alice@example.com")
	registerConfirmed(t, e, "bob@example.com")
	scope, _ := e.sudo(t, alice)
	for _, tt := range []struct{ email, msg string }{
		{"ALICE@example.com", "did not change"},
		{"alice at example.com", "must have the @ sign and no spaces"},
		{"", "can't be blank"},
	} {
		err := e.s.DeliverEmailChangeInstructions(t.Context(), scope, tt.email, confirmEmailURL)
		var verr *accounts.ValidationError
		if !errors.As(err, &verr) || verr.Fields["email"] != tt.msg {
			t.Errorf("%q: %v, want email %s", tt.email, err, tt.msg)
		}
	}

	// A taken address is accepted here, so the form does not tell who has an
	// account, and refused when the link is followed.
	if err := e.s.DeliverEmailChangeInstructions(t.Context(), scope, "Bob@example.com", confirmEmailURL); err != nil {
		t.Fatal(err)
	}
	err := e.s.UpdateEmail(t.Context(), scope, e.mailedToken(t, "bob@example.com"))
	var verr *accounts.ValidationError
	if !errors.As(err, &verr) || verr.Fields["email"] != "has already been taken" {
		t.Errorf("UpdateEmail to a taken address: %v, want email has already been taken", err)
	}
	if email, _ := currentEmail(t, e, alice.ID); email != "alice@example.com" {
		t.Errorf("email %s after a refused change", email)
	}
}
