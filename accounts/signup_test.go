package accounts_test

import (
	"errors"
	"testing"

	"github.com/liveapp/liveapp/accounts"
)

func TestSignUpCreatesAPasswordlessAccountConfirmedByItsLink(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	if err := e.s.SignUp(t.Context(), "alice@example.com", client, loginURL); err != nil {
		t.Fatal(err)
	}
	if h := storedHashOrNull(t, e, userID(t, e, "alice@example.com")); h != nil {
		t.Error("sign-up stored a password")
	}
	u, _, err := e.s.LogInByMagicLink(t.Context(), e.mailedToken(t, "alice@example.com"), accounts.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if u.ConfirmedAt == nil {
		t.Error("the sign-up link did not confirm the address")
	}

	var verr *accounts.ValidationError
	if err := e.s.SignUp(t.Context(), "ALICE@example.com", client, loginURL); !errors.As(err, &verr) || verr.Fields["email"] == "" {
		t.Errorf("sign-up of a taken email: %v, want a *ValidationError on email", err)
	}
	if err := e.s.SignUp(t.Context(), "nope", client, loginURL); !errors.As(err, &verr) {
		t.Errorf("sign-up of a malformed email: %v, want a *ValidationError", err)
	}
}

func TestUniformSignUpAnswersAlikeForTakenEmails(t *testing.T) {
	e := newMailEnv(t, accounts.Config{UniformRegistration: true})
	registerConfirmed(t, e, "alice@example.com")
	taken := e.s.SignUp(t.Context(), "alice@example.com", client, loginURL)
	fresh := e.s.SignUp(t.Context(), "bob@example.com", client, loginURL)
	if taken != nil || fresh != nil {
		t.Fatalf("taken email: %v, new email: %v; want nil for both", taken, fresh)
	}
	// Both addresses get a working login link; nothing else changed for alice.
	for _, email := range []string{"alice@example.com", "bob@example.com"} {
		if _, _, err := e.s.LogInByMagicLink(t.Context(), e.mailedToken(t, email), accounts.SessionMeta{}); err != nil {
			t.Errorf("%s: the link does not log in: %v", email, err)
		}
	}
	var n int
	if err := e.db.QueryRow(t.Context(), "SELECT count(*) FROM users").Scan(&n); err != nil || n != 2 {
		t.Errorf("%d users (%v), want 2", n, err)
	}
	var verr *accounts.ValidationError
	if err := e.s.SignUp(t.Context(), "not an email", client, loginURL); !errors.As(err, &verr) {
		t.Errorf("malformed email in uniform mode: %v, want a *ValidationError", err)
	}
}

// userID returns the id of the account with email.
func userID(t *testing.T, e *mailEnv, email string) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(t.Context(), "SELECT id FROM users WHERE email = $1", email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
