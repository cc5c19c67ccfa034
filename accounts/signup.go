package accounts

import (
	"context"
	"errors"
	"net/netip"
)

// SignUp registers an account for email without a password, as a sign-up form does,
// and emails it the magic link that confirms the address and logs in (see
// DeliverLoginInstructions; url builds the link from its token). The owner can set a
// password later, in sudo mode (UpdatePassword).
//
// Sign-up takes no password on purpose: an account registered with a password and
// confirmed later by email would keep a password chosen by whoever filled in the form,
// who may not own the address (see ErrConfirmBeforeMagicLink).
//
// A taken email is a *ValidationError, unless Config.UniformRegistration is set: then it
// answers nil exactly as for a new account, and the existing account is sent a login
// link, so the answer tells nothing about who is registered. Over the rate limits of
// magic-link requests it returns ErrTooManyAttempts, before creating anything.
func (s *Store) SignUp(ctx context.Context, email string, ip netip.Addr, url func(token string) string) error {
	if err := s.limitAttempt(ctx, kindMagicLink, ip, email); err != nil {
		return err
	}
	if s.config.Mailer == nil {
		return errNoMailer
	}
	_, err := s.Register(ctx, email, "")
	var ve *ValidationError
	if errors.As(err, &ve) && s.config.UniformRegistration && len(ve.Fields) == 1 && ve.Fields["email"] == errTaken {
		err = nil
	}
	if err != nil {
		return err
	}
	return s.deliverLoginInstructions(ctx, email, url)
}
