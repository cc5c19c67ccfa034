package accounts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liveapp/liveapp/accounts"
)

func TestAuthenticatePerformsExactlyOneHash(t *testing.T) {
	tests := []struct {
		name     string
		email    string
		password string
		wantErr  error
	}{
		{"right password logs in", "alice@example.com", password, nil},
		{"email is matched case-insensitively", "ALICE@example.com", password, nil},
		{"wrong password is refused", "alice@example.com", "wrong horse battery staple", accounts.ErrInvalidCredentials},
		{"unknown email is refused the same way", "bob@example.com", password, accounts.ErrInvalidCredentials},
	}
	s, hashes := newStore(t, newDB(t), accounts.Config{})
	alice := register(t, s, "alice@example.com")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hashes.Store(0)
			u, err := s.Authenticate(t.Context(), tt.email, tt.password)
			if err != tt.wantErr { // the very same value: nothing tells the cases apart
				t.Fatalf("Authenticate: %v, want %v", err, tt.wantErr)
			}
			if err == nil && u.ID != alice.ID {
				t.Errorf("user %v, want %v", u, alice)
			}
			if err != nil && u != nil {
				t.Errorf("user %v with error %v", u, err)
			}
			if n := hashes.Load(); n != 1 {
				t.Errorf("%d hashes, want 1", n)
			}
		})
	}
}

func TestAuthenticateRefusesOversizedPasswordWithoutHashing(t *testing.T) {
	s, hashes := newStore(t, newDB(t), accounts.Config{})
	register(t, s, "alice@example.com")
	hashes.Store(0)
	_, err := s.Authenticate(t.Context(), "alice@example.com", strings.Repeat("p", accounts.MaxPasswordLength+1))
	if err != accounts.ErrInvalidCredentials {
		t.Errorf("Authenticate: %v, want ErrInvalidCredentials", err)
	}
	if n := hashes.Load(); n != 0 {
		t.Errorf("%d hashes, want 0", n)
	}
}

func TestAuthenticateUpgradesWeakHash(t *testing.T) {
	db := newDB(t)
	weak, _ := newStore(t, db, accounts.Config{})
	alice := register(t, weak, "alice@example.com")
	before := storedHash(t, db, alice.ID)
	if !strings.Contains(before, "$m=64,t=1,p=1$") {
		t.Fatalf("hash made with cheap params: %s", before)
	}

	stronger := cheap
	stronger.Memory, stronger.Iterations = 128, 2
	strong, hashes := newStore(t, db, accounts.Config{Hash: stronger})
	if _, err := strong.Authenticate(t.Context(), "alice@example.com", password); err != nil {
		t.Fatal(err)
	}
	after := storedHash(t, db, alice.ID)
	if !strings.Contains(after, "$m=128,t=2,p=1$") {
		t.Errorf("hash after login with stronger params: %s", after)
	}
	if n := hashes.Load(); n != 2 {
		t.Errorf("%d hashes, want 2 (check, then rehash)", n)
	}

	// The upgraded hash still works, and needs no further rehash.
	hashes.Store(0)
	if _, err := strong.Authenticate(t.Context(), "alice@example.com", password); err != nil {
		t.Fatal(err)
	}
	if n := hashes.Load(); n != 1 {
		t.Errorf("%d hashes on the next login, want 1", n)
	}
	if h := storedHash(t, db, alice.ID); h != after {
		t.Errorf("hash changed again: %s", h)
	}
}

func TestAuthenticateDoesNotDowngradeStrongerHash(t *testing.T) {
	db := newDB(t)
	stronger := cheap
	stronger.Memory = 128
	strong, _ := newStore(t, db, accounts.Config{Hash: stronger})
	alice := register(t, strong, "alice@example.com")
	before := storedHash(t, db, alice.ID)

	weak, _ := newStore(t, db, accounts.Config{})
	if _, err := weak.Authenticate(t.Context(), "alice@example.com", password); err != nil {
		t.Fatal(err)
	}
	if h := storedHash(t, db, alice.ID); h != before {
		t.Errorf("hash rewritten with weaker params: %s", h)
	}
}

func TestHashingReturnsErrBusyWhenSaturated(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	first := true // OnHash runs holding the only slot: no data race
	s, _ := newStore(t, newDB(t), accounts.Config{
		HashConcurrency: 1,
		HashWait:        20 * time.Millisecond,
		OnHash: func() {
			if first {
				first = false
				close(entered)
				<-release
			}
		},
	})
	done := make(chan error, 1)
	go func() {
		_, err := s.Authenticate(t.Context(), "alice@example.com", password)
		done <- err
	}()
	<-entered // the only slot is taken

	start := time.Now()
	_, err := s.Authenticate(t.Context(), "bob@example.com", password)
	if !errors.Is(err, accounts.ErrBusy) {
		t.Errorf("Authenticate while saturated: %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited < 20*time.Millisecond {
		t.Errorf("gave up after %v, want at least HashWait", waited)
	}
	_, err = s.Register(t.Context(), "carol@example.com", password)
	if !errors.Is(err, accounts.ErrBusy) {
		t.Errorf("Register while saturated: %v, want ErrBusy", err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = s.Register(ctx, "dave@example.com", password)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Register with a cancelled context while saturated: %v, want context.Canceled", err)
	}

	close(release)
	if err := <-done; err != accounts.ErrInvalidCredentials {
		t.Errorf("blocked Authenticate: %v, want ErrInvalidCredentials", err)
	}
	if _, err := s.Register(t.Context(), "carol@example.com", password); err != nil {
		t.Errorf("Register once a slot is free: %v", err)
	}
}
