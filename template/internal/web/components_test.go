package web

import (
	"strings"
	"testing"
)

// renderComponent runs src, a template that calls components, with data.
func renderComponent(t *testing.T, src string, data any) (string, error) {
	t.Helper()
	set, err := parseTemplates(templateFS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := set.New("test").Parse(src); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	err = set.ExecuteTemplate(&b, "test", data)
	return b.String(), err
}

func TestComponentsRender(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
		not       []string
	}{
		{"a text input with an error",
			`{{template "input" (dict "name" "title" "label" "Title" "value" "<b>" "error" "can't be blank" "maxlength" "255")}}`,
			[]string{`<div class="field invalid">`, `<label for="title">Title</label>`,
				`<input type="text" id="title" name="title" value="&lt;b&gt;" maxlength="255" aria-invalid="true" aria-describedby="title-error">`,
				`<p class="error" id="title-error">Title can&#39;t be blank</p>`},
			nil},
		{"an input without an error shows none",
			`{{template "input" (dict "name" "email" "type" "email" "label" "Email" "required" true)}}`,
			[]string{`<div class="field">`, `<input type="email" id="email" name="email" value="" required>`},
			[]string{`class="error"`, "aria-invalid"}},
		{"every type gen.live uses",
			`{{range list "number" "date" "datetime-local" "password"}}{{template "input" (dict "name" . "type" .)}}{{end}}`,
			[]string{`type="number"`, `type="date"`, `type="datetime-local"`, `type="password"`}, nil},
		{"a textarea",
			`{{template "input" (dict "name" "notes" "type" "textarea" "label" "Notes" "optional" true "value" "a</textarea>")}}`,
			[]string{`<label for="notes">Notes <span class="muted">(optional)</span></label>`,
				`<textarea id="notes" name="notes">a&lt;/textarea&gt;</textarea>`}, nil},
		{"a checkbox",
			`{{template "input" (dict "name" "done" "type" "checkbox" "label" "Done" "checked" true)}}`,
			[]string{`<label class="checkbox"><input type="checkbox" id="done" name="done" value="true" checked> Done</label>`}, nil},
		{"a select marks the chosen option",
			`{{template "input" (dict "name" "size" "type" "select" "prompt" "Choose" "options" (options "s" "m" "l") "value" "m")}}`,
			[]string{`<option value="">Choose</option>`, `<option value="s">s</option>`, `<option value="m" selected>m</option>`}, nil},
		{"a file input",
			`{{template "input" (dict "name" "photo" "type" "file" "accept" ".png" "upload" "photos")}}`,
			[]string{`<input type="file" id="photo" name="photo" live-upload="photos" accept=".png">`}, nil},
		{"a button sending an event with values",
			`{{template "button" (dict "text" "Archive" "click" "archive" "values" (dict "id" 7))}}`,
			[]string{`<button type="button" live-click="archive" live-value-id="7">Archive</button>`}, nil},
		{"a link styled as a button",
			`{{template "button" (dict "text" "Edit" "href" "/x/1/edit" "navigate" true "class" "secondary")}}`,
			[]string{`<a class="button secondary" href="/x/1/edit" live-navigate>Edit</a>`}, nil},
		{"a value attribute name is never an event handler",
			`{{template "button" (dict "text" "x" "values" (dict "onclick" "alert(1)"))}}`,
			nil, []string{"onclick"}},
		{"a table renders its rows with the named template",
			`{{template "table" (dict "id" "things" "headers" (list "Name" "") "rows" (list "a" "<b>") "row" "test_row")}}{{define "test_row"}}<tr><td>{{.}}</td></tr>{{end}}`,
			[]string{`<th>Name</th><th></th>`, `<tbody id="things">`, `<tr><td>a</td></tr>`, `<tr><td>&lt;b&gt;</td></tr>`}, nil},
		{"an empty table says so",
			`{{template "table" (dict "id" "things" "rows" (list) "row" "x" "empty" "None yet." "emptyLink" "Add one." "emptyHref" "/things/new")}}`,
			[]string{`<p class="empty" id="no-things">None yet. <a href="/things/new" live-navigate>Add one.</a></p>`}, []string{"<table"}},
		{"a header with a back link and buttons",
			`{{template "header" (dict "title" "Things" "titleID" "t" "back" "/" "backText" "Home" "actions" (list (dict "text" "New" "href" "/new")))}}`,
			[]string{`<a href="/" live-navigate>← Home</a>`, `<h1 id="t">Things</h1>`, `<a class="button" href="/new">New</a>`}, nil},
		{"a flash",
			`{{template "flash" (dict "kind" "error" "message" "Oops")}}{{template "flash" (dict "message" "")}}`,
			[]string{`<p class="flash flash-error" role="alert">Oops</p>`}, []string{"flash-info"}},
		{"a modal is hidden, and its confirm button hides it and pushes the event",
			`{{template "modal" (dict "id" "m" "title" "Sure?" "event" "delete" "values" (dict "id" 3) "confirm" "Delete" "danger" true)}}`,
			[]string{`<div class="modal" id="m" hidden role="dialog"`, `live-key="Escape"`,
				`id="m-confirm" live-click="[[&#34;hide&#34;,{&#34;to&#34;:&#34;#m&#34;}],[&#34;push&#34;,{&#34;event&#34;:&#34;delete&#34;}]]" live-value-id="3">Delete</button>`},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := renderComponent(t, tt.src, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %s:\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("has %s:\n%s", n, got)
				}
			}
		})
	}
}

func TestDictRefusesBadArguments(t *testing.T) {
	for src, want := range map[string]string{
		`{{template "input" (dict "name")}}`:                       "odd number of arguments",
		`{{template "input" (dict 1 "name")}}`:                     "key 1 is a int, not a string",
		`{{template "table" (dict "row" "nope" "rows" (list 1))}}`: `"nope" is undefined`,
	} {
		if _, err := renderComponent(t, src, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", src, err, want)
		}
	}
}
