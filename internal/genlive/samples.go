package genlive

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"
)

// The values the generated tests give fields. Set 1 is what a test creates,
// set 2 what it changes that to; each value of set 2 differs from set 1, so a
// page that still shows the old one fails the test.

// sample is a field's value in a set: the text a form sends (for a checkbox,
// "true" or "" for unchecked), or, for text fields, what goes around the word
// that tells records apart.
type sample struct {
	form  string // the value, without the word
	shown string // the same, as the show page prints it
}

var samples = map[Type][2]sample{
	Integer:  {{"42", "42"}, {"-7", "-7"}},
	Boolean:  {{"true", "Yes"}, {"", "No"}},
	Date:     {{"2025-03-14", "Mar 14, 2025"}, {"2024-02-29", "Feb 29, 2024"}},
	DateTime: {{"2025-03-14T09:30", "Mar 14, 2025 09:30 UTC"}, {"2024-12-31T23:59", "Dec 31, 2024 23:59 UTC"}},
	Decimal:  {{"12.50", "12.50"}, {"0.99", "0.99"}},
	Float:    {{"2.5", "2.5"}, {"-0.125", "-0.125"}},
	UUID:     {{"6ba7b810-9dad-11d1-80b4-00c04fd430c8", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}, {"123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174000"}},
}

// sampleOf is f's value in set, and the same as the show page prints it, for
// a field that is neither text nor unique.
func sampleOf(f Field, set int) sample {
	if f.Type == Enum {
		v := f.Values[(set-1)%len(f.Values)]
		return sample{v, v}
	}
	return samples[f.Type][set-1]
}

// uniqueExpr is the Go expression of the value of f, a unique integer or uuid,
// in set: it differs for each word, through the generated tests' UniqueNumber
// function, since each record of a user needs its own.
func (d *data) uniqueExpr(f Field, set int, word string) string {
	n := d.UniqueNumber() + "(" + word + ")"
	switch {
	case f.Type == Integer && set == 1:
		return "strconv.FormatUint(uint64(" + n + "), 10)"
	case f.Type == Integer:
		return "strconv.FormatUint(uint64(" + n + ")+1<<32, 10)"
	case set == 1:
		return `fmt.Sprintf("6ba7b810-9dad-41d1-80b4-%012d", ` + n + ")"
	}
	return `fmt.Sprintf("123e4567-e89b-42d3-a456-%012d", ` + n + ")"
}

// textPrefix is what comes before the word in a text field's sample: nothing
// for the label field, which is the word alone, else the field's label, so
// that every text field holds a different value.
func (d *data) textPrefix(f Field, set int) string {
	if d.IsLabel(f) {
		return ""
	}
	if set == 2 {
		return "New " + strings.ToLower(f.Label()) + " of "
	}
	return f.Label() + " of "
}

// valueExpr is the Go expression of f's value in set, as a string; word is a
// variable name when it is a lower-case Go identifier, else the word itself.
func (d *data) valueExpr(f Field, set int, word string) string {
	if f.Unique && !f.IsText() {
		if !token.IsIdentifier(word) || strings.ToLower(word) != word {
			word = strconv.Quote(word)
		}
		return d.uniqueExpr(f, set, word)
	}
	if f.Type == References {
		return strconv.Quote(strconv.FormatInt(refSamples[set-1].id, 10))
	}
	if !f.IsText() {
		return strconv.Quote(sampleOf(f, set).form)
	}
	prefix := d.textPrefix(f, set)
	switch {
	case !token.IsIdentifier(word) || strings.ToLower(word) != word:
		return strconv.Quote(prefix + word)
	case prefix == "":
		return word
	}
	return strconv.Quote(prefix) + " + " + word
}

// The file the generated tests give a file field, in both sets: an edit keeps
// the file a record has. The web tests upload fileSampleContent under
// fileSampleName, which the server sniffs as fileSampleType; the store tests
// put a File in Params directly, under a key no file has.
const (
	fileSampleName    = "report.txt"
	fileSampleContent = "Quarterly report: all is well."
	fileSampleType    = "text/plain; charset=utf-8"
	fileSampleKey     = "0123456789abcdef0123456789abcdef.txt"
)

