package projects

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveapp/liveapp/fieldtext"
)

// Limits on a project's fields, also enforced by the projects table.
const (
	MaxNameLength        = 100  // characters
	MaxDescriptionLength = 2000 // characters
)

// Project is one user's project.
type Project struct {
	ID          int64
	UserID      int64
	Name        string
	Description string
	InsertedAt  time.Time
	UpdatedAt   time.Time
}

// Params are the fields a user may set on a project, as a form submits them.
type Params struct {
	Name        string
	Description string
}

// ErrNotFound is returned when the scope's user has no project with the id
// asked for: it does not exist, or it belongs to someone else.
var ErrNotFound = errors.New("projects: not found")

// ValidationError reports invalid Params: a message per field ("name",
// "description"), meant to be shown next to that field.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("projects: invalid ")
	for i, k := range slices.Sorted(maps.Keys(e.Fields)) {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + ": " + e.Fields[k])
	}
	return b.String()
}

// Normalize returns p with surrounding white space trimmed, as it is stored.
func (p Params) Normalize() Params {
	return Params{Name: strings.TrimSpace(p.Name), Description: strings.TrimSpace(p.Description)}
}

// Validate returns a *ValidationError when the normalized p cannot be saved, or
// nil. Forms call it on every change to show errors as the user types; Create
// and Update call it again before saving.
func (p Params) Validate() error {
	p = p.Normalize()
	fields := map[string]string{}
	switch {
	case p.Name == "":
		fields["name"] = "can't be blank"
	case !fieldtext.Valid(p.Name):
		fields["name"] = fieldtext.Invalid
	case utf8.RuneCountInString(p.Name) > MaxNameLength:
		fields["name"] = fmt.Sprintf("should be at most %d characters", MaxNameLength)
	}
	switch {
	case !fieldtext.Valid(p.Description):
		fields["description"] = fieldtext.Invalid
	case utf8.RuneCountInString(p.Description) > MaxDescriptionLength:
		fields["description"] = fmt.Sprintf("should be at most %d characters", MaxDescriptionLength)
	}
	if len(fields) > 0 {
		return &ValidationError{Fields: fields}
	}
	return nil
}

// FieldErrors returns the per-field messages of err when it is a
// *ValidationError, else nil: what a form template shows.
func FieldErrors(err error) map[string]string {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}
