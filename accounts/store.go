package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/netip"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/fieldtext"
)

// ErrInvalidCredentials is returned by Authenticate for an unknown email and
// for a wrong password alike, so that a login form cannot tell which.
var ErrInvalidCredentials = errors.New("accounts: invalid email or password")

// Store holds accounts in PostgreSQL (the schema of package migrations). It
// is safe for concurrent use.
type Store struct {
	db     *pgxpool.Pool
	config Config
	hasher *passwordHasher
	// dummyHash is checked for unknown users, so that a login costs one hash
	// whether or not the account exists.
	dummyHash string
	// outbox sends emails in the background.
	outbox *outbox
}

// New returns a Store over db configured by config (see Config for the
// defaults of its zero fields). It computes one hash, so it takes as long as a
// login.
func New(db *pgxpool.Pool, config Config) (*Store, error) {
	config, err := config.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, config: config, hasher: newPasswordHasher(config), outbox: newOutbox(config)}
	s.dummyHash, err = argon2id.CreateHash(rand.Text(), &s.hasher.params)
	if err != nil {
		return nil, fmt.Errorf("accounts: dummy hash: %w", err)
	}
	return s, nil
}

// HashParams returns the argon2id parameters the Store hashes new passwords with:
// Config.Hash, or DefaultHashParams when it was zero. An audit compares them with
// OWASP's minimum.
func (s *Store) HashParams() HashParams { return s.config.Hash }

const userColumns = "id, email, confirmed_at, inserted_at, updated_at"

func userDest(u *User) []any {
	return []any{&u.ID, &u.Email, &u.ConfirmedAt, &u.InsertedAt, &u.UpdatedAt}
}

// Register creates an account with email and password. An empty password
// creates an account without one, which logs in only by magic link (see
// DeliverLoginInstructions). It returns a *ValidationError when the email is
// malformed or longer than MaxEmailLength, when a password is given that is
// shorter than MinPasswordLength characters or longer than MaxPasswordLength
// bytes, or when the email is already taken (compared case-insensitively);
// ErrBusy when hashing is saturated.
func (s *Store) Register(ctx context.Context, email, password string) (*User, error) {
	var hash *string // NULL: no password
	if password == "" {
		if err := validateEmail(email); err != nil {
			return nil, err
		}
	} else {
		if err := validateRegistration(email, password); err != nil {
			return nil, err
		}
		h, err := s.hasher.hash(ctx, password)
		if err != nil {
			return nil, fmt.Errorf("accounts: register: %w", err)
		}
		hash = &h
	}
	u := new(User)
	err := s.db.QueryRow(ctx,
		`INSERT INTO users (email, hashed_password, inserted_at, updated_at)
		VALUES ($1, $2, coalesce($3::timestamptz, now()), coalesce($3::timestamptz, now()))
		RETURNING `+userColumns,
		email, hash, s.dbNow()).Scan(userDest(u)...)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.ConstraintName == "users_email_key" {
		return nil, &ValidationError{Fields: map[string]string{"email": errTaken}}
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: create user: %w", err)
	}
	return u, nil
}

// Authenticate returns the user with email and password, logging in from
// ip, or ErrInvalidCredentials. It first counts the attempt against
// Config.RateLimits and returns ErrTooManyAttempts, without hashing, when it
// is over a limit; it counts by the email as given, so the limits behave the
// same whether or not the email is registered (see RateLimits). Otherwise it
// computes exactly one argon2id hash whether or not the email is known
// (against a dummy hash for unknown ones), so its timing does not tell them
// apart either; a password longer than MaxPasswordLength is refused without
// hashing or counting. An email that is not valid text (a NUL byte, invalid
// UTF-8: see package fieldtext) cannot be anyone's, and is refused like an
// unknown one. After a successful login it rehashes a password stored
// with parameters below the current ones (a second hash); when that fails the
// login still succeeds and the next one retries. It returns ErrBusy when
// hashing is saturated.
func (s *Store) Authenticate(ctx context.Context, email, password string, ip netip.Addr) (*User, error) {
	if len(password) > MaxPasswordLength {
		return nil, ErrInvalidCredentials
	}
	if err := s.limitAttempt(ctx, kindLogin, ip, email); err != nil {
		return nil, err
	}
	refund, err := s.reserveFailedLogin(ctx, email)
	if err != nil {
		return nil, err
	}
	u, err := s.checkPassword(ctx, email, password)
	if err != ErrInvalidCredentials {
		refund() // a success, or no password was checked: not a failed login
	}
	return u, err
}

// checkPassword is Authenticate without the rate limits.
func (s *Store) checkPassword(ctx context.Context, email, password string) (*User, error) {
	u := new(User)
	var stored *string
	err := pgx.ErrNoRows // text that PostgreSQL refuses is no one's email
	if fieldtext.Valid(email) {
		err = s.db.QueryRow(ctx,
			"SELECT "+userColumns+", hashed_password FROM users WHERE email = $1",
			email).Scan(append(userDest(u), &stored)...)
	}
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("accounts: authenticate: %w", err)
	}
	if err != nil || stored == nil {
		// Unknown email, or an account without a password: spend the same work.
		if _, _, err := s.hasher.check(ctx, password, s.dummyHash); err != nil {
			return nil, fmt.Errorf("accounts: authenticate: %w", err)
		}
		return nil, ErrInvalidCredentials
	}
	match, weak, err := s.hasher.check(ctx, password, *stored)
	if err != nil {
		return nil, fmt.Errorf("accounts: authenticate: %w", err)
	}
	if !match {
		return nil, ErrInvalidCredentials
	}
	if weak {
		s.rehash(ctx, u.ID, password, *stored)
	}
	return u, nil
}

// rehash stores password hashed with the current parameters, unless the stored
// hash changed meanwhile. Failures are ignored: the login has succeeded, and
// the next one tries again.
func (s *Store) rehash(ctx context.Context, userID int64, password, old string) {
	hash, err := s.hasher.hash(ctx, password)
	if err != nil {
		return
	}
	_, _ = s.db.Exec(ctx,
		"UPDATE users SET hashed_password = $1, updated_at = coalesce($4::timestamptz, now()) WHERE id = $2 AND hashed_password = $3",
		hash, userID, old, s.dbNow())
}
