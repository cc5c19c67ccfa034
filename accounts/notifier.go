package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/liveapp/liveapp/mail"
)

// errNoMailer is returned by the functions that send emails when
// Config.Mailer is nil.
var errNoMailer = errors.New("accounts: no Config.Mailer to send emails with")

// outbox runs email deliveries in the background: at most cap(slots) at once,
// at most maxPending queued or running, each within a timeout. Failures are
// logged, since nobody is waiting for them.
type outbox struct {
	slots      chan struct{}
	maxPending int
	timeout    time.Duration
	logger     *slog.Logger

	mu      sync.Mutex
	pending int
	idle    chan struct{} // closed while pending is 0
}

// maxPendingPerSlot bounds the deliveries waiting for a turn: beyond it,
// deliveries are dropped rather than piling up goroutines.
const maxPendingPerSlot = 256

func newOutbox(c Config) *outbox {
	idle := make(chan struct{})
	close(idle)
	return &outbox{
		slots:      make(chan struct{}, c.MailConcurrency),
		maxPending: c.MailConcurrency * maxPendingPerSlot,
		timeout:    c.MailTimeout,
		logger:     c.Logger,
		idle:       idle,
	}
}

// run runs deliver in a new goroutine once a slot is free, with a context
// that keeps ctx's values but not its cancellation and ends after the
// timeout. It logs the error deliver returns, which must not hold a token, as
// what failed. When too many deliveries are pending it drops this one and
// logs it.
func (o *outbox) run(ctx context.Context, what string, deliver func(context.Context) error) {
	o.mu.Lock()
	if o.pending >= o.maxPending {
		o.mu.Unlock()
		o.logger.ErrorContext(ctx, "accounts: "+what+": dropped, too many emails waiting")
		return
	}
	if o.pending == 0 {
		o.idle = make(chan struct{})
	}
	o.pending++
	o.mu.Unlock()

	ctx = context.WithoutCancel(ctx)
	go func() {
		defer o.done()
		ctx, cancel := context.WithTimeout(ctx, o.timeout)
		defer cancel()
		select {
		case o.slots <- struct{}{}:
		case <-ctx.Done():
			o.logger.ErrorContext(ctx, "accounts: "+what+": no free slot before the timeout", "err", ctx.Err())
			return
		}
		defer func() { <-o.slots }()
		if err := deliver(ctx); err != nil {
			o.logger.ErrorContext(ctx, "accounts: "+what, "err", err)
		}
	}()
}

func (o *outbox) done() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending--
	if o.pending == 0 {
		close(o.idle)
	}
}

// wait waits until no delivery is pending, or ctx ends.
func (o *outbox) wait(ctx context.Context) error {
	o.mu.Lock()
	idle := o.idle
	o.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WaitForMail waits until the emails the Store is sending in the background
// (see DeliverLoginInstructions) have been sent or have failed, or until ctx
// ends, and returns ctx.Err() in that case. Call it when shutting down, after
// the HTTP server has stopped, so that no login link is lost; tests call it
// before they read the mailbox.
func (s *Store) WaitForMail(ctx context.Context) error {
	return s.outbox.wait(ctx)
}

// send sends m, which carries token, through Config.Mailer within
// Config.MailTimeout. The error it returns never holds the token, even if the
// Mailer's error quoted the message.
func (s *Store) send(ctx context.Context, m mail.Message, token string) error {
	ctx, cancel := context.WithTimeout(ctx, s.config.MailTimeout)
	defer cancel()
	err := s.config.Mailer.Send(ctx, m)
	if err != nil && strings.Contains(err.Error(), token) {
		// Wrapping would keep the token reachable through errors.Unwrap.
		return errors.New(strings.ReplaceAll(err.Error(), token, "[token]"))
	}
	return err
}

// loginInstructions is the email that carries a magic link to u. An account
// whose address is not confirmed yet is told that the link also confirms it.
func loginInstructions(u *User, url string) mail.Message {
	if u.ConfirmedAt == nil {
		return mail.Message{
			To:      u.Email,
			Subject: "Confirm your email address",
			Text: fmt.Sprintf(`Hello %s,

To confirm your email address and log in, open this link:

%s

The link works once, within %d minutes. If you did not sign up, you can
ignore this email.
`, u.Email, url, int(MagicLinkValidity.Minutes())),
		}
	}
	return mail.Message{
		To:      u.Email,
		Subject: "Your login link",
		Text: fmt.Sprintf(`Hello %s,

To log in, open this link:

%s

The link works once, within %d minutes. If you did not ask to log in, you
can ignore this email: nobody can use the link without access to your inbox.
`, u.Email, url, int(MagicLinkValidity.Minutes())),
	}
}

// emailChangeInstructions is the email, sent to the new address, that
// carries the link to confirm a change of email. It does not name the old
// address, which a mistyped new one would reveal to a stranger.
func emailChangeInstructions(newEmail, url string) mail.Message {
	return mail.Message{
		To:      newEmail,
		Subject: "Confirm your new email address",
		Text: fmt.Sprintf(`Hello,

You asked to change the email address of your account to this one,
%s. To confirm the change, open this link while logged in:

%s

The link works once, within %d days. If you did not ask for this, you can
ignore this email and nothing will change.
`, newEmail, url, int(EmailChangeValidity.Hours()/24)),
	}
}
