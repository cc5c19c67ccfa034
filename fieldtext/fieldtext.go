// Package fieldtext checks the text users submit in form and event fields before it
// reaches the database.
//
// PostgreSQL refuses a text value that holds a NUL byte or is not valid UTF-8 with an
// error ("invalid byte sequence for encoding UTF8"), and a browser form, a websocket
// event or a hand-made request can carry either. Left to the database, such input ends
// as a server error with SQL in it; checked first, it is a validation message shown
// next to the field, like any other mistake. accounts checks every field it stores or
// looks up, and the app's domain packages call Valid in their Validate methods.
package fieldtext

import (
	"strings"
	"unicode/utf8"
)

// Invalid is the validation message for a field that Valid refuses, worded to follow
// the field's name, as in "Name must be valid text".
const Invalid = "must be valid text"

// Valid reports whether s can be stored as PostgreSQL text: it is valid UTF-8 and holds
// no NUL byte.
func Valid(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// Clean returns s with every invalid UTF-8 sequence replaced by U+FFFD and NUL bytes
// removed: for text that is recorded as it came rather than validated, such as the
// User-Agent header of a session.
func Clean(s string) string {
	if Valid(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
