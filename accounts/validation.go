package accounts

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/liveapp/liveapp/fieldtext"
)

// ValidationError reports what is wrong with the input of Register: a message
// per field ("email", "password"), meant to be shown next to that field.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("accounts: invalid ")
	for i, k := range slices.Sorted(maps.Keys(e.Fields)) {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + ": " + e.Fields[k])
	}
	return b.String()
}

// emailShape is deliberately loose: one @ with something on each side and no
// whitespace, commas or semicolons. Only a confirmation email proves an address.
var emailShape = regexp.MustCompile(`^[^@,;\s]+@[^@,;\s]+$`)

// validateRegistration returns a *ValidationError for invalid input, or nil.
func validateRegistration(email, password string) error {
	fields := map[string]string{}
	switch {
	case email == "":
		fields["email"] = "can't be blank"
	case !fieldtext.Valid(email):
		fields["email"] = fieldtext.Invalid
	case !emailShape.MatchString(email):
		fields["email"] = "must have the @ sign and no spaces"
	case utf8.RuneCountInString(email) > MaxEmailLength:
		fields["email"] = fmt.Sprintf("should be at most %d characters", MaxEmailLength)
	}
	switch {
	case password == "":
		fields["password"] = "can't be blank"
	case !fieldtext.Valid(password):
		// Hashing would take any bytes, but no keyboard types these: a password
		// holding them could never be typed again.
		fields["password"] = fieldtext.Invalid
	case utf8.RuneCountInString(password) < MinPasswordLength:
		fields["password"] = fmt.Sprintf("should be at least %d characters", MinPasswordLength)
	case len(password) > MaxPasswordLength:
		fields["password"] = fmt.Sprintf("should be at most %d bytes", MaxPasswordLength)
	}
	if len(fields) > 0 {
		return &ValidationError{Fields: fields}
	}
	return nil
}

// errTaken is the ValidationError message for an email that has an account already.
const errTaken = "has already been taken"
