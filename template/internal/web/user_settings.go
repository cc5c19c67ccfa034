package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/liveapp/liveapp/accounts"
	authweb "github.com/liveapp/liveapp/accounts/web"
	"github.com/liveapp/liveapp/fieldtext"
	"github.com/liveapp/liveapp/live"

	"github.com/liveapp/liveapp/template/internal/avatars"
)

// Settings changes the user's email and password. Both need sudo mode: the
// user must have proven who they are in the last few minutes (see
// accounts.Config.SudoFor), so that a session left open somewhere cannot take
// the account over. The sudo requirement guards the page (see routes.go), and
// the Store checks again for each change.
type Settings struct {
	app            *App
	scope          accounts.Scope
	FormToken      string
	Email          string // the current email
	NewEmail       string
	EmailErrors    map[string]string
	emailTouched   bool // the user has typed in the new email field
	PasswordErrors map[string]string
	Avatar         *live.Upload // the avatar's upload; nil when avatars are off
	AvatarURL      string       // the user's avatar, or ""
	AvatarError    string       // why the last image was refused
}

const reauthenticate = "You must log in again to change your settings."

// reauthenticateURL is the login page, sending the user back to the settings
// once logged in again.
const reauthenticateURL = "/users/log-in?return_to=%2Fusers%2Fsettings"

// Mount registers the forms' events.
func (v *Settings) Mount(ctx context.Context, s *live.Socket) error {
	title(s, "Settings")
	v.scope = authweb.ScopeFromSocket(s)
	v.FormToken = formTokenOf(s)
	v.Email = v.scope.User.Email

	// The new address is checked as the user types, once they have typed in
	// the field.
	s.On("validate_email", func(_ context.Context, p live.Params) error {
		v.NewEmail, v.EmailErrors = p.Get("email"), nil
		v.emailTouched = v.emailTouched || p.Get("_target") == "email"
		if !v.emailTouched {
			return nil
		}
		switch msg := emailError(v.NewEmail); {
		case msg != "":
			v.EmailErrors = map[string]string{"email": msg}
		case strings.EqualFold(v.NewEmail, v.Email):
			v.EmailErrors = map[string]string{"email": "did not change"}
		}
		return nil
	})
	s.On("update_email", func(ctx context.Context, p live.Params) error {
		v.NewEmail = p.Get("email")
		err := v.app.Accounts.DeliverEmailChangeInstructions(ctx, v.scope, v.NewEmail, v.app.emailChangeURL)
		var invalid *accounts.ValidationError
		switch {
		case errors.As(err, &invalid):
			v.EmailErrors = invalid.Fields
			return nil
		case errors.Is(err, accounts.ErrSudoRequired):
			s.PutFlash("error", reauthenticate)
			return s.Redirect(reauthenticateURL)
		case err != nil:
			return err
		}
		v.NewEmail, v.emailTouched = "", false
		flash(s, "info", "A link to confirm your email change has been sent to the new address.")
		return nil
	}, live.Requires(v.app.auth.LoggedIn()))

	// The password form posts over plain HTTP (updatePassword), since the
	// browser gets a new session cookie; this only checks it as the user types.
	s.On("validate_password", func(_ context.Context, p live.Params) error {
		v.PasswordErrors = passwordErrors(p.Get("password"), p.Get("password_confirmation"), p.Get("_target"))
		return nil
	})
	if v.app.Avatars != nil {
		return v.mountAvatar(ctx, s)
	}
	return nil
}

// mountAvatar allows the avatar's upload and registers its events. The
// runtime refuses, as they arrive, files over the size limit and files whose
// first bytes are not an accepted image, whatever the browser says they are;
// avatars.Store.Put checks the type again before it keeps anything.
func (v *Settings) mountAvatar(ctx context.Context, s *live.Socket) error {
	var err error
	if v.AvatarURL, err = v.app.avatarURL(ctx, v.scope); err != nil {
		return err
	}
	v.Avatar = s.AllowUpload("avatar", live.UploadOptions{Accept: avatars.Accept, MaxFileSize: avatars.MaxSize})
	s.On("cancel_avatar", func(_ context.Context, p live.Params) error {
		return s.CancelUpload("avatar", p.Get("ref"))
	})
	s.On("save_avatar", func(ctx context.Context, _ live.Params) error {
		v.AvatarError = ""
		saved := false
		err := s.ConsumeUploads("avatar", func(_ live.UploadEntry, r io.Reader) error {
			_, err := v.app.Avatars.Put(ctx, v.scope, r)
			if errors.Is(err, avatars.ErrNotImage) {
				v.AvatarError = "The file is not a PNG, JPEG, WebP or GIF image."
				return nil
			}
			saved = err == nil
			return err
		})
		if err != nil || !saved {
			return err
		}
		// A page load, so that the nav bar shows the new avatar too.
		s.PutFlash("info", "Avatar updated.")
		return s.Redirect("/users/settings")
	}, live.Requires(v.app.auth.LoggedIn()))
	s.On("remove_avatar", func(ctx context.Context, _ live.Params) error {
		if err := v.app.Avatars.Delete(ctx, v.scope); err != nil {
			return err
		}
		s.PutFlash("info", "Avatar removed.")
		return s.Redirect("/users/settings")
	}, live.Requires(v.app.auth.LoggedIn()))
	return nil
}

