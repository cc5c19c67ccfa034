package web

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live"
)

// Register is the sign-up page. It asks for an email only: the account is
// confirmed, and its owner logged in, by the link emailed to the address, and a
// password can be set later in the settings. (A password chosen at sign-up
// would belong to whoever filled in the form, who may not own the address:
// see accounts.SignUp.)
type Register struct {
	app     *App
	Email   string
	Errors  map[string]string
	touched bool // the user has typed in the email field: its errors show
}

// Mount registers the form's events.
func (v *Register) Mount(_ context.Context, s *live.Socket) error {
	title(s, "Register")
	// The address is checked as the user types, once they have typed in
	// the field; whether it has an account is never said (see save).
	s.On("validate", func(_ context.Context, p live.Params) error {
		v.Email = p.Get("email")
		v.touched = v.touched || p.Get("_target") == "email"
		v.Errors = nil
		if msg := emailError(v.Email); msg != "" && v.touched {
			v.Errors = map[string]string{"email": msg}
		}
		return nil
	})
	s.On("save", func(ctx context.Context, p live.Params) error {
		v.Email = p.Get("email")
		err := v.app.Accounts.SignUp(ctx, v.Email, s.ClientIP(), v.app.magicLinkURL)
		var invalid *accounts.ValidationError
		switch {
		case errors.As(err, &invalid):
			v.Errors = invalid.Fields
			return nil
		case errors.Is(err, accounts.ErrTooManyAttempts):
			flash(s, "error", tooManyAttempts)
			return nil
		case err != nil:
			return err
		}
		// The same words whether the email was new or taken (see
		// accounts.Config.UniformRegistration): either way the link logs in.
		flash(s, "info", fmt.Sprintf("An email was sent to %s. Open the link in it to confirm your account and log in.", v.Email))
		return s.Redirect("/users/log-in")
	}, live.RateLimit(1, 5), live.Requires(v.app.auth.LoggedOut()))
	return nil
}

// Render renders the page.
func (v *Register) Render(w io.Writer) error { return v.app.render(w, "user_registration", v) }

// emailError is what accounts.ValidateEmail says of email, or "" when the
// address is fine.
func emailError(email string) string {
	var invalid *accounts.ValidationError
	if errors.As(accounts.ValidateEmail(email), &invalid) {
		return invalid.Fields["email"]
	}
	return ""
}
