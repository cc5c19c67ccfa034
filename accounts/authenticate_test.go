package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/internal/fakeclock"
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
			u, err := s.Authenticate(t.Context(), tt.email, tt.password, clientIP)
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
	_, err := s.Authenticate(t.Context(), "alice@example.com", strings.Repeat("p", accounts.MaxPasswordLength+1), clientIP)
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
	if _, err := strong.Authenticate(t.Context(), "alice@example.com", password, clientIP); err != nil {
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
	if _, err := strong.Authenticate(t.Context(), "alice@example.com", password, clientIP); err != nil {
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
	if _, err := weak.Authenticate(t.Context(), "alice@example.com", password, clientIP); err != nil {
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
		_, err := s.Authenticate(t.Context(), "alice@example.com", password, clientIP)
		done <- err
	}()
	<-entered // the only slot is taken

	start := time.Now()
	_, err := s.Authenticate(t.Context(), "bob@example.com", password, clientIP)
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

// clientIP is the address tests log in from unless they say otherwise.
var clientIP = netip.MustParseAddr("192.0.2.1")

// address returns the i-th of many distinct IPv4 addresses, for attempts that
// must not share a per-address counter.
func address(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}) }

// attempt logs in and checks the error and the number of hashes it cost.
func attempt(t *testing.T, s *accounts.Store, hashes *atomic.Int64, email, pw string, ip netip.Addr, wantErr error, wantHashes int64) {
	t.Helper()
	hashes.Store(0)
	_, err := s.Authenticate(t.Context(), email, pw, ip)
	if err != wantErr {
		t.Fatalf("Authenticate(%s from %v): %v, want %v", email, ip, err, wantErr)
	}
	if n := hashes.Load(); n != wantHashes {
		t.Fatalf("Authenticate(%s from %v): %d hashes, want %d", email, ip, n, wantHashes)
	}
}

const wrong = "wrong horse battery staple"

func TestLoginsPerAddressAndEmailAreLimited(t *testing.T) {
	clock := fakeclock.New()
	s, hashes := newStore(t, newDB(t), accounts.Config{Now: clock.Now}) // the default limits
	register(t, s, "alice@example.com")
	for range 10 {
		attempt(t, s, hashes, "alice@example.com", wrong, clientIP, accounts.ErrInvalidCredentials, 1)
	}

	t.Run("the eleventh is refused without hashing, even with the right password", func(t *testing.T) {
		attempt(t, s, hashes, "alice@example.com", password, clientIP, accounts.ErrTooManyAttempts, 0)
	})
	t.Run("the email is counted case-insensitively", func(t *testing.T) {
		attempt(t, s, hashes, "ALICE@Example.com", password, clientIP, accounts.ErrTooManyAttempts, 0)
	})
	t.Run("another address may still log in to the account", func(t *testing.T) {
		attempt(t, s, hashes, "alice@example.com", password, address(1), nil, 1)
	})
	t.Run("the address may still try another email", func(t *testing.T) {
		attempt(t, s, hashes, "bob@example.com", wrong, clientIP, accounts.ErrInvalidCredentials, 1)
	})
	t.Run("the limit holds until its window ends", func(t *testing.T) {
		clock.Advance(3*time.Minute - time.Microsecond)
		attempt(t, s, hashes, "alice@example.com", password, clientIP, accounts.ErrTooManyAttempts, 0)
	})
	t.Run("a new window starts over", func(t *testing.T) {
		clock.Advance(time.Microsecond)
		attempt(t, s, hashes, "alice@example.com", password, clientIP, nil, 1)
		for range 9 {
			attempt(t, s, hashes, "alice@example.com", wrong, clientIP, accounts.ErrInvalidCredentials, 1)
		}
		attempt(t, s, hashes, "alice@example.com", password, clientIP, accounts.ErrTooManyAttempts, 0)
	})
}

func TestLoginsPerAddressAreLimitedAcrossEmails(t *testing.T) {
	clock := fakeclock.New()
	s, hashes := newStore(t, newDB(t), accounts.Config{Now: clock.Now})
	register(t, s, "alice@example.com")
	for i := range 100 {
		attempt(t, s, hashes, fmt.Sprintf("user%d@example.com", i), wrong, clientIP, accounts.ErrInvalidCredentials, 1)
	}
	attempt(t, s, hashes, "alice@example.com", password, clientIP, accounts.ErrTooManyAttempts, 0)
	attempt(t, s, hashes, "alice@example.com", password, address(1), nil, 1)
	clock.Advance(3 * time.Minute)
	attempt(t, s, hashes, "alice@example.com", password, clientIP, nil, 1)
}

