package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/liveapp/liveapp/fieldtext"
)

// sessionContext is the users_tokens.context of session tokens.
const sessionContext = "session"

// sessionTokenSize is the number of random bytes in a session token.
const sessionTokenSize = 32

// ErrInvalidSession is returned by UserBySessionToken for a token that is
// unknown, deleted or expired.
var ErrInvalidSession = errors.New("accounts: invalid or expired session token")

// ErrSessionNotFound is returned by DeleteSession when the scope's user has no
// session with that ID.
var ErrSessionNotFound = errors.New("accounts: session not found")

// SessionToken is the secret that identifies a session, 32 bytes from
// crypto/rand. Only its SHA-256 hash is stored. It prints as
// "SessionToken(redacted)" with every fmt verb and in slog, so logging it
// by mistake leaks nothing; use the bytes themselves to set a cookie.
type SessionToken []byte

// String returns "SessionToken(redacted)".
func (SessionToken) String() string { return "SessionToken(redacted)" }

// GoString returns "SessionToken(redacted)".
func (SessionToken) GoString() string { return "SessionToken(redacted)" }

// Format prints "SessionToken(redacted)" for every verb.
func (t SessionToken) Format(f fmt.State, _ rune) { fmt.Fprint(f, t.String()) }

// LogValue logs the token as "redacted".
func (SessionToken) LogValue() slog.Value { return slog.StringValue("redacted") }

// SessionMeta describes the client that logged in, to list sessions.
type SessionMeta struct {
	UserAgent string     // stored with NUL bytes and invalid UTF-8 cleaned out (fieldtext.Clean)
	IP        netip.Addr // zero when unknown
}

// Session is a logged-in session as stored, without its token.
type Session struct {
	ID              int64
	UserAgent       string
	IP              netip.Addr // zero when unknown
	CreatedAt       time.Time
	AuthenticatedAt time.Time // when the user last proved who they are; see Store.InSudoMode
	LastSeenAt      time.Time // updated at most once a minute
	// NeedsReissue reports that the token is older than
	// Config.SessionReissueAfter: the caller should replace it with
	// ReissueSessionToken and set the new token.
	NeedsReissue bool
}

// CreateSessionToken creates a session for user, who has just proven who they
// are, and returns its token. The session's AuthenticatedAt is now.
func (s *Store) CreateSessionToken(ctx context.Context, user *User, meta SessionMeta) (SessionToken, error) {
	if user == nil {
		return nil, ErrNoUser
	}
	token, err := s.insertSessionToken(ctx, s.db, user.ID, meta, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("accounts: create session token: %w", err)
	}
	return token, nil
}

// insertSessionToken stores a new session of user userID and returns its
// token. The session was authenticated at authenticatedAt, or now when it is
// zero.
func (s *Store) insertSessionToken(ctx context.Context, q querier, userID int64, meta SessionMeta, authenticatedAt time.Time) (SessionToken, error) {
	token := make(SessionToken, sessionTokenSize)
	rand.Read(token)
	var ip *netip.Addr
	if meta.IP.IsValid() {
		ip = &meta.IP
	}
	var at *time.Time
	if !authenticatedAt.IsZero() {
		at = &authenticatedAt
	}
	_, err := q.Exec(ctx,
		`INSERT INTO users_tokens (user_id, token, context, authenticated_at, user_agent, ip, last_seen_at, created_at)
		VALUES ($1, $2, $3, coalesce($4, $7::timestamptz, now()), $5, $6,
			coalesce($7::timestamptz, now()), coalesce($7::timestamptz, now()))`,
		userID, tokenHash(token), sessionContext, at, fieldtext.Clean(meta.UserAgent), ip, s.dbNow())
	if err != nil {
		return nil, err
	}
	return token, nil
}

// ReissueSessionToken replaces the session of old, which must be valid, by a
// new one for the same user and returns its token; it deletes old's session
// and closes its sockets (see Config.Sockets). The new session keeps old's
// AuthenticatedAt, so that replacing an old token does not start sudo mode.
// It returns ErrInvalidSession when old is unknown, deleted or expired.
func (s *Store) ReissueSessionToken(ctx context.Context, old SessionToken, meta SessionMeta) (SessionToken, error) {
	if len(old) != sessionTokenSize {
		return nil, ErrInvalidSession
	}
	var token SessionToken
	var deleted [][]byte
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		var userID int64
		var at time.Time
		err := tx.QueryRow(ctx,
			`DELETE FROM users_tokens WHERE context = 'session' AND token = $1
				AND created_at > coalesce($3::timestamptz, now()) - $2 * interval '1 second'
			RETURNING user_id, coalesce(authenticated_at, created_at)`,
			tokenHash(old), s.config.SessionValidity.Seconds(), s.dbNow()).Scan(&userID, &at)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrInvalidSession
		}
		if err != nil {
			return err
		}
		deleted = [][]byte{tokenHash(old)}
		token, err = s.insertSessionToken(ctx, tx, userID, meta, at)
		return err
	})
	if errors.Is(err, ErrInvalidSession) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: reissue session token: %w", err)
	}
	s.closeSockets(ctx, deleted)
	return token, nil
}

