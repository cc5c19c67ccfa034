package accounts_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/mail"
)

func TestMagicLinkLogsInOnce(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	alice, err := e.s.Register(t.Context(), "alice@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	if h := storedHashOrNull(t, e, alice.ID); h != nil {
		t.Fatalf("account registered without a password has hashed_password %q", *h)
	}
	token := e.loginLink(t, "alice@example.com")

	u, err := e.s.UserByMagicLinkToken(t.Context(), token)
	if err != nil || u.ID != alice.ID {
		t.Fatalf("UserByMagicLinkToken: %v, %v", u, err)
	}
	meta := accounts.SessionMeta{UserAgent: "Firefox", IP: client}
	u, session, err := e.s.LogInByMagicLink(t.Context(), token, meta)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != alice.ID || u.ConfirmedAt == nil {
		t.Errorf("logged in %#v, want alice, confirmed", u)
	}
	_, se, err := e.s.UserBySessionToken(t.Context(), session)
	if err != nil {
		t.Fatalf("session of the magic link: %v", err)
	}
	if !se.AuthenticatedAt.Equal(e.clock.Now()) || se.UserAgent != "Firefox" || se.IP != client {
		t.Errorf("session %+v, want authenticated now from Firefox at %v", se, client)
	}

	if _, _, err := e.s.LogInByMagicLink(t.Context(), token, meta); err != accounts.ErrInvalidToken {
		t.Errorf("second use: %v, want ErrInvalidToken", err)
	}
	if _, err := e.s.UserByMagicLinkToken(t.Context(), token); err != accounts.ErrInvalidToken {
		t.Errorf("UserByMagicLinkToken after use: %v, want ErrInvalidToken", err)
	}
}

