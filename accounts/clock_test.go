package accounts_test

import (
	"testing"
	"time"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/internal/fakeclock"
)

func TestTheStoreTakesEveryTimeFromOneClock(t *testing.T) {
	tests := []struct {
		name string
		now  func() time.Time // Config.Now
	}{
		{"without Now, the database's clock", nil},
		{"with Now, Now's clock", fakeclock.New().Now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newDB(t)
			s, err := accounts.New(db, accounts.Config{Hash: cheap, Now: tt.now})
			if err != nil {
				t.Fatal(err)
			}
			// The database's clock, read before and after, bounds its times;
			// a fake clock stands still.
			clock := func() (at time.Time) {
				if tt.now != nil {
					return tt.now()
				}
				if err := db.QueryRow(t.Context(), "SELECT now()").Scan(&at); err != nil {
					t.Fatal(err)
				}
				return at
			}
			before := clock()
			alice := register(t, s, "alice@example.com")
			if _, err := s.Authenticate(t.Context(), "alice@example.com", "wrong horse battery staple", clientIP); err != accounts.ErrInvalidCredentials {
				t.Fatalf("Authenticate: %v", err)
			}
			token := newSession(t, s, alice)
			after := clock()

			var off []string
			err = db.QueryRow(t.Context(), `SELECT array_remove(array[
				CASE WHEN u.inserted_at NOT BETWEEN $1 AND $2 THEN 'users.inserted_at' END,
				CASE WHEN u.updated_at NOT BETWEEN $1 AND $2 THEN 'users.updated_at' END,
				CASE WHEN t.created_at NOT BETWEEN $1 AND $2 THEN 'users_tokens.created_at' END,
				CASE WHEN t.authenticated_at NOT BETWEEN $1 AND $2 THEN 'users_tokens.authenticated_at' END,
				CASE WHEN t.last_seen_at NOT BETWEEN $1 AND $2 THEN 'users_tokens.last_seen_at' END,
				CASE WHEN EXISTS (SELECT FROM rate_limits WHERE window_ends_at
					NOT BETWEEN $1::timestamptz + interval '3 minutes' AND $2::timestamptz + interval '1 hour')
					THEN 'rate_limits.window_ends_at' END], NULL)
				FROM users u JOIN users_tokens t ON t.user_id = u.id`, before, after).Scan(&off)
			if err != nil {
				t.Fatal(err)
			}
			if len(off) > 0 {
				t.Errorf("times not taken from the clock (between %v and %v): %v", before, after, off)
			}

			// Expiry is compared with the same clock.
			age(t, db, token, 15*24*time.Hour)
			if _, _, err := s.UserBySessionToken(t.Context(), token); err != accounts.ErrInvalidSession {
				t.Errorf("a session created 15 days before now: %v, want ErrInvalidSession", err)
			}
		})
	}
}