// sessionColumns are the columns scanned by scanSession, t being users_tokens.
// $2 is the reissue age in seconds, $4 the current time (see dbNow).
const sessionColumns = `t.id, coalesce(t.user_agent, ''), t.ip, t.created_at,
	coalesce(t.authenticated_at, t.created_at), coalesce(t.last_seen_at, t.created_at),
	t.created_at < coalesce($4::timestamptz, now()) - $2 * interval '1 second'`

func sessionDest(se *Session, ip **netip.Addr) []any {
	return []any{&se.ID, &se.UserAgent, ip, &se.CreatedAt, &se.AuthenticatedAt, &se.LastSeenAt, &se.NeedsReissue}
}

// UserBySessionToken returns the user and session of token, or
// ErrInvalidSession when the token is unknown, deleted or older than
// Config.SessionValidity. It records that the session was seen, at most once
// a minute.
func (s *Store) UserBySessionToken(ctx context.Context, token SessionToken) (*User, *Session, error) {
	if len(token) != sessionTokenSize {
		return nil, nil, ErrInvalidSession
	}
	u, se := new(User), new(Session)
	var ip *netip.Addr
	var seenRecently bool
	err := s.db.QueryRow(ctx,
		`SELECT `+uColumns+`, `+sessionColumns+`,
			t.last_seen_at > coalesce($4::timestamptz, now()) - interval '1 minute'
		FROM users_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.context = 'session' AND t.token = $1
			AND t.created_at > coalesce($4::timestamptz, now()) - $3 * interval '1 second'`,
		tokenHash(token), s.config.SessionReissueAfter.Seconds(), s.config.SessionValidity.Seconds(), s.dbNow(),
	).Scan(append(append(userDest(u), sessionDest(se, &ip)...), &seenRecently)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, ErrInvalidSession
	}
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: user by session token: %w", err)
	}
	if ip != nil {
		se.IP = *ip
	}
	if !seenRecently {
		err := s.db.QueryRow(ctx,
			"UPDATE users_tokens SET last_seen_at = coalesce($2::timestamptz, now()) WHERE id = $1 RETURNING last_seen_at",
			se.ID, s.dbNow()).Scan(&se.LastSeenAt)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, nil, fmt.Errorf("accounts: session last seen: %w", err)
		}
	}
	return u, se, nil
}

// DeleteSessionToken deletes token's session, if it exists, and closes its
// sockets (see Config.Sockets): logging out.
func (s *Store) DeleteSessionToken(ctx context.Context, token SessionToken) error {
	_, deleted, err := deleteTokens(ctx, s.db,
		"DELETE FROM users_tokens WHERE context = 'session' AND token = $1 RETURNING context, token",
		tokenHash(token))
	if err != nil {
		return fmt.Errorf("accounts: delete session token: %w", err)
	}
	s.closeSockets(ctx, deleted)
	return nil
}

// ListSessions returns the unexpired sessions of the scope's user, newest
// first.
func (s *Store) ListSessions(ctx context.Context, scope Scope) ([]Session, error) {
	if scope.User == nil {
		return nil, ErrNoUser
	}
	rows, err := s.db.Query(ctx,
		`SELECT `+sessionColumns+` FROM users_tokens t
		WHERE t.context = 'session' AND t.user_id = $1
			AND t.created_at > coalesce($4::timestamptz, now()) - $3 * interval '1 second'
		ORDER BY t.created_at DESC, t.id DESC`,
		scope.UserID(), s.config.SessionReissueAfter.Seconds(), s.config.SessionValidity.Seconds(), s.dbNow())
	if err != nil {
		return nil, fmt.Errorf("accounts: list sessions: %w", err)
	}
	sessions, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Session, error) {
		var se Session
		var ip *netip.Addr
		err := row.Scan(sessionDest(&se, &ip)...)
		if ip != nil {
			se.IP = *ip
		}
		return se, err
	})
	if err != nil {
		return nil, fmt.Errorf("accounts: list sessions: %w", err)
	}
	return sessions, nil
}

// DeleteSession deletes the scope's user's session with id and closes its
// sockets (see Config.Sockets), or returns ErrSessionNotFound when that user
// has none: a user can only end their own sessions.
func (s *Store) DeleteSession(ctx context.Context, scope Scope, id int64) error {
	if scope.User == nil {
		return ErrNoUser
	}
	n, deleted, err := deleteTokens(ctx, s.db,
		`DELETE FROM users_tokens WHERE context = 'session' AND user_id = $1 AND id = $2
		RETURNING context, token`,
		scope.UserID(), id)
	if err != nil {
		return fmt.Errorf("accounts: delete session: %w", err)
	}
	if n == 0 {
		return ErrSessionNotFound
	}
	s.closeSockets(ctx, deleted)
	return nil
}

// DeleteOtherSessions deletes every session of the scope's user but keep's,
// and closes their sockets (see Config.Sockets), for "log out everywhere
// else".
func (s *Store) DeleteOtherSessions(ctx context.Context, scope Scope, keep SessionToken) error {
	if scope.User == nil {
		return ErrNoUser
	}
	_, deleted, err := deleteTokens(ctx, s.db,
		`DELETE FROM users_tokens WHERE context = 'session' AND user_id = $1 AND token <> $2
		RETURNING context, token`,
		scope.UserID(), tokenHash(keep))
	if err != nil {
		return fmt.Errorf("accounts: delete other sessions: %w", err)
	}
	s.closeSockets(ctx, deleted)
	return nil
}