func TestFailedLoginsPerEmailAreLimitedAcrossAddresses(t *testing.T) {
	// The same sequence for a registered and an unknown email gives the same
	// answers, so the limit does not tell whether an account exists.
	for _, email := range []string{"alice@example.com", "nobody@example.com"} {
		t.Run(email, func(t *testing.T) {
			clock := fakeclock.New()
			s, hashes := newStore(t, newDB(t), accounts.Config{Now: clock.Now})
			register(t, s, "alice@example.com")
			for i := range 100 { // 10 addresses, each within its own limits
				attempt(t, s, hashes, email, wrong, address(i/10), accounts.ErrInvalidCredentials, 1)
			}
			attempt(t, s, hashes, email, password, address(100), accounts.ErrTooManyAttempts, 0)
			attempt(t, s, hashes, "bob@example.com", wrong, address(100), accounts.ErrInvalidCredentials, 1)

			clock.Advance(time.Hour - time.Microsecond)
			attempt(t, s, hashes, email, password, address(101), accounts.ErrTooManyAttempts, 0)
			clock.Advance(time.Microsecond)
			want := accounts.ErrInvalidCredentials
			if email == "alice@example.com" {
				want = nil
			}
			attempt(t, s, hashes, email, password, address(101), want, 1)
		})
	}
}

func TestSuccessfulLoginsAreNotCountedAsFailures(t *testing.T) {
	s, hashes := newStore(t, newDB(t), accounts.Config{
		RateLimits: accounts.RateLimits{FailedLoginsPerEmail: accounts.Limit{Max: 3, Window: time.Hour}},
	})
	register(t, s, "alice@example.com")
	attempt(t, s, hashes, "alice@example.com", wrong, address(1), accounts.ErrInvalidCredentials, 1)
	attempt(t, s, hashes, "alice@example.com", wrong, address(2), accounts.ErrInvalidCredentials, 1)
	for range 5 {
		attempt(t, s, hashes, "alice@example.com", password, clientIP, nil, 1)
	}
	attempt(t, s, hashes, "alice@example.com", wrong, address(3), accounts.ErrInvalidCredentials, 1)
	attempt(t, s, hashes, "alice@example.com", password, clientIP, accounts.ErrTooManyAttempts, 0)
}

func TestLoginIsNotBlockedByOtherAddressesBelowTheLimits(t *testing.T) {
	s, hashes := newStore(t, newDB(t), accounts.Config{})
	register(t, s, "alice@example.com")
	// 90 failures for alice from 9 addresses, each of which also spends its
	// per-address allowance on other emails.
	for a := 1; a <= 9; a++ {
		for range 10 {
			attempt(t, s, hashes, "alice@example.com", wrong, address(a), accounts.ErrInvalidCredentials, 1)
		}
		for i := range 90 {
			attempt(t, s, hashes, fmt.Sprintf("user%d@example.com", i), wrong, address(a), accounts.ErrInvalidCredentials, 1)
		}
		attempt(t, s, hashes, "carol@example.com", wrong, address(a), accounts.ErrTooManyAttempts, 0)
	}
	attempt(t, s, hashes, "alice@example.com", password, clientIP, nil, 1)
}

func TestConcurrentGuessesCannotOvershootTheFailedLoginLimit(t *testing.T) {
	const guesses = 60
	s, hashes := newStore(t, newDB(t), accounts.Config{
		// A slot for every guess: none waits for one, so none can get ErrBusy
		// however slow the machine, and every guess under the limit is checked.
		HashConcurrency: guesses,
		RateLimits:      accounts.RateLimits{FailedLoginsPerEmail: accounts.Limit{Max: 10, Window: time.Hour}},
	})
	register(t, s, "alice@example.com")
	hashes.Store(0)
	errs := make([]error, guesses)
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Go(func() { _, errs[i] = s.Authenticate(t.Context(), "alice@example.com", wrong, address(i)) })
	}
	wg.Wait()
	count := map[error]int{}
	for _, err := range errs {
		count[err]++
	}
	if count[accounts.ErrInvalidCredentials] != 10 || count[accounts.ErrTooManyAttempts] != guesses-10 {
		t.Errorf("answers %v, want 10 ErrInvalidCredentials and %d ErrTooManyAttempts", count, guesses-10)
	}
	if n := hashes.Load(); n != 10 {
		t.Errorf("%d hashes, want 10", n)
	}
}

func TestDisabledRateLimitsCountNothing(t *testing.T) {
	db := newDB(t)
	s, hashes := newStore(t, db, accounts.Config{RateLimits: accounts.RateLimits{Disabled: true}})
	register(t, s, "alice@example.com")
	for range 120 {
		attempt(t, s, hashes, "alice@example.com", wrong, clientIP, accounts.ErrInvalidCredentials, 1)
	}
	var rows int
	if err := db.QueryRow(t.Context(), "SELECT count(*) FROM rate_limits").Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d rate-limit rows (%v), want none", rows, err)
	}
}

func TestNewRefusesARateLimitWithoutWindow(t *testing.T) {
	for _, rl := range []accounts.RateLimits{
		{PerIP: accounts.Limit{Max: 5}},
		{PerIPAndEmail: accounts.Limit{Max: 5, Window: -time.Minute}},
	} {
		if _, err := accounts.New(nil, accounts.Config{Hash: cheap, RateLimits: rl}); err == nil {
			t.Errorf("New accepted %+v", rl)
		}
	}
	off := accounts.RateLimits{PerIP: accounts.Limit{Max: -1}}
	if _, err := accounts.New(nil, accounts.Config{Hash: cheap, RateLimits: off}); err != nil {
		t.Errorf("New refused a limit turned off: %v", err)
	}
}