// FileSample is the Go expression of the File of the generated tests.
func (d *data) FileSample() string {
	return fmt.Sprintf("%s.File{Key: %q, Name: %q, Type: %q}", d.Package(), fileSampleKey, fileSampleName, fileSampleType)
}

// FileSampleName is the name of the file the generated tests upload.
func (d *data) FileSampleName() string { return fileSampleName }

// FileSampleContent is what that file holds.
func (d *data) FileSampleContent() string { return fileSampleContent }

// Blank is the Go expression of f's blank value in Params, for the tests.
func (d *data) Blank(f Field) string {
	if f.Type == File {
		return d.Package() + ".File{}"
	}
	return `""`
}

// ParamsLiteral is the body of a Params composite literal holding set, one
// field a line.
func (d *data) ParamsLiteral(set int, word string) string {
	var lines []string
	for _, f := range d.Fields {
		v := d.valueExpr(f, set, word)
		if f.Type == Boolean {
			v = strconv.FormatBool(samples[Boolean][set-1].form == "true")
		}
		if f.Type == File {
			v = d.FileSample()
		}
		lines = append(lines, f.GoName()+": "+v+",")
	}
	return strings.Join(lines, "\n")
}

// FormLiteral is the body of a url.Values composite literal holding set as a
// form submits it: an unchecked checkbox is absent.
func (d *data) FormLiteral(set int, word string) string {
	var lines []string
	for _, f := range d.Fields {
		if f.Type == Boolean && samples[Boolean][set-1].form == "" || f.Type == File {
			continue // an unchecked box is absent, and files are uploaded
		}
		lines = append(lines, strconv.Quote(f.Name)+": {"+d.valueExpr(f, set, word)+"},")
	}
	return strings.Join(lines, "\n")
}

// ShownLines are the Go string literals of the HTML the show page holds for
// set, the most telling first: the heading when there is a label field.
func (d *data) ShownLines(set int, word string) []string {
	var lines []string
	for _, f := range d.Fields {
		shown := d.textPrefix(f, set) + word
		switch {
		case f.Type == References:
			shown = f.refShown(set)
		case f.Type == File:
			lines = append(lines, fmt.Sprintf("`class=\"file-link\">%s</a>`", fileSampleName))
			continue
		case !f.IsText():
			shown = sampleOf(f, set).shown
		}
		id := d.Kebab() + "-" + f.Kebab()
		switch {
		case d.IsLabel(f):
			lines = append([]string{fmt.Sprintf("`<h1 id=%q>%s</h1>`", id, shown)}, lines...)
		case f.Unique && !f.IsText():
			lines = append(lines, fmt.Sprintf("`<dd id=%q>` + %s + `</dd>`", id, d.valueExpr(f, set, word)))
		default:
			lines = append(lines, fmt.Sprintf("`<dd id=%q>%s</dd>`", id, shown))
		}
	}
	return lines
}

// InvalidField is the first field that a form can get wrong, or nil when all
// are checkboxes.
func (d *data) InvalidField() *Field {
	for i, f := range d.Fields {
		if f.Type != Boolean && f.Type != File {
			return &d.Fields[i]
		}
	}
	return nil
}

// BadValue is the Go expression of a value the field refuses whether or not
// it is required: too long, or malformed.
func (f Field) BadValue() string {
	switch f.Type {
	case String, Text:
		return fmt.Sprintf("strings.Repeat(\"x\", %d)", f.MaxLength()+1)
	case Integer:
		return `"many"`
	case Date:
		return `"someday"`
	case DateTime:
		return `"soon"`
	case Float:
		return `"lots"`
	case UUID:
		return `"not-a-uuid"`
	case Enum:
		return `"no such value"`
	case References:
		return `"first"`
	}
	return `"12,50"`
}

