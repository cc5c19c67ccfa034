package web

import (
	"errors"
	"fmt"
	"html/template"
	"strings"

	"github.com/liveapp/liveapp/live"
)

// Function components are the templates of templates/components.html: input,
// label, errors, button, table, flash, header and modal. A page calls one with
// the dict function, which gathers its arguments by name:
//
//	{{template "input" (dict "name" "email" "type" "email" "label" "Email" "value" .Email "error" .Errors.email)}}
//
// The keys are lower case, like HTML attributes, and a key left out is blank.
// Where a component needs a piece of markup of the page's own (a table's rows,
// a header's buttons), it takes the name of a template the page defines, and
// renders it with the render function below. components.html lists every
// component's keys.

// Option is one choice of a select input: the value the form sends and the
// text the user sees.
type Option struct {
	Value string
	Label string
}

// componentFuncs are the functions the components, and the pages that call
// them, use. render executes a template of set by name: set is filled in once
// the templates are parsed.
func componentFuncs(set **template.Template) template.FuncMap {
	return template.FuncMap{
		"dict":    dict,
		"list":    func(items ...any) []any { return items },
		"options": options,
		"labeled": labeled,
		"render": func(name string, data any) (template.HTML, error) {
			var b strings.Builder
			if err := (*set).ExecuteTemplate(&b, name, data); err != nil {
				return "", err
			}
			// It is the output of a template of the set, escaped as it ran.
			return template.HTML(b.String()), nil
		},
		"showModal":    showModal,
		"hideModal":    hideModal,
		"confirmModal": confirmModal,
	}
}

// dict makes a map of its arguments, taken in pairs of a key and a value:
// the arguments of a component.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, errors.New("dict: want pairs of a key and a value, got an odd number of arguments")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		key, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %d is a %T, not a string", i/2+1, pairs[i])
		}
		m[key] = pairs[i+1]
	}
	return m, nil
}

// options makes the choices of a select from values that are their own
// labels: (options "low" "medium" "high").
func options(values ...string) []Option {
	opts := make([]Option, len(values))
	for i, v := range values {
		opts[i] = Option{Value: v, Label: v}
	}
	return opts
}

// labeled makes the choices of a select from pairs of a value and its label:
// (labeled "in_progress" "In progress" "done" "Done").
func labeled(pairs ...string) ([]Option, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("labeled: %d arguments, want pairs of a value and a label", len(pairs))
	}
	opts := make([]Option, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		opts = append(opts, Option{Value: pairs[i], Label: pairs[i+1]})
	}
	return opts, nil
}

// showModal opens the modal of the given id in the browser, with no round
// trip, and moves the focus to its cancel button.
func showModal(id string) live.JS {
	return live.JS{}.Show("#"+id, live.Transition{Classes: "modal-in"}).Focus("#" + id + " .modal-cancel")
}

// hideModal closes the modal of the given id in the browser.
func hideModal(id string) live.JS { return live.JS{}.Hide("#" + id) }

// confirmModal closes the modal and sends event to the view, with the
// live-value-* attributes of the element it is on. The view's handler decides,
// as for any event, whether the user may do what it asks.
func confirmModal(id, event string) live.JS {
	return hideModal(id).Push(event, nil)
}
