package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Disconnecter closes live sockets by their live_socket_id, on every node of
// the app. *live.Runtime is one; package accounts only needs this method, so
// it does not import package live.
type Disconnecter interface {
	Disconnect(ctx context.Context, id string) error
}

// tokenHash returns the SHA-256 of token: what users_tokens stores.
func tokenHash(token []byte) []byte {
	sum := sha256.Sum256(token)
	return sum[:]
}

// SocketID returns the live_socket_id of the sockets of token's session:
// "users_sessions:" and the base64url of the first 16 bytes of its SHA-256
// hash. Broadcasting a disconnect to it closes the session's sockets; it does
// not reveal the token.
func SocketID(token SessionToken) string {
	return socketIDOfHash(tokenHash(token))
}

// socketIDOfHash is SocketID given the token's stored hash, so that the Store
// can close the sockets of sessions it deletes without knowing their tokens.
func socketIDOfHash(hash []byte) string {
	return "users_sessions:" + base64.RawURLEncoding.EncodeToString(hash[:16])
}

// querier runs SQL: a *pgxpool.Pool or a pgx.Tx.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// deleteTokens runs sql, a DELETE FROM users_tokens that ends with RETURNING
// context, token, and returns how many tokens it deleted and the hashes of the
// session tokens among them, whose sockets the caller closes with closeSockets
// once the deletion is committed.
func deleteTokens(ctx context.Context, q querier, sql string, args ...any) (deleted int, sessions [][]byte, err error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var context string
		var hash []byte
		if err := rows.Scan(&context, &hash); err != nil {
			return 0, nil, err
		}
		deleted++
		if context == sessionContext {
			sessions = append(sessions, hash)
		}
	}
	return deleted, sessions, rows.Err()
}

// disconnectTimeout bounds closing the sockets of deleted sessions.
const disconnectTimeout = 5 * time.Second

// closeSockets closes the live sockets of the deleted sessions whose token
// hashes are given, through Config.Sockets (nothing when it is nil). The
// sessions are gone already, so a failure is logged rather than returned:
// Revalidate in accounts/web closes a socket whose disconnect was lost. It
// goes on if ctx is cancelled, since a client that leaves during its logout
// must still be logged out everywhere.
func (s *Store) closeSockets(ctx context.Context, hashes [][]byte) {
	if s.config.Sockets == nil || len(hashes) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), disconnectTimeout)
	defer cancel()
	for _, h := range hashes {
		if err := s.config.Sockets.Disconnect(ctx, socketIDOfHash(h)); err != nil {
			s.config.Logger.ErrorContext(ctx, "accounts: close the sockets of a deleted session", "err", err)
		}
	}
}
