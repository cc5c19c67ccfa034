package livetest

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/liveapp/liveapp/live/internal/dom"
)

// The fields of a form as the browser client reads them: FormData for a submit or a form's
// change (formParams in client.js), one control's value for a click or a field's change
// (controlParams), and the live-value-* attributes on top (liveValues).

// eventParams are an event's params as the client builds them: one value is a string,
// repeated names make an array.
type eventParams map[string]any

// paramsOf returns values as an event's params.
func paramsOf(values url.Values) eventParams {
	p := eventParams{}
	for k, vals := range values {
		for _, v := range vals {
			p.add(k, v)
		}
	}
	return p
}

func (p eventParams) add(k, v string) {
	switch old := p[k].(type) {
	case nil:
		p[k] = v
	case string:
		p[k] = []string{old, v}
	case []string:
		p[k] = append(old, v)
	}
}

// liveValues sets NAME to the value of each live-value-NAME attribute of el.
func liveValues(el *dom.Node, p eventParams) {
	for _, a := range el.Attrs {
		if name, ok := strings.CutPrefix(a.Name, "live-value-"); ok {
			p[name] = a.Value
		}
	}
}

// A field is a form control with the state a user can change.
type field struct {
	el       *dom.Node
	kind     string // text, textarea, hidden, file, checkbox, radio, select, select-multiple or button
	name     string
	disabled bool
	value    string   // text, textarea, hidden, button: the current value
	checked  bool     // checkbox, radio
	options  []option // select, select-multiple
}

type option struct {
	value              string
	selected, disabled bool
}

// newField returns the field for a control element (input, select, textarea, button), or
// nil. inDisabled says whether a disabled fieldset disables it.
func newField(el *dom.Node, inDisabled bool) *field {
	f := &field{el: el, disabled: inDisabled || hasAttr(el, "disabled")}
	f.name, _ = el.Attr("name")
	f.value, _ = el.Attr("value")
	switch el.Tag {
	case "input":
		t, _ := el.Attr("type")
		switch t = strings.ToLower(t); t {
		case "checkbox", "radio", "hidden", "file":
			f.kind = t
		case "submit", "image", "reset", "button":
			f.kind = "button"
		default:
			f.kind = "text"
		}
		f.checked = hasAttr(el, "checked")
	case "button":
		f.kind = "button"
	case "textarea":
		f.kind = "textarea"
		f.value = textContent(el)
	case "select":
		f.kind = "select"
		if hasAttr(el, "multiple") {
			f.kind = "select-multiple"
		}
		f.options = selectOptions(el, false, nil)
		if f.kind == "select" {
			fixSelectedness(el, f.options)
		}
	default:
		return nil
	}
	return f
}

func selectOptions(n *dom.Node, disabled bool, out []option) []option {
	for _, c := range n.Children {
		switch {
		case c.Type != dom.ElementNode:
		case c.Tag == "option":
			v, ok := c.Attr("value")
			if !ok {
				v = strings.Join(strings.Fields(textContent(c)), " ")
			}
			out = append(out, option{value: v, selected: hasAttr(c, "selected"), disabled: disabled || hasAttr(c, "disabled")})
		case c.Tag == "optgroup" && n.Tag == "select":
			out = selectOptions(c, hasAttr(c, "disabled"), out)
		}
	}
	return out
}

// fixSelectedness applies the browser's rule for a drop-down select: the last option
// marked selected is the one selected, and with none, the first enabled option is.
func fixSelectedness(el *dom.Node, opts []option) {
	if s, _ := el.Attr("size"); s != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n > 1 {
			return // a list box may have nothing selected
		}
	}
	last := -1
	for i := range opts {
		if opts[i].selected {
			last = i
		}
		opts[i].selected = false
	}
	if last < 0 {
		last = slices.IndexFunc(opts, func(o option) bool { return !o.disabled })
	}
	if last >= 0 {
		opts[last].selected = true
	}
}