// storedHashOrNull returns the hashed_password column of user id, nil when NULL.
func storedHashOrNull(t *testing.T, e *mailEnv, id int64) *string {
	t.Helper()
	var h *string
	if err := e.db.QueryRow(t.Context(), "SELECT hashed_password FROM users WHERE id = $1", id).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestMagicLinkUsedTwiceAtOnceLogsInOnce(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	registerConfirmed(t, e, "alice@example.com")
	token := e.loginLink(t, "alice@example.com")
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range cap(errs) {
		wg.Go(func() {
			_, _, err := e.s.LogInByMagicLink(t.Context(), token, accounts.SessionMeta{})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	logins := 0
	for err := range errs {
		switch err {
		case nil:
			logins++
		case accounts.ErrInvalidToken:
		default:
			t.Error(err)
		}
	}
	if logins != 1 {
		t.Errorf("%d logins with one link, want 1", logins)
	}
}

func TestMagicLinkExpiresAfter15Minutes(t *testing.T) {
	tests := []struct {
		name string
		age  time.Duration
		want error
	}{
		{"a 14-minute-old link logs in", 14 * time.Minute, nil},
		{"a link a microsecond short of 15 minutes old logs in", 15*time.Minute - time.Microsecond, nil},
		{"a 15-minute-old link has expired", 15 * time.Minute, accounts.ErrInvalidToken},
		{"a day-old link has expired", 24 * time.Hour, accounts.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMailEnv(t, accounts.Config{})
			registerConfirmed(t, e, "alice@example.com")
			token := e.loginLink(t, "alice@example.com")
			e.clock.Advance(tt.age)
			if _, err := e.s.UserByMagicLinkToken(t.Context(), token); err != tt.want {
				t.Errorf("UserByMagicLinkToken: %v, want %v", err, tt.want)
			}
			if _, _, err := e.s.LogInByMagicLink(t.Context(), token, accounts.SessionMeta{}); err != tt.want {
				t.Errorf("LogInByMagicLink: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestMagicLinkIsVoidOnceTheEmailChanges(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	alice := registerConfirmed(t, e, "alice@example.com")
	token := e.loginLink(t, "alice@example.com")
	if _, err := e.db.Exec(t.Context(), "UPDATE users SET email = 'alice@new.example' WHERE id = $1", alice.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.LogInByMagicLink(t.Context(), token, accounts.SessionMeta{}); err != accounts.ErrInvalidToken {
		t.Errorf("link sent to the old address: %v, want ErrInvalidToken", err)
	}
	// The address given back (in another case) does not revive it either: it
	// was sent to the address, not to the account.
	if _, err := e.db.Exec(t.Context(), "UPDATE users SET email = 'ALICE@example.com' WHERE id = $1", alice.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.LogInByMagicLink(t.Context(), token, accounts.SessionMeta{}); err != nil {
		t.Errorf("link sent to the same address in another case: %v", err)
	}
}

func TestFirstMagicLinkConfirmsAndRevokesEverythingElse(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	alice, err := e.s.Register(t.Context(), "alice@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	bob := registerConfirmed(t, e, "bob@example.com")
	earlier := []accounts.SessionToken{newSession(t, e.s, alice), newSession(t, e.s, alice)}
	bobs := newSession(t, e.s, bob)
	other := e.loginLink(t, "alice@example.com")
	token := e.loginLink(t, "alice@example.com")
	if other == token {
		t.Fatal("two links with the same token")
	}

	u, session, err := e.s.LogInByMagicLink(t.Context(), token, accounts.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if u.ConfirmedAt == nil {
		t.Error("first magic-link login did not confirm the account")
	}
	for i, token := range earlier {
		if _, _, err := e.s.UserBySessionToken(t.Context(), token); err != accounts.ErrInvalidSession {
			t.Errorf("session %d from before the confirmation: %v, want ErrInvalidSession", i, err)
		}
	}
	if got, want := e.sockets.take(), socketIDs(earlier...); !slices.Equal(got, want) {
		t.Errorf("disconnected %v, want the earlier sessions' %v", got, want)
	}
	if _, _, err := e.s.LogInByMagicLink(t.Context(), other, accounts.SessionMeta{}); err != accounts.ErrInvalidToken {
		t.Errorf("the other link: %v, want ErrInvalidToken", err)
	}
	if _, _, err := e.s.UserBySessionToken(t.Context(), session); err != nil {
		t.Errorf("the new session: %v", err)
	}
	if _, _, err := e.s.UserBySessionToken(t.Context(), bobs); err != nil {
		t.Errorf("another user's session: %v", err)
	}

	// Once confirmed, a magic link is one more login: other sessions stay.
	again := e.loginLink(t, "alice@example.com")
	if _, _, err := e.s.LogInByMagicLink(t.Context(), again, accounts.SessionMeta{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.UserBySessionToken(t.Context(), session); err != nil {
		t.Errorf("session after a later magic link: %v", err)
	}
	if got := e.sockets.take(); len(got) != 0 {
		t.Errorf("a later magic link disconnected %v", got)
	}
}

func TestMagicLinkRefusesUnconfirmedAccountWithPassword(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	// Someone registered alice's address with a password of their own.
	alice := register(t, e.s, "alice@example.com")
	stuffed := newSession(t, e.s, alice)
	token := e.loginLink(t, "alice@example.com")

	if _, err := e.s.UserByMagicLinkToken(t.Context(), token); err != accounts.ErrConfirmBeforeMagicLink {
		t.Errorf("UserByMagicLinkToken: %v, want ErrConfirmBeforeMagicLink", err)
	}
	u, session, err := e.s.LogInByMagicLink(t.Context(), token, accounts.SessionMeta{})
	if err != accounts.ErrConfirmBeforeMagicLink || u != nil || session != nil {
		t.Errorf("LogInByMagicLink: %v, %v, %v; want ErrConfirmBeforeMagicLink", u, session, err)
	}
	var confirmed bool
	if err := e.db.QueryRow(t.Context(), "SELECT confirmed_at IS NOT NULL FROM users WHERE id = $1", alice.ID).Scan(&confirmed); err != nil {
		t.Fatal(err)
	}
	if confirmed {
		t.Error("the refused link confirmed the account")
	}
	if _, _, err := e.s.UserBySessionToken(t.Context(), stuffed); err != nil {
		t.Errorf("the refusal changed the account's sessions: %v", err)
	}
	if !strings.Contains(accounts.ErrConfirmBeforeMagicLink.Error(), "password") {
		t.Errorf("error %q does not say why", accounts.ErrConfirmBeforeMagicLink)
	}
}

func TestDeliverLoginInstructionsAnswersAlikeForKnownAndUnknownEmails(t *testing.T) {
	e := newMailEnv(t, accounts.Config{})
	registerConfirmed(t, e, "alice@example.com")
	known := e.s.DeliverLoginInstructions(t.Context(), "ALICE@example.com", client, loginURL)
	unknown := e.s.DeliverLoginInstructions(t.Context(), "bob@example.com", client, loginURL)
	if known != nil || unknown != nil {
		t.Errorf("known email: %v, unknown email: %v; want nil for both", known, unknown)
	}
	if err := e.s.WaitForMail(t.Context()); err != nil {
		t.Fatal(err)
	}
	msgs := e.mailbox.Messages()
	if len(msgs) != 1 || msgs[0].To != "alice@example.com" {
		t.Fatalf("emails sent: %+v, want one to alice@example.com", msgs)
	}
	if m := msgs[0]; !strings.Contains(m.Text, "https://app.example/users/log-in/") || m.Subject == "" {
		t.Errorf("email %+v", m)
	}
	var n int
	if err := e.db.QueryRow(t.Context(), "SELECT count(*) FROM users_tokens WHERE context = 'login'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d login tokens, want 1", n)
	}

	var verr *accounts.ValidationError
	if err := e.s.DeliverLoginInstructions(t.Context(), "not an email", client, loginURL); !errors.As(err, &verr) {
		t.Errorf("malformed email: %v, want a *ValidationError", err)
	}
	noMailer, _ := newStore(t, e.db, accounts.Config{})
	if err := noMailer.DeliverLoginInstructions(t.Context(), "alice@example.com", client, loginURL); err == nil {
		t.Error("a Store without a Mailer claimed to send")
	}
}

// blockingMailer blocks every Send until release is closed or the context
// ends, tells started when a Send begins, and records how many ran at once.
type blockingMailer struct {
	release chan struct{}
	started chan struct{} // nil, or buffered for every Send of the test
	mu      sync.Mutex
	running int
	most    int
	sent    int
}

func (b *blockingMailer) Send(ctx context.Context, m mail.Message) error {
	b.mu.Lock()
	b.running++
	b.most = max(b.most, b.running)
	b.mu.Unlock()
	if b.started != nil {
		b.started <- struct{}{}
	}
	defer func() {
		b.mu.Lock()
		b.running--
		b.mu.Unlock()
	}()
	select {
	case <-b.release:
		b.mu.Lock()
		b.sent++
		b.mu.Unlock()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestDeliverLoginInstructionsAnswersBeforeSendingAndBoundsSends(t *testing.T) {
	emails := []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"}
	mailer := &blockingMailer{release: make(chan struct{}), started: make(chan struct{}, len(emails))}
	// Were an answer to wait for its send, it would wait for an hour, since
	// no send ends before release: the test would time out.
	e := newMailEnv(t, accounts.Config{Mailer: mailer, MailConcurrency: 2, MailTimeout: time.Hour})
	for _, email := range emails {
		registerConfirmed(t, e, email)
	}
	for _, email := range emails {
		if err := e.s.DeliverLoginInstructions(t.Context(), email, client, loginURL); err != nil {
			t.Fatal(err)
		}
	}
	// The background sends pile up: two run, and block.
	<-mailer.started
	<-mailer.started
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := e.s.WaitForMail(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitForMail while sends block: %v, want DeadlineExceeded", err)
	}
	close(mailer.release)
	if err := e.s.WaitForMail(t.Context()); err != nil {
		t.Fatal(err)
	}
	if mailer.sent != len(emails) || mailer.most != 2 {
		t.Errorf("%d sent, at most %d at once; want %d, at most 2", mailer.sent, mailer.most, len(emails))
	}
}

func TestDeliverLoginInstructionsLogsFailuresAfterTimeout(t *testing.T) {
	mailer := &blockingMailer{release: make(chan struct{})} // never released
	e := newMailEnv(t, accounts.Config{Mailer: mailer, MailTimeout: 50 * time.Millisecond})
	registerConfirmed(t, e, "alice@example.com")
	if err := e.s.DeliverLoginInstructions(t.Context(), "alice@example.com", client, loginURL); err != nil {
		t.Fatal(err)
	}
	if err := e.s.WaitForMail(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The timeout may strike while the delivery waits for a slot, reads the
	// database or sends, as fast as the machine goes: each says why it failed.
	if logs := e.logs.String(); !strings.Contains(logs, "deliver login instructions") || !strings.Contains(logs, "deadline exceeded") {
		t.Errorf("logs: %s", logs)
	}
}
