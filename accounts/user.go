package accounts

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// User is an account. It deliberately holds no password hash, and its String,
// GoString, Format and LogValue methods print only its ID and email, so that
// neither %v, %+v, %#v nor a structured logger can leak secrets added later.
type User struct {
	ID          int64
	Email       string
	ConfirmedAt *time.Time // nil until the email address is confirmed
	InsertedAt  time.Time
	UpdatedAt   time.Time
}

// uColumns are userColumns of the table users aliased u, for joins.
const uColumns = "u.id, u.email, u.confirmed_at, u.inserted_at, u.updated_at"

// String returns "User{ID: 1, Email: "alice@example.com"}".
func (u User) String() string {
	return fmt.Sprintf("User{ID: %d, Email: %q}", u.ID, u.Email)
}

// GoString returns the same text as String, for %#v.
func (u User) GoString() string {
	return "accounts." + u.String()
}

// Format prints u with String for every verb (GoString for %#v), so that no
// verb or flag reaches the fields through reflection.
func (u User) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, u.GoString())
		return
	}
	fmt.Fprint(f, u.String())
}

// LogValue logs u as its ID and email only.
func (u User) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("id", u.ID), slog.String("email", u.Email))
}

// Scope is the identity on whose behalf an operation runs. Functions that act
// for a user take it explicitly, so authorization cannot be forgotten.
type Scope struct {
	User *User
	// AuthenticatedAt is when the user last proved who they are (by
	// password or magic link) in the session the scope comes from: the
	// session's AuthenticatedAt. Store.InSudoMode reads it; zero means never.
	AuthenticatedAt time.Time
}

// UserID returns the ID of s's user, or 0 when s has no user.
func (s Scope) UserID() int64 {
	if s.User == nil {
		return 0
	}
	return s.User.ID
}

// ErrNoUser is returned by functions given a Scope without a user.
var ErrNoUser = errors.New("accounts: scope has no user")
