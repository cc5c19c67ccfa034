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
