package accounts_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/internal/fakeclock"
	"github.com/liveapp/liveapp/migrations"
	"github.com/liveapp/liveapp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// cheap are argon2id parameters that keep tests fast; never use them in
// production.
var cheap = accounts.HashParams{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func migrate(ctx context.Context, conn *pgx.Conn) error { return migrations.Apply(ctx, conn) }

// newDB returns a fresh database with the accounts schema.
func newDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	return pgtest.New(t, pgtest.WithTemplate("accounts", migrate))
}

// newStore returns a Store over db with config, using cheap hash parameters
// unless config sets others, and a counter of the hashes it computes. Unless
// config sets Now, the Store's clock stands still at fakeclock.Start: no test
// depends on how long it takes to run, and one that needs time to pass sets a
// fakeclock.Clock of its own and advances it.
func newStore(t *testing.T, db *pgxpool.Pool, config accounts.Config) (*accounts.Store, *atomic.Int64) {
	t.Helper()
	if config.Hash == (accounts.HashParams{}) {
		config.Hash = cheap
	}
	if config.Now == nil {
		config.Now = fakeclock.New().Now
	}
	hashes := new(atomic.Int64)
	if config.OnHash == nil {
		config.OnHash = func() { hashes.Add(1) }
	}
	s, err := accounts.New(db, config)
	if err != nil {
		t.Fatal(err)
	}
	return s, hashes
}

const password = "correct horse battery staple"

func register(t *testing.T, s *accounts.Store, email string) *accounts.User {
	t.Helper()
	u, err := s.Register(t.Context(), email, password)
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	return u
}

// storedHash returns the hashed_password column of user id.
func storedHash(t *testing.T, db *pgxpool.Pool, id int64) string {
	t.Helper()
	var h string
	if err := db.QueryRow(t.Context(), "SELECT hashed_password FROM users WHERE id = $1", id).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestNewRefusesInvalidHashParams(t *testing.T) {
	bad := cheap
	bad.Iterations = 0
	if _, err := accounts.New(nil, accounts.Config{Hash: bad}); err == nil {
		t.Error("New accepted zero iterations")
	}
}

func TestZeroConfigHashesAtOWASPMinimum(t *testing.T) {
	db := newDB(t)
	s, err := accounts.New(db, accounts.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if s.HashParams() != accounts.DefaultHashParams {
		t.Errorf("HashParams() = %+v, want the defaults", s.HashParams())
	}
	u := register(t, s, "alice@example.com")
	if h := storedHash(t, db, u.ID); !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash with the default config: %s", h)
	}
	if _, err := s.Authenticate(t.Context(), "alice@example.com", password, clientIP); err != nil {
		t.Error(err)
	}
}
