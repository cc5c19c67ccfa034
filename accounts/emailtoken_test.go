package accounts_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/internal/fakeclock"
	"github.com/liveapp/liveapp/mail"
)

// recordingSockets is a Config.Sockets that records the IDs it is asked to
// disconnect.
type recordingSockets struct {
	mu  sync.Mutex
	ids []string
}

func (r *recordingSockets) Disconnect(_ context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, id)
	return nil
}

// take returns the IDs disconnected since the last call, sorted.
func (r *recordingSockets) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := r.ids
	r.ids = nil
	slices.Sort(ids)
	return ids
}

// socketIDs returns the sorted SocketIDs of tokens.
func socketIDs(tokens ...accounts.SessionToken) []string {
	var ids []string
	for _, token := range tokens {
		ids = append(ids, accounts.SocketID(token))
	}
	slices.Sort(ids)
	return ids
}

// logBuffer collects log output from any goroutine.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// mailEnv is a Store that sends emails to a DevMailbox, closes sockets
// through a recordingSockets, logs to a buffer and reads the time from a
// fake clock.
type mailEnv struct {
	db      *pgxpool.Pool
	s       *accounts.Store
	mailbox *mail.DevMailbox
	sockets *recordingSockets
	logs    *logBuffer
	clock   *fakeclock.Clock
}

// newMailEnv returns a mailEnv over a fresh database; config's Mailer,
// Sockets and Logger are set unless config sets them, and its Now is always
// e.clock's.
func newMailEnv(t *testing.T, config accounts.Config) *mailEnv {
	t.Helper()
	e := &mailEnv{db: newDB(t), mailbox: new(mail.DevMailbox), sockets: new(recordingSockets), logs: new(logBuffer),
		clock: fakeclock.New()}
	config.Now = e.clock.Now
	if config.Mailer == nil {
		config.Mailer = e.mailbox
	}
	if config.Sockets == nil {
		config.Sockets = e.sockets
	}
	if config.Logger == nil {
		config.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e.s, _ = newStore(t, e.db, config)
	t.Cleanup(func() {
		if err := e.s.WaitForMail(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return e
}

var client = netip.MustParseAddr("198.51.100.4")

// loginURL and confirmEmailURL build the links of the emails.
func loginURL(token string) string { return "https://app.example/users/log-in/" + token }
func confirmEmailURL(token string) string {
	return "https://app.example/users/settings/confirm-email/" + token
}

var linkToken = regexp.MustCompile(`https://app\.example/users/(?:log-in|settings/confirm-email)/([A-Za-z0-9_-]+)`)

// mailedToken waits for the background emails, then returns the token in the
// newest email to, failing the test when there is none.
func (e *mailEnv) mailedToken(t *testing.T, to string) string {
	t.Helper()
	if err := e.s.WaitForMail(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, m := range e.mailbox.Messages() {
		if !strings.EqualFold(m.To, to) {
			continue
		}
		match := linkToken.FindStringSubmatch(m.Text)
		if match == nil {
			t.Fatalf("no link in the email to %s:\n%s", to, m.Text)
		}
		return match[1]
	}
	t.Fatalf("no email to %s", to)
	return ""
}

// loginLink asks for a magic link for email and returns its token.
func (e *mailEnv) loginLink(t *testing.T, email string) string {
	t.Helper()
	if err := e.s.DeliverLoginInstructions(t.Context(), email, client, loginURL); err != nil {
		t.Fatal(err)
	}
	return e.mailedToken(t, email)
}

// sudo returns the scope of a session of u created just now, in sudo mode,
// and the session's token.
func (e *mailEnv) sudo(t *testing.T, u *accounts.User) (accounts.Scope, accounts.SessionToken) {
	t.Helper()
	token := newSession(t, e.s, u)
	return scopeOf(t, e.s, token), token
}

// scopeOf returns the Scope accounts/web would build for token's session.
func scopeOf(t *testing.T, s *accounts.Store, token accounts.SessionToken) accounts.Scope {
	t.Helper()
	u, se, err := s.UserBySessionToken(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}
	return accounts.Scope{User: u, AuthenticatedAt: se.AuthenticatedAt}
}

// emailTokenHash returns the SHA-256 of an email token taken from a link.
func emailTokenHash(t *testing.T, token string) []byte {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	return sum[:]
}

// registerConfirmed registers email with a password and confirms it.
func registerConfirmed(t *testing.T, e *mailEnv, email string) *accounts.User {
	t.Helper()
	u := register(t, e.s, email)
	if err := e.db.QueryRow(t.Context(),
		"UPDATE users SET confirmed_at = $2 WHERE id = $1 RETURNING confirmed_at", u.ID, e.clock.Now()).Scan(&u.ConfirmedAt); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestEmailTokensAreStoredOnlyAsTheirSHA256(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	alice := registerConfirmed(t, e, "Alice@example.com")
	login := e.loginLink(t, "alice@example.com")
	scope, _ := e.sudo(t, alice)
	if err := e.s.DeliverEmailChangeInstructions(t.Context(), scope, "alice@new.example", confirmEmailURL); err != nil {
		t.Fatal(err)
	}
	change := e.mailedToken(t, "alice@new.example")

	for _, tt := range []struct {
		token, context, sentTo string
	}{
		{login, "login", "Alice@example.com"},
		{change, "change:Alice@example.com", "alice@new.example"},
	} {
		raw, err := base64.RawURLEncoding.DecodeString(tt.token)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token %q in the link: %d bytes, %v; want 32 bytes in base64url", tt.token, len(raw), err)
		}
		var stored []byte
		var sentTo string
		err = e.db.QueryRow(t.Context(),
			"SELECT token, sent_to FROM users_tokens WHERE context = $1", tt.context).Scan(&stored, &sentTo)
		if err != nil {
			t.Fatalf("token of context %q: %v", tt.context, err)
		}
		if !bytes.Equal(stored, emailTokenHash(t, tt.token)) || bytes.Equal(stored, raw) {
			t.Errorf("%s: stored %x, want the SHA-256 of the token", tt.context, stored)
		}
		if sentTo != tt.sentTo {
			t.Errorf("%s: sent_to %q, want %q", tt.context, sentTo, tt.sentTo)
		}
	}
}

func TestMalformedEmailTokensAreInvalid(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	alice := registerConfirmed(t, e, "alice@example.com")
	scope, _ := e.sudo(t, alice)
	valid := e.loginLink(t, "alice@example.com")
	for _, token := range []string{"", "abc", valid + "A", valid[:42] + "=", valid[:42] + "!", base64.RawURLEncoding.EncodeToString(make([]byte, 32))} {
		if _, err := e.s.UserByMagicLinkToken(t.Context(), token); err != accounts.ErrInvalidToken {
			t.Errorf("UserByMagicLinkToken(%q): %v, want ErrInvalidToken", token, err)
		}
		if _, _, err := e.s.LogInByMagicLink(t.Context(), token, accounts.SessionMeta{}); err != accounts.ErrInvalidToken {
			t.Errorf("LogInByMagicLink(%q): %v, want ErrInvalidToken", token, err)
		}
		if err := e.s.UpdateEmail(t.Context(), scope, token); err != accounts.ErrInvalidToken {
			t.Errorf("UpdateEmail(%q): %v, want ErrInvalidToken", token, err)
		}
	}
}