// BadMessage is the error that BadValue gets.
func (f Field) BadMessage() string {
	if f.IsText() {
		return fmt.Sprintf("should be at most %d characters", f.MaxLength())
	}
	return f.FormatError()
}

// RefusedValue is the Go expression of a value that the form refuses on
// submit: blank if the field is required.
func (f Field) RefusedValue() string {
	if f.Optional {
		return f.BadValue()
	}
	return `" "`
}

// RefusedMessage is the error that RefusedValue gets.
func (f Field) RefusedMessage() string {
	if f.Optional {
		return f.BadMessage()
	}
	return "can't be blank"
}

// validationCase is a row of the generated TestValidation: a change to valid
// params, and the field that the change makes invalid, or "".
type validationCase struct {
	Name   string
	Change string // Go statements on p, a *Params
	Field  string
}

// ValidationCases lists, for every field, what it accepts and refuses.
func (d *data) ValidationCases() []validationCase {
	var cases []validationCase
	for _, f := range d.Fields {
		set := func(v string) string { return "p." + f.GoName() + " = " + v }
		add := func(name, value, field string) {
			cases = append(cases, validationCase{f.Name + " " + name, set(value), field})
		}
		switch {
		case f.Type == File && f.Optional:
			add("may have no file", d.Blank(f), "")
		case f.Type == File:
			add("must have a file", d.Blank(f), f.Name)
		case f.Type == Boolean:
			add("may be unchecked", "false", "")
		case f.Optional:
			add("may be blank", `""`, "")
		default:
			add("is required", `" "`, f.Name)
		}
		switch f.Type {
		case String, Text:
			add(fmt.Sprintf("of %d characters is accepted", f.MaxLength()), fmt.Sprintf(`strings.Repeat("é", %d)`, f.MaxLength()), "")
			add(fmt.Sprintf("of %d characters is refused", f.MaxLength()+1), fmt.Sprintf(`strings.Repeat("é", %d)`, f.MaxLength()+1), f.Name)
			add("must be valid UTF-8", `"\xff"`, f.Name)
			add("may not hold a NUL byte", `"a\x00b"`, f.Name)
		case Integer:
			add("may be negative", `"-3"`, "")
			add("must be a whole number", `"4.5"`, f.Name)
			add("must fit in 64 bits", `"9223372036854775808"`, f.Name)
		case Date:
			add("must be a date", `"14/03/2025"`, f.Name)
			add("must be a day of the month", `"2025-02-30"`, f.Name)
		case DateTime:
			add("must have a time", `"2025-03-14"`, f.Name)
			add("must be a time of day", `"2025-03-14T25:00"`, f.Name)
		case Float:
			add("may be negative", `"-1.5"`, "")
			add("may have an exponent", `"6.02e23"`, "")
			add("must be a number", `"1,5"`, f.Name)
			add("may not be NaN", `"NaN"`, f.Name)
			add("may not be infinite", `"Inf"`, f.Name)
			add("must fit in a float64", `"1e400"`, f.Name)
		case UUID:
			add("may be in capitals", `"6BA7B810-9DAD-11D1-80B4-00C04FD430C8"`, "")
			add("must have 32 digits", `"6ba7b810-9dad-11d1-80b4"`, f.Name)
			add("may not have braces", `"{6ba7b810-9dad-11d1-80b4-00c04fd430c8}"`, f.Name)
		case References:
			add("must be an id", `"first"`, f.Name)
		case Enum:
			for _, v := range f.Values {
				add("may be "+v, strconv.Quote(v), "")
			}
			add("must be one of its values", `"no_such_value"`, f.Name)
		case Decimal:
			add("may be negative", `"-0.5"`, "")
			add("may have 20 digits and 10 decimals", `"12345678901234567890.1234567890"`, "")
			add("must be a number", `"12,50"`, f.Name)
			add("may not have 21 digits", `"123456789012345678901"`, f.Name)
			add("may not have 11 decimals", `"0.12345678901"`, f.Name)
		}
	}
	return cases
}