func textContent(n *dom.Node) string {
	var b strings.Builder
	var walk func(*dom.Node)
	walk = func(n *dom.Node) {
		for _, c := range n.Children {
			switch c.Type {
			case dom.TextNode:
				b.WriteString(c.Text)
			case dom.ElementNode:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// formFields returns the controls of form in document order. A control inside a
// disabled fieldset is disabled, except inside the fieldset's first legend.
func formFields(form *dom.Node) []*field {
	var out []*field
	var walk func(n *dom.Node, disabled bool)
	walk = func(n *dom.Node, disabled bool) {
		var legend *dom.Node
		inner := disabled
		if n.Tag == "fieldset" {
			inner = disabled || hasAttr(n, "disabled")
			i := slices.IndexFunc(n.Children, func(c *dom.Node) bool { return c.Type == dom.ElementNode && c.Tag == "legend" })
			if i >= 0 {
				legend = n.Children[i]
			}
		}
		for _, c := range n.Children {
			if c.Type != dom.ElementNode {
				continue
			}
			d := inner
			if c == legend {
				d = disabled
			}
			if f := newField(c, d); f != nil {
				out = append(out, f)
			}
			switch c.Tag {
			case "template", "datalist", "select", "textarea":
				// No fields inside: template content is inert, datalist options are
				// suggestions, and a select's and a textarea's content is their value.
			default:
				walk(c, d)
			}
		}
	}
	walk(form, false)
	return out
}

func (f *field) checkedValue() string {
	if v, ok := f.el.Attr("value"); ok {
		return v
	}
	return "on"
}

// entries adds the field's form-data entries, as new FormData(form) lists them: nothing
// for a disabled or unnamed field, an unchecked box or a file input; the selected
// enabled options of a select; the value of anything else. The caller decides which
// button, if any, is the submitter.
func (f *field) entries(p eventParams) {
	if f.disabled || f.name == "" {
		return
	}
	switch f.kind {
	case "file":
	case "checkbox", "radio":
		if f.checked {
			p.add(f.name, f.checkedValue())
		}
	case "select", "select-multiple":
		for _, o := range f.options {
			if o.selected && !o.disabled {
				p.add(f.name, o.value)
			}
		}
	case "button":
		if t, _ := f.el.Attr("type"); !strings.EqualFold(t, "image") {
			p.add(f.name, f.value)
		}
	default:
		p.add(f.name, f.value)
	}
}

// params sets the field's value as the client sends it for a click or a change of the
// field alone: under its name, or "value" when it has none (an unnamed button sends
// nothing).
func (f *field) params(p eventParams) {
	name := f.name
	if name == "" {
		if f.el.Tag == "button" {
			return
		}
		name = "value"
	}
	switch f.kind {
	case "file":
	case "checkbox", "radio":
		if f.checked {
			p[name] = f.checkedValue()
		}
	case "select-multiple":
		vals := []string{}
		for _, o := range f.options {
			if o.selected {
				vals = append(vals, o.value)
			}
		}
		p[name] = vals
	case "select":
		p[name] = ""
		if i := slices.IndexFunc(f.options, func(o option) bool { return o.selected }); i >= 0 {
			p[name] = f.options[i].value
		}
	default:
		p[name] = f.value
	}
}

// editable reports whether a user can change the field's value.
func (f *field) editable() (bool, string) {
	switch {
	case f.disabled:
		return false, "disabled"
	case f.kind == "hidden", f.kind == "file", f.kind == "button":
		return false, "a " + f.kind + " field"
	}
	return true, ""
}

// setValues sets the fields named in values to what a user entered, and says why when a
// user could not have: no such field, a field no user edits, or a choice the field does
// not offer.
func setValues(fields []*field, values url.Values) error {
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		vals := values[name]
		var fs []*field
		why := ""
		for _, f := range fields {
			if f.name != name {
				continue
			}
			if ok, reason := f.editable(); ok {
				fs = append(fs, f)
			} else {
				why = reason
			}
		}
		if len(fs) == 0 {
			if why != "" {
				return fmt.Errorf("a user cannot change field %q: it is %s", name, why)
			}
			return fmt.Errorf("there is no field named %q", name)
		}
		if err := setField(name, fs, vals); err != nil {
			return err
		}
	}
	return nil
}

func setField(name string, fs []*field, vals []string) error {
	kinds := map[string]bool{}
	for _, f := range fs {
		kinds[f.kind] = true
	}
	switch {
	case len(kinds) == 1 && (kinds["checkbox"] || kinds["radio"]):
		if kinds["radio"] && len(vals) != 1 {
			return fmt.Errorf("radio buttons %q take one value, not %q", name, vals)
		}
		for _, v := range vals {
			if !slices.ContainsFunc(fs, func(f *field) bool { return f.checkedValue() == v }) {
				return fmt.Errorf("no %s named %q has the value %q", fs[0].kind, name, v)
			}
		}
		for _, f := range fs {
			f.checked = slices.Contains(vals, f.checkedValue())
		}
	case len(fs) == 1 && (kinds["select"] || kinds["select-multiple"]):
		f := fs[0]
		if f.kind == "select" && len(vals) != 1 {
			return fmt.Errorf("select %q takes one value, not %q", name, vals)
		}
		for _, v := range vals {
			if !slices.ContainsFunc(f.options, func(o option) bool { return o.value == v && !o.disabled }) {
				return fmt.Errorf("select %q has no enabled option %q", name, v)
			}
		}
		chosen := false
		for i := range f.options {
			o := &f.options[i]
			o.selected = slices.Contains(vals, o.value) && !o.disabled && !(f.kind == "select" && chosen)
			chosen = chosen || o.selected
		}
	case len(kinds) == 1 && (kinds["text"] || kinds["textarea"]) || len(kinds) == 2 && kinds["text"] && kinds["textarea"]:
		if len(vals) != len(fs) {
			return fmt.Errorf("values has %d values for %q, which names %d text fields", len(vals), name, len(fs))
		}
		for i, f := range fs {
			f.value = vals[i]
		}
	default:
		return fmt.Errorf("the fields named %q are of different kinds (%d of them); livetest cannot tell which value goes where", name, len(fs))
	}
	return nil
}
