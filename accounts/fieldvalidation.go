package accounts

import "errors"

// ValidateEmail returns a *ValidationError with an "email" message when email
// is not acceptable for an account, or nil: the checks SignUp and
// DeliverEmailChangeInstructions make before they touch the database, for
// forms that validate as the user types. Whether an account has the address
// already is not checked here.
func ValidateEmail(email string) error { return validateEmail(email) }

// validateEmail returns a *ValidationError with an "email" message when
// email is not acceptable for an account, or nil. It applies Register's rules.
func validateEmail(email string) error {
	return onlyField(validateRegistration(email, ""), "email")
}

// validatePassword returns a *ValidationError with a "password" message when
// password is not acceptable, or nil. It applies Register's rules.
func validatePassword(password string) error {
	return onlyField(validateRegistration("", password), "password")
}

// onlyField returns the message of err, a *ValidationError or nil, about
// field alone.
func onlyField(err error, field string) error {
	var verr *ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	msg, ok := verr.Fields[field]
	if !ok {
		return nil
	}
	return &ValidationError{Fields: map[string]string{field: msg}}
}
