package accounts_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/accounts"
)

func TestRegisterValidatesEmailAndPassword(t *testing.T) {
	long := strings.Repeat("a", 150) + "@example.com" // 162 characters
	tests := []struct {
		name     string
		email    string
		password string
		invalid  map[string]string // nil: registration succeeds
	}{
		{"accepts a plain address and a long passphrase", "alice@example.com", password, nil},
		{"accepts a password of exactly 12 characters", "a@example.com", "123456789012", nil},
		{"accepts a 64-character password", "b@example.com", strings.Repeat("p", 64), nil},
		{"accepts a password of MaxPasswordLength bytes", "c@example.com", strings.Repeat("p", accounts.MaxPasswordLength), nil},
		{"counts password length in characters, not bytes", "d@example.com", strings.Repeat("é", 12), nil},
		{"refuses a blank email", "", password, map[string]string{"email": "can't be blank"}},
		{"refuses an email without @", "alice.example.com", password, map[string]string{"email": "must have the @ sign and no spaces"}},
		{"refuses an email with a space", "alice @example.com", password, map[string]string{"email": "must have the @ sign and no spaces"}},
		{"refuses an email longer than 160 characters", long, password, map[string]string{"email": "should be at most 160 characters"}},
		{"accepts no password: the account logs in by magic link only", "e@example.com", "", nil},
		{"without a password still validates the email", "nope", "", map[string]string{"email": "must have the @ sign and no spaces"}},
		{"refuses an 11-character password", "f@example.com", "12345678901", map[string]string{"password": "should be at least 12 characters"}},
		{"refuses a password over MaxPasswordLength bytes", "g@example.com", strings.Repeat("p", accounts.MaxPasswordLength+1), map[string]string{"password": "should be at most 1024 bytes"}},
		{"refuses a NUL byte in the email", "alice\x00@example.com", password, map[string]string{"email": "must be valid text"}},
		{"refuses invalid UTF-8 in the email", "alic\xe9@example.com", password, map[string]string{"email": "must be valid text"}},
		{"refuses a NUL byte in the password", "h@example.com", "correct horse\x00battery", map[string]string{"password": "must be valid text"}},
		{"refuses invalid UTF-8 in the password", "i@example.com", "correct horse \xff battery", map[string]string{"password": "must be valid text"}},
		{"reports every invalid field at once", "nope", "short", map[string]string{
			"email": "must have the @ sign and no spaces", "password": "should be at least 12 characters"}},
	}
	s, _ := newStore(t, newDB(t), accounts.Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := s.Register(t.Context(), tt.email, tt.password)
			if tt.invalid == nil {
				if err != nil {
					t.Fatalf("Register: %v", err)
				}
				if u.ID == 0 || u.Email != tt.email || u.ConfirmedAt != nil {
					t.Errorf("user %#v", u)
				}
				return
			}
			var verr *accounts.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Register: %v, want a *ValidationError", err)
			}
			if len(verr.Fields) != len(tt.invalid) {
				t.Errorf("fields %v, want %v", verr.Fields, tt.invalid)
			}
			for field, msg := range tt.invalid {
				if verr.Fields[field] != msg {
					t.Errorf("%s: %q, want %q", field, verr.Fields[field], msg)
				}
			}
		})
	}
}

func TestRegisterRefusesTakenEmailWhateverItsCase(t *testing.T) {
	db := newDB(t)
	s, _ := newStore(t, db, accounts.Config{})
	register(t, s, "Alice@Example.com")
	for _, email := range []string{"Alice@Example.com", "alice@example.com", "ALICE@EXAMPLE.COM"} {
		_, err := s.Register(t.Context(), email, password)
		var verr *accounts.ValidationError
		if !errors.As(err, &verr) || verr.Fields["email"] != "has already been taken" {
			t.Errorf("Register(%q): %v, want email has already been taken", email, err)
		}
	}
	var n int
	if err := db.QueryRow(t.Context(), "SELECT count(*) FROM users").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d users, want 1", n)
	}
}
