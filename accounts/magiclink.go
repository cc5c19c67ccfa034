package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrConfirmBeforeMagicLink is returned for a magic link to an account whose
// email is not confirmed but which has a password. Logging in by the link
// would confirm the address while keeping a password chosen by whoever
// registered it, who may not own the address: someone could register a
// victim's email with a password of their own (credential pre-stuffing), wait
// for the victim to confirm it by magic link, then log in with the password.
// Such an account must log in with its password instead.
var ErrConfirmBeforeMagicLink = errors.New(
	"accounts: this account has a password and an unconfirmed email, so it cannot log in by magic link; log in with the password")

// DeliverLoginInstructions emails a magic link to the account with email, if
// there is one: a link whose URL url builds from a single-use token, valid
// for MagicLinkValidity. An unconfirmed account is told that the link also
// confirms its address.
//
// It answers the same whether or not the account exists: nil, once it has
// counted the attempt against Config.RateLimits (ErrTooManyAttempts when over
// a limit, for ip and email) and checked that email is an address (a
// *ValidationError otherwise). Looking the account up, storing the token and
// sending happen afterwards in the background, at most Config.MailConcurrency
// at once and each within Config.MailTimeout, so the answer's timing tells
// nothing either; failures are logged to Config.Logger, without the token.
// url is called before it returns. WaitForMail waits for the background work.
func (s *Store) DeliverLoginInstructions(ctx context.Context, email string, ip netip.Addr, url func(token string) string) error {
	if err := s.limitAttempt(ctx, kindMagicLink, ip, email); err != nil {
		return err
	}
	if err := validateEmail(email); err != nil {
		return err
	}
	return s.deliverLoginInstructions(ctx, email, url)
}

// deliverLoginInstructions is DeliverLoginInstructions once the attempt is counted and
// the address checked.
func (s *Store) deliverLoginInstructions(ctx context.Context, email string, url func(token string) string) error {
	if s.config.Mailer == nil {
		return errNoMailer
	}
	token, hash := newEmailToken()
	link := url(token)
	s.outbox.run(ctx, "deliver login instructions", func(ctx context.Context) error {
		u := new(User)
		err := s.db.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = $1", email).Scan(userDest(u)...)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.insertEmailToken(ctx, s.db, u.ID, loginContext, u.Email, hash); err != nil {
			return fmt.Errorf("user %d: store token: %w", u.ID, err)
		}
		if err := s.send(ctx, loginInstructions(u, link), token); err != nil {
			return fmt.Errorf("user %d: %w", u.ID, err)
		}
		return nil
	})
	return nil
}

// magicLinkUser returns the user whose valid magic-link token has hash,
// whether that user has a password, and the token's ID; ErrInvalidToken when
// there is none. With lock, the token and user rows are locked until the end
// of q's transaction.
func (s *Store) magicLinkUser(ctx context.Context, q querier, hash []byte, lock bool) (u *User, hasPassword bool, tokenID int64, err error) {
	sql := `SELECT ` + uColumns + `, u.hashed_password IS NOT NULL, t.id
		FROM users_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.context = $1 AND t.token = $2 AND t.sent_to = u.email
			AND t.created_at > coalesce($4::timestamptz, now()) - $3 * interval '1 second'`
	if lock {
		sql += " FOR UPDATE OF t, u"
	}
	u = new(User)
	err = q.QueryRow(ctx, sql, loginContext, hash, MagicLinkValidity.Seconds(), s.dbNow()).
		Scan(append(userDest(u), &hasPassword, &tokenID)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, 0, ErrInvalidToken
	}
	if err != nil {
		return nil, false, 0, err
	}
	return u, hasPassword, tokenID, nil
}

// UserByMagicLinkToken returns the user a magic link would log in, without
// using the link: for a page that asks "log in as alice@example.com?" before
// a POST calls LogInByMagicLink, since mail scanners follow links with GET.
// It returns ErrInvalidToken or ErrConfirmBeforeMagicLink as LogInByMagicLink
// would.
func (s *Store) UserByMagicLinkToken(ctx context.Context, token string) (*User, error) {
	hash, ok := emailTokenHash(token)
	if !ok {
		return nil, ErrInvalidToken
	}
	u, hasPassword, _, err := s.magicLinkUser(ctx, s.db, hash, false)
	if errors.Is(err, ErrInvalidToken) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: user by magic link: %w", err)
	}
	if u.ConfirmedAt == nil && hasPassword {
		return nil, ErrConfirmBeforeMagicLink
	}
	return u, nil
}

// LogInByMagicLink uses the magic link token: it returns its user and a new
// session token whose AuthenticatedAt is now, which starts sudo mode. A link
// works once, within MagicLinkValidity, and only while the account's email is
// still the address it was sent to; otherwise LogInByMagicLink returns
// ErrInvalidToken.
//
// The first login of an unconfirmed account confirms its email, and deletes
// every other token of the user (sessions and links alike) and closes those
// sessions' sockets (see Config.Sockets): whatever was started before the
// owner of the address showed up does not survive. An unconfirmed account
// with a password gets ErrConfirmBeforeMagicLink and the link stays unused.
func (s *Store) LogInByMagicLink(ctx context.Context, token string, meta SessionMeta) (*User, SessionToken, error) {
	hash, ok := emailTokenHash(token)
	if !ok {
		return nil, nil, ErrInvalidToken
	}
	var user *User
	var session SessionToken
	var revoked [][]byte
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		u, hasPassword, tokenID, err := s.magicLinkUser(ctx, tx, hash, true)
		if err != nil {
			return err
		}
		switch {
		case u.ConfirmedAt == nil && hasPassword:
			return ErrConfirmBeforeMagicLink
		case u.ConfirmedAt == nil:
			err := tx.QueryRow(ctx,
				`UPDATE users SET confirmed_at = coalesce($2::timestamptz, now()), updated_at = coalesce($2::timestamptz, now())
				WHERE id = $1 RETURNING confirmed_at, updated_at`,
				u.ID, s.dbNow()).Scan(&u.ConfirmedAt, &u.UpdatedAt)
			if err != nil {
				return err
			}
			_, revoked, err = deleteTokens(ctx, tx,
				"DELETE FROM users_tokens WHERE user_id = $1 RETURNING context, token", u.ID)
			if err != nil {
				return err
			}
		default:
			if _, err := tx.Exec(ctx, "DELETE FROM users_tokens WHERE id = $1", tokenID); err != nil {
				return err
			}
		}
		session, err = s.insertSessionToken(ctx, tx, u.ID, meta, time.Time{})
		user = u
		return err
	})
	if errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrConfirmBeforeMagicLink) {
		return nil, nil, err
	}
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: log in by magic link: %w", err)
	}
	s.closeSockets(ctx, revoked)
	return user, session, nil
}
