package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"
)

// Email tokens are the secrets that links sent by email carry: magic login
// links and email-change links. Like session tokens they are 32 bytes from
// crypto/rand of which users_tokens keeps only the SHA-256; the link holds
// them base64url-encoded. sent_to records the address the link went to.
const (
	emailTokenSize = 32

	// loginContext is the users_tokens.context of magic-link tokens.
	loginContext = "login"
	// changeContextPrefix, followed by the user's email when the change was
	// asked for, is the context of email-change tokens, so that a change of
	// address voids the links sent before it.
	changeContextPrefix = "change:"

	// MagicLinkValidity is how long a magic link logs in after it was sent.
	MagicLinkValidity = 15 * time.Minute
	// EmailChangeValidity is how long an email-change link works after it
	// was sent.
	EmailChangeValidity = 7 * 24 * time.Hour
)

// ErrInvalidToken is returned for an emailed link whose token is malformed,
// unknown, used already, expired, or no longer valid because the account's
// email changed since it was sent. The cases are not told apart.
var ErrInvalidToken = errors.New("accounts: the link is invalid or it has expired")

// newEmailToken returns a new email token, as it goes in a link, and the hash
// to store.
func newEmailToken() (token string, hash []byte) {
	b := make([]byte, emailTokenSize)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b), tokenHash(b)
}

// emailTokenHash returns the stored hash of token, taken from a link, or false
// when token cannot be an email token.
func emailTokenHash(token string) ([]byte, bool) {
	if len(token) != base64.RawURLEncoding.EncodedLen(emailTokenSize) {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, false
	}
	return tokenHash(b), true
}

// insertEmailToken stores the hash of an email token of user userID for
// context, sent to sentTo now.
func (s *Store) insertEmailToken(ctx context.Context, q querier, userID int64, context, sentTo string, hash []byte) error {
	_, err := q.Exec(ctx,
		`INSERT INTO users_tokens (user_id, token, context, sent_to, created_at)
		VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now()))`,
		userID, hash, context, sentTo, s.dbNow())
	return err
}
