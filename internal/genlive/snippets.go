package genlive

import (
	"fmt"
	"strconv"
	"strings"
)

// The pieces of code and HTML that differ by field type, for the templates.

// RecordComment is the comment on the field in the record type, or "".
func (f Field) RecordComment() string {
	var c string
	switch f.Type {
	case Date:
		c = "a date, at midnight UTC"
	case Decimal:
		c = `the exact text of a decimal number, such as "12.50"`
	}
	if f.Pointer() {
		if c != "" {
			return c + "; nil when blank"
		}
		return "nil when blank"
	}
	return c
}

// ParamComment is the comment on the field in Params, or "".
func (f Field) ParamComment() string {
	var c string
	switch f.Type {
	case Integer:
		c = "a whole number"
	case Date:
		c = "a date: 2006-01-02"
	case DateTime:
		c = "a date and time in UTC: 2006-01-02T15:04"
	case Decimal:
		c = "a decimal number, such as 12.50"
	case Float:
		c = "a number, such as 2.5 or 1e-3"
	case UUID:
		c = "a UUID, such as 6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	case Enum:
		c = "one of " + f.ValuesVar()
	case References:
		c = "the id of one of the user's " + strings.ReplaceAll(f.Ref.Table, "_", " ")
	case File:
		c = "from Store.PutFile, set by the view: never read from the form"
		if f.Optional {
			return c + "; no Key for none"
		}
		return c
	}
	if f.Optional {
		if c != "" {
			return c + ", or blank"
		}
		return "may be blank"
	}
	return c
}

// FormatError is the message for a value that does not parse.
func (f Field) FormatError() string {
	switch f.Type {
	case Integer:
		return "must be a whole number"
	case Date:
		return "must be a date"
	case DateTime:
		return "must be a date and time"
	case Decimal:
		return "must be a number such as 12.50"
	case Float:
		return "must be a number such as 2.5"
	case UUID:
		return "must be a UUID such as 6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	case Enum, References:
		return "must be one of the choices"
	}
	return ""
}

// Format is the Go expression that turns the record's field, expr, back into
// its Params text. A pointer field is non-nil where this runs.
func (f Field) Format(expr string) string {
	deref := expr
	if f.Pointer() {
		deref = "*" + expr
	}
	switch f.Type {
	case Integer, References:
		return "strconv.FormatInt(" + deref + ", 10)"
	case Float:
		return "strconv.FormatFloat(" + deref + ", 'g', -1, 64)"
	case Date:
		return expr + ".Format(time.DateOnly)" // methods dereference by themselves
	case DateTime:
		return expr + ".UTC().Format(dateTimeLayout)"
	}
	return deref
}

// Display is the html/template action that shows the field of the record at
// prefix: ".Task" on its page, or "" in a list, inside a range over records,
// where a blank text stays blank rather than show a dash.
func (f Field) Display(prefix string) string {
	v := prefix + "." + f.GoName()
	switch f.Type {
	case String, Text, Enum:
		if f.Optional && prefix != "" {
			return fmt.Sprintf(`{{or %s "—"}}`, v)
		}
		return "{{" + v + "}}"
	case Boolean:
		return "{{if " + v + "}}Yes{{else}}No{{end}}"
	case References:
		// The choices are the page's: $ on the record's page, $page in a
		// list's row (see the table component's page). Choices.Label takes
		// an int64: html/template dereferences a pointer.
		choices := "$." + f.ChoicesName()
		if prefix == "" {
			choices = "$page." + f.ChoicesName()
		}
		if f.Pointer() {
			return "{{with " + v + "}}{{" + choices + ".Label .}}{{else}}—{{end}}"
		}
		return "{{" + choices + ".Label " + v + "}}"
	}
	// show prints the value, at "."; a pointer is shown only when not nil.
	show := "{{.}}"
	switch f.Type {
	case Date:
		show = `{{.Format "Jan 2, 2006"}}`
	case DateTime:
		show = `{{.UTC.Format "Jan 2, 2006 15:04"}} UTC`
	}
	if f.Pointer() {
		return "{{with " + v + "}}" + show + "{{else}}—{{end}}"
	}
	if show == "{{.}}" {
		return "{{" + v + "}}"
	}
	return strings.ReplaceAll(show, "{{.", "{{"+v+".")
}

// InputArgs are the arguments of the field's input component (see the
// template's components.html) that follow from its type, each pair with a
// space before it, or "".
func (f Field) InputArgs() string {
	switch f.Type {
	case String:
		return fmt.Sprintf(` "maxlength" "%d" "autocomplete" "off"`, MaxStringLength)
	case Text:
		return ` "type" "textarea"`
	case Integer:
		// Text even for numbers, rather than type="number": what the user
		// typed stays in the field, and a mistake gets the form's own error
		// message.
		return ` "inputmode" "numeric" "autocomplete" "off"`
	case Decimal, Float:
		return ` "inputmode" "decimal" "autocomplete" "off"`
	case UUID:
		return ` "maxlength" "36" "autocomplete" "off"`
	case Boolean:
		return ` "type" "checkbox"`
	case Date:
		return ` "type" "date"`
	case DateTime:
		return ` "type" "datetime-local"`
	case Enum:
		pairs := make([]string, 0, 2*len(f.Values))
		for _, v := range f.Values {
			pairs = append(pairs, strconv.Quote(v), strconv.Quote(f.ValueLabel(v)))
		}
		return fmt.Sprintf(` "type" "select" "prompt" %q "options" (labeled %s)`, f.SelectPrompt(), strings.Join(pairs, " "))
	case References:
		// Choices are a []Choice, whose Value and Label the component reads.
		return fmt.Sprintf(` "type" "select" "prompt" %q "options" $.%s`, f.SelectPrompt(), f.ChoicesName())
	}
	return ""
}

// SelectPrompt is the text of a select's empty first choice.
func (f Field) SelectPrompt() string {
	switch {
	case f.Optional:
		return "None"
	case f.Type == References:
		return "Choose " + article(f.StemLabel()) + " " + f.StemLabel()
	}
	return "Choose one"
}

// Shown is the html/template action that shows field f of the record at
// prefix, as Field.Display does, and for a file a link to it, served by the
// resource's file route, with a preview on the record's page when it is an
// image.
func (d *data) Shown(f Field, prefix string) string {
	if f.Type != File {
		return f.Display(prefix)
	}
	v := prefix + "." + f.GoName()
	url := d.Path() + "/{{" + prefix + ".ID}}/files/" + f.Name
	link := `<a href="` + url + `" class="file-link">{{` + v + `.Name}}</a>`
	if prefix != "" {
		link += "{{if " + v + ".IsImage}}" + `<br><img src="` + url + `" alt="{{` + v + `.Name}}" class="file-preview">{{end}}`
	}
	return "{{if " + v + ".Key}}" + link + "{{else}}—{{end}}"
}
