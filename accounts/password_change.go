package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// UpdatePassword sets the password of the scope's user, or gives a password to
// an account that logged in only by magic link. It requires sudo mode
// (ErrSudoRequired) and returns a *ValidationError for a password Register
// would refuse, ErrBusy when hashing is saturated.
//
// Whoever knew the old password, or holds a session, must be locked out: it
// deletes every token of the user (all sessions, and the links sent by email)
// and closes the sessions' sockets (see Config.Sockets). It returns a new
// session token for the browser that made the change, with meta and the
// scope's AuthenticatedAt, which the caller sets as its cookie to stay logged
// in.
func (s *Store) UpdatePassword(ctx context.Context, scope Scope, newPassword string, meta SessionMeta) (SessionToken, error) {
	if scope.User == nil {
		return nil, ErrNoUser
	}
	if !s.InSudoMode(scope) {
		return nil, ErrSudoRequired
	}
	if err := validatePassword(newPassword); err != nil {
		return nil, err
	}
	hash, err := s.hasher.hash(ctx, newPassword)
	if err != nil {
		return nil, fmt.Errorf("accounts: update password: %w", err)
	}
	var token SessionToken
	var revoked [][]byte
	err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx,
			"UPDATE users SET hashed_password = $2, updated_at = coalesce($3::timestamptz, now()) WHERE id = $1",
			scope.UserID(), hash, s.dbNow())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNoUser
		}
		_, revoked, err = deleteTokens(ctx, tx,
			"DELETE FROM users_tokens WHERE user_id = $1 RETURNING context, token", scope.UserID())
		if err != nil {
			return err
		}
		token, err = s.insertSessionToken(ctx, tx, scope.UserID(), meta, scope.AuthenticatedAt)
		return err
	})
	if errors.Is(err, ErrNoUser) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: update password: %w", err)
	}
	s.closeSockets(ctx, revoked)
	return token, nil
}