// passwordErrors checks a new password and its confirmation. touched is the
// field being edited: the confirmation is only compared once it is.
func passwordErrors(password, confirmation, touched string) map[string]string {
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(password); {
	case password == "":
	case !fieldtext.Valid(password):
		errs["password"] = fieldtext.Invalid
	case n < accounts.MinPasswordLength:
		errs["password"] = fmt.Sprintf("should be at least %d characters", accounts.MinPasswordLength)
	case len(password) > accounts.MaxPasswordLength:
		errs["password"] = fmt.Sprintf("should be at most %d bytes", accounts.MaxPasswordLength)
	}
	if (touched == "password_confirmation" || confirmation != "") && confirmation != password {
		errs["password_confirmation"] = "does not match the password"
	}
	return errs
}

// Render renders the page.
func (v *Settings) Render(w io.Writer) error { return v.app.render(w, "user_settings", v) }

// emailChangeURL is the link an email-change email carries.
func (a *App) emailChangeURL(token string) string {
	return a.url("/users/settings/confirm-email/" + token)
}

// updatePassword handles POST /users/update-password. Changing the password
// ends every session of the user, this one included, and closes their tabs;
// this browser is then logged in again with a new session.
func (a *App) updatePassword(w http.ResponseWriter, r *http.Request) {
	scope := authweb.ScopeFrom(r.Context())
	password := r.PostFormValue("password")
	back := func(kind, msg string) {
		a.Runtime.PutFlash(w, r, kind, msg)
		http.Redirect(w, r, "/users/settings", http.StatusSeeOther)
	}
	if password != r.PostFormValue("password_confirmation") {
		back("error", "The password confirmation does not match the password.")
		return
	}
	session, err := a.Accounts.UpdatePassword(r.Context(), scope, password, sessionMeta(r))
	var invalid *accounts.ValidationError
	switch {
	case errors.As(err, &invalid):
		back("error", "Password "+invalid.Fields["password"]+".")
		return
	case errors.Is(err, accounts.ErrSudoRequired):
		a.Runtime.PutFlash(w, r, "error", reauthenticate)
		http.Redirect(w, r, reauthenticateURL, http.StatusSeeOther)
		return
	case errors.Is(err, accounts.ErrBusy):
		back("error", serverBusy)
		return
	case err != nil:
		a.serverError(w, r, err)
		return
	}
	a.Runtime.PutFlash(w, r, "info", "Password updated successfully.")
	// Keep the browser remembered if it was.
	a.startSession(w, r, scope.User, a.auth.Remembered(r), session)
}

// ConfirmEmail is the page an email-change link opens: it makes the change
// and goes back to the settings. Changing the address on a GET is safe here:
// the link works only for the logged-in user who asked for it.
type ConfirmEmail struct{ app *App }

// Mount makes the change and redirects.
func (v *ConfirmEmail) Mount(ctx context.Context, s *live.Socket) error {
	err := v.app.Accounts.UpdateEmail(ctx, authweb.ScopeFromSocket(s), s.Param("token"))
	var invalid *accounts.ValidationError
	switch {
	case errors.As(err, &invalid):
		s.PutFlash("error", "That email address has been taken meanwhile.")
	case errors.Is(err, accounts.ErrInvalidToken):
		s.PutFlash("error", "The email change link is invalid or it has expired.")
	case err != nil:
		return err
	default:
		s.PutFlash("info", "Email changed successfully.")
	}
	return live.Halt("/users/settings")
}

// Render is never called: Mount always redirects.
func (v *ConfirmEmail) Render(io.Writer) error { return nil }
