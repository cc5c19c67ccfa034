package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live"
)

// Register is the sign-up page. The account is created over the websocket.
// Without a password, the user then confirms the address, and logs in,
// through the login link emailed to it; with one, they log in with it.
type Register struct {
	app    *App
	Email  string
	Errors map[string]string
}

// Mount registers the form's events.
func (v *Register) Mount(_ context.Context, s *live.Socket) error {
	title(s, "Register")
	// Typing clears the error of the field being changed; the rest are
	// checked on submit.
	s.On("validate", func(_ context.Context, p live.Params) error {
		v.Email = p.Get("email")
		delete(v.Errors, p.Get("_target"))
		return nil
	})
	s.On("save", func(ctx context.Context, p live.Params) error {
		v.Email = p.Get("email")
		user, err := v.app.Accounts.Register(ctx, v.Email, p.Get("password"))
		var invalid *accounts.ValidationError
		switch {
		case errors.As(err, &invalid):
			v.Errors = invalid.Fields
			return nil
		case errors.Is(err, accounts.ErrBusy):
			flash(s, "error", serverBusy)
			return nil
		case err != nil:
			return err
		}
		if p.Get("password") != "" {
			// A login link cannot confirm an account that has a password: the
			// password might be a stranger's, set before the owner of the
			// address showed up (see accounts.ErrConfirmBeforeMagicLink). So
			// no link is sent; the user logs in with the password.
			flash(s, "info", "Your account was created. Log in with your password.")
			return s.Redirect("/users/log-in")
		}
		// The confirmation is a login link: following it confirms the address.
		// The rate limits count login links by client address, which a live
		// event does not know, so all registrations share the zero address's
		// allowance; the login page, a plain form, passes the real one.
		err = v.app.Accounts.DeliverLoginInstructions(ctx, user.Email, netip.Addr{}, v.app.magicLinkURL)
		switch {
		case errors.Is(err, accounts.ErrTooManyAttempts):
			flash(s, "error", "Your account was created, but too many emails were sent just now: ask for a login link in a few minutes to confirm it.")
		case err != nil:
			return err
		default:
			flash(s, "info", fmt.Sprintf("An email was sent to %s, please open the link in it to confirm your account.", user.Email))
		}
		return s.Redirect("/users/log-in")
	}, live.RateLimit(1, 5)) // each registration hashes a password
	return nil
}

// Render renders the page.
func (v *Register) Render(w io.Writer) error { return v.app.render(w, "user_registration", v) }
