package accounts

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/internal/fakeclock"
	"github.com/liveapp/liveapp/migrations"
	"github.com/liveapp/liveapp/pgtest"
)

// These tests drive limitAttempt directly, as the magic-link requests do; the
// tests of Authenticate (authenticate_test.go) cover logins.

// limitedStore returns a Store over a fresh database with the default rate
// limits, the database, and the Store's clock, which moves only when the test
// advances it.
func limitedStore(t *testing.T) (*Store, *pgxpool.Pool, *fakeclock.Clock) {
	t.Helper()
	db := pgtest.New(t, pgtest.WithTemplate("accounts", func(ctx context.Context, conn *pgx.Conn) error {
		return migrations.Apply(ctx, conn)
	}))
	clock := fakeclock.New()
	s, err := New(db, Config{
		Hash: HashParams{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32},
		Now:  clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, db, clock
}

// allowed makes n attempts and reports how many were allowed, failing the
// test on any error but ErrTooManyAttempts.
func allowed(t *testing.T, s *Store, n int, kind string, ip netip.Addr, email string) int {
	t.Helper()
	ok := 0
	for range n {
		switch err := s.limitAttempt(t.Context(), kind, ip, email); err {
		case nil:
			ok++
		case ErrTooManyAttempts:
		default:
			t.Fatal(err)
		}
	}
	return ok
}

func TestMagicLinkRequestsHaveLimitsOfTheirOwn(t *testing.T) {
	s, _, _ := limitedStore(t)
	ip := netip.MustParseAddr("192.0.2.1")
	if n := allowed(t, s, 12, kindMagicLink, ip, "alice@example.com"); n != 10 {
		t.Errorf("%d of 12 magic-link requests allowed, want 10", n)
	}
	if n := allowed(t, s, 1, kindLogin, ip, "alice@example.com"); n != 1 {
		t.Error("a login was refused after magic-link requests only")
	}
	for i := range 88 {
		allowed(t, s, 1, kindMagicLink, ip, strings.Repeat("x", i)+"@example.com")
	}
	if n := allowed(t, s, 1, kindMagicLink, ip, "bob@example.com"); n != 0 {
		t.Error("the 101st magic-link request from one address was allowed")
	}
}

func TestAddressesAreCountedByWhatIdentifiesAClient(t *testing.T) {
	tests := []struct {
		name       string
		first, and string
		shared     bool
	}{
		{"an IPv6 /64 is one client", "2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true},
		{"another /64 is another client", "2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"an IPv4-mapped address is the IPv4 address", "::ffff:192.0.2.1", "192.0.2.1", true},
		{"IPv4 addresses are counted one by one", "192.0.2.1", "192.0.2.2", false},
		{"the zone of an address does not matter", "fe80::1%eth0", "fe80::1%eth1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := limitedStore(t)
			allowed(t, s, 10, kindLogin, netip.MustParseAddr(tt.first), "alice@example.com")
			n := allowed(t, s, 1, kindLogin, netip.MustParseAddr(tt.and), "alice@example.com")
			if shared := n == 0; shared != tt.shared {
				t.Errorf("%s after %s's allowance: allowed %d, want the counter shared: %v", tt.and, tt.first, n, tt.shared)
			}
		})
	}
}

func TestALimitCanBeTurnedOff(t *testing.T) {
	s, _, _ := limitedStore(t)
	s.config.RateLimits.PerIPAndEmail.Max = -1
	if n := allowed(t, s, 30, kindLogin, netip.MustParseAddr("192.0.2.1"), "alice@example.com"); n != 30 {
		t.Errorf("%d of 30 allowed with PerIPAndEmail off, want all", n)
	}
}

func TestCountersKeepNoEmailInClear(t *testing.T) {
	s, db, _ := limitedStore(t)
	allowed(t, s, 1, kindLogin, netip.MustParseAddr("192.0.2.1"), "Hunter2-typed-in-the-email-field")
	var leaks int
	err := db.QueryRow(t.Context(), `SELECT count(*) FROM rate_limits
		WHERE name ILIKE '%hunter2%' OR position(convert_to('hunter2', 'UTF8') IN bucket) > 0`).Scan(&leaks)
	if err != nil || leaks != 0 {
		t.Errorf("%d rows hold the email (%v)", leaks, err)
	}
}

func TestPruningDeletesOnlyEndedWindows(t *testing.T) {
	s, db, clock := limitedStore(t)
	ip := netip.MustParseAddr("192.0.2.1")
	allowed(t, s, 1, kindLogin, ip, "ended@example.com") // two rows: per address and email, per address
	clock.Advance(defaultPerIPAndEmail.Window)           // both windows end
	allowed(t, s, 1, kindLogin, ip, "live@example.com")  // one new row, and the ended per-address one reopened
	s.pruneRateLimits(t.Context())
	var names []string
	rows, _ := db.Query(t.Context(), "SELECT name FROM rate_limits WHERE window_ends_at > $1 ORDER BY name", clock.Now())
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var total int
	if err := db.QueryRow(t.Context(), "SELECT count(*) FROM rate_limits").Scan(&total); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, ", "); got != "login per IP, login per IP and email" || total != 2 {
		t.Errorf("after pruning: %d rows, live ones %q; want only the 2 live ones", total, got)
	}
}

func TestARefundedFailureDoesNotReachIntoTheNextWindow(t *testing.T) {
	s, _, clock := limitedStore(t)
	s.config.RateLimits.FailedLoginsPerEmail = Limit{Max: 1, Window: time.Hour}
	refund, err := s.reserveFailedLogin(t.Context(), "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if _, err := s.reserveFailedLogin(t.Context(), "alice@example.com"); err != nil { // opens a new window
		t.Fatal(err)
	}
	refund() // belongs to the ended window: must not undo the new one's failure
	if _, err := s.reserveFailedLogin(t.Context(), "alice@example.com"); err != ErrTooManyAttempts {
		t.Errorf("second failure in the new window: %v, want ErrTooManyAttempts", err)
	}
}
