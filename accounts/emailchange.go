package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DeliverEmailChangeInstructions starts changing the email of the scope's
// user to newEmail: it emails newEmail a link whose URL url builds from a
// single-use token, valid for EmailChangeValidity; UpdateEmail, called with
// that token, makes the change. The address is not changed before its owner
// has followed the link.
//
// It requires sudo mode (ErrSudoRequired), and returns a *ValidationError when
// newEmail is malformed or the same as the current email. Whether newEmail is
// taken by another account is not checked until UpdateEmail, so that this
// form does not tell who has an account. It sends the email before it
// returns, and returns the Mailer's error, without the token.
func (s *Store) DeliverEmailChangeInstructions(ctx context.Context, scope Scope, newEmail string, url func(token string) string) error {
	if scope.User == nil {
		return ErrNoUser
	}
	if !s.InSudoMode(scope) {
		return ErrSudoRequired
	}
	if err := validateEmail(newEmail); err != nil {
		return err
	}
	if s.config.Mailer == nil {
		return errNoMailer
	}
	var current string
	var same bool
	err := s.db.QueryRow(ctx, "SELECT email, email = $2::citext FROM users WHERE id = $1",
		scope.UserID(), newEmail).Scan(&current, &same)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNoUser
	}
	if err != nil {
		return fmt.Errorf("accounts: change email: %w", err)
	}
	if same {
		return &ValidationError{Fields: map[string]string{"email": "did not change"}}
	}
	token, hash := newEmailToken()
	// The context names the current address, so that the link is void once
	// the address changes by any other way.
	if err := s.insertEmailToken(ctx, s.db, scope.UserID(), changeContextPrefix+current, newEmail, hash); err != nil {
		return fmt.Errorf("accounts: change email: %w", err)
	}
	if err := s.send(ctx, emailChangeInstructions(newEmail, url(token)), token); err != nil {
		return fmt.Errorf("accounts: send email change instructions: %w", err)
	}
	return nil
}

// UpdateEmail uses the token of an email-change link sent by
// DeliverEmailChangeInstructions: it sets the scope's user's email to the
// address the link was sent to, marks it confirmed, and deletes the user's
// email-change tokens. The link works once, within EmailChangeValidity, for
// the user who asked for it, and only while their email is still the one
// they had then; otherwise UpdateEmail returns ErrInvalidToken. It returns a
// *ValidationError when the new address has been taken by another account
// meanwhile. Sessions are kept: the user proved who they are when asking.
func (s *Store) UpdateEmail(ctx context.Context, scope Scope, token string) error {
	if scope.User == nil {
		return ErrNoUser
	}
	hash, ok := emailTokenHash(token)
	if !ok {
		return ErrInvalidToken
	}
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		var newEmail string
		err := tx.QueryRow(ctx,
			`SELECT t.sent_to FROM users_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.token = $1 AND t.user_id = $2 AND t.context = $3::text || u.email::text
				AND t.created_at > coalesce($5::timestamptz, now()) - $4 * interval '1 second'
			FOR UPDATE OF t, u`,
			hash, scope.UserID(), changeContextPrefix, EmailChangeValidity.Seconds(), s.dbNow()).Scan(&newEmail)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrInvalidToken
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx,
			`UPDATE users SET email = $2, confirmed_at = coalesce($3::timestamptz, now()),
				updated_at = coalesce($3::timestamptz, now())
			WHERE id = $1`,
			scope.UserID(), newEmail, s.dbNow())
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.ConstraintName == "users_email_key" {
			return &ValidationError{Fields: map[string]string{"email": errTaken}}
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx,
			"DELETE FROM users_tokens WHERE user_id = $1 AND starts_with(context, $2)",
			scope.UserID(), changeContextPrefix)
		return err
	})
	var verr *ValidationError
	if errors.Is(err, ErrInvalidToken) || errors.As(err, &verr) {
		return err
	}
	if err != nil {
		return fmt.Errorf("accounts: update email: %w", err)
	}
	return nil
}
