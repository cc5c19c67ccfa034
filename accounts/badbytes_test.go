package accounts_test

import (
	"errors"
	"testing"

	"github.com/liveapp/liveapp/accounts"
)

// badText are inputs that PostgreSQL refuses as text: every function that takes
// them from a form must answer as it answers any other mistake, never with the
// database's error.
var badText = []struct{ name, email string }{
	{"a NUL byte", "alice\x00@example.com"},
	{"invalid UTF-8", "alice\xff@example.com"},
	{"a truncated sequence", "alice@example.c\xc3"},
}

func TestBadBytesInAnEmailAreAMistakeNotAServerError(t *testing.T) {
	e := newMailEnv(t, accounts.Config{UniformRegistration: true})
	alice := registerConfirmed(t, e, "alice@example.com")
	scope, _ := e.sudo(t, alice)
	for _, tt := range badText {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.s.Authenticate(t.Context(), tt.email, password, client); err != accounts.ErrInvalidCredentials {
				t.Errorf("Authenticate: %v, want ErrInvalidCredentials", err)
			}
			invalidEmail(t, "Register", func() error { _, err := e.s.Register(t.Context(), tt.email, password); return err })
			invalidEmail(t, "SignUp", func() error { return e.s.SignUp(t.Context(), tt.email, client, loginURL) })
			invalidEmail(t, "DeliverLoginInstructions", func() error {
				return e.s.DeliverLoginInstructions(t.Context(), tt.email, client, loginURL)
			})
			invalidEmail(t, "DeliverEmailChangeInstructions", func() error {
				return e.s.DeliverEmailChangeInstructions(t.Context(), scope, tt.email, confirmEmailURL)
			})
		})
	}
}

// invalidEmail asserts that call returns a *ValidationError saying the email is
// not valid text.
func invalidEmail(t *testing.T, name string, call func() error) {
	t.Helper()
	var verr *accounts.ValidationError
	if err := call(); !errors.As(err, &verr) || verr.Fields["email"] != "must be valid text" {
		t.Errorf("%s: %v, want the email to be refused as not valid text", name, err)
	}
}

func TestBadBytesInANewPasswordAreAValidationError(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	scope, _ := e.sudo(t, registerConfirmed(t, e, "alice@example.com"))
	for _, pw := range []string{"correct horse\x00battery", "correct horse \xff battery"} {
		_, err := e.s.UpdatePassword(t.Context(), scope, pw, accounts.SessionMeta{})
		var verr *accounts.ValidationError
		if !errors.As(err, &verr) || verr.Fields["password"] != "must be valid text" {
			t.Errorf("UpdatePassword(%q): %v, want the password to be refused as not valid text", pw, err)
		}
	}
}

func TestASessionKeepsAUserAgentWithBadBytesCleaned(t *testing.T) {
	s, _ := newStore(t, newDB(t), accounts.Config{})
	u := register(t, s, "alice@example.com")
	token, err := s.CreateSessionToken(t.Context(), u, accounts.SessionMeta{UserAgent: "Bad\x00Agent/\xff1.0"})
	if err != nil {
		t.Fatal(err)
	}
	_, se, err := s.UserBySessionToken(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}
	if se.UserAgent != "BadAgent/\uFFFD1.0" {
		t.Errorf("stored User-Agent %q", se.UserAgent)
	}
}
