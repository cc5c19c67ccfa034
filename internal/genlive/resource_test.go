package genlive

import (
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	tests := []struct {
		camel, snake, human, lower string
	}{
		{"Task", "task", "task", "task"},
		{"LineItem", "line_item", "line item", "lineItem"},
		{"URLCheck", "url_check", "URL check", "urlCheck"},
		{"Video2Clip", "video2_clip", "video2 clip", "video2Clip"},
	}
	for _, tt := range tests {
		if got := snakeCase(tt.camel); got != tt.snake {
			t.Errorf("snakeCase(%q) = %q, want %q", tt.camel, got, tt.snake)
		}
		if got := humanWords(tt.camel); got != tt.human {
			t.Errorf("humanWords(%q) = %q, want %q", tt.camel, got, tt.human)
		}
		if got := lowerCamel(tt.camel); got != tt.lower {
			t.Errorf("lowerCamel(%q) = %q, want %q", tt.camel, got, tt.lower)
		}
	}
	for phrase, want := range map[string]string{"item": "an", "task": "a", "URL check": "a", "SQL query": "an"} {
		if got := article(phrase); got != want {
			t.Errorf("article(%q) = %q, want %q", phrase, got, want)
		}
	}
	for snake, want := range map[string][2]string{
		"due_on":      {"DueOn", "Due on"},
		"website_url": {"WebsiteURL", "Website URL"},
		"owner_id":    {"OwnerID", "Owner ID"},
	} {
		if got := goName(snake); got != want[0] {
			t.Errorf("goName(%q) = %q, want %q", snake, got, want[0])
		}
		if got := label(snake); got != want[1] {
			t.Errorf("label(%q) = %q, want %q", snake, got, want[1])
		}
	}
}

func TestNewResourceAcceptsEveryType(t *testing.T) {
	r, err := NewResource("LineItem", "line_items", []string{
		"name:string", "notes:text:optional", "quantity:integer", "qty2:int:optional",
		"paid:boolean", "gift:bool", "ship_on:date:optional", "paid_at:datetime", "price:decimal",
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Package() != "lineitems" || r.Path() != "/line_items" || r.GoPlural() != "LineItems" || r.Kebab() != "line-item" {
		t.Errorf("names: package %s, path %s, plural %s, kebab %s", r.Package(), r.Path(), r.GoPlural(), r.Kebab())
	}
	if len(r.Fields) != 9 || r.Fields[3].Type != Integer || !r.Fields[3].Optional || r.Fields[5].Type != Boolean {
		t.Errorf("fields: %+v", r.Fields)
	}
	if l := r.LabelField(); l == nil || l.Name != "name" {
		t.Errorf("label field: %+v, want name", l)
	}
}

func TestNewResourceExplainsWhatIsWrong(t *testing.T) {
	tests := []struct {
		name             string
		singular, plural string
		fields           []string
		want             string // in the error
	}{
		{"a lower-case resource", "task", "tasks", []string{"title:string"}, "CamelCase"},
		{"a resource that is not an identifier", "Task-List", "tasks", []string{"title:string"}, "CamelCase"},
		{"a resource the package declares", "Store", "stores", []string{"title:string"}, "declares a Store"},
		{"a resource whose file is a test", "ItemTest", "items", []string{"title:string"}, "build constraint or a test"},
		{"a CamelCase plural", "Task", "Tasks", []string{"title:string"}, "snake_case"},
		{"a plural equal to the singular", "Note", "note", []string{"title:string"}, "a list and one record need names of their own, such as Note notes"},
		{"a two-word plural equal to the singular", "LineItem", "line_item", []string{"title:string"}, "resource's own name"},
		{"a plural that is a build constraint", "Task", "tasks_linux", []string{"title:string"}, "build constraint"},
		{"a plural that is an SQL keyword", "Order", "order", []string{"title:string"}, "reserved word in SQL"},
		{"a plural named like an import", "Thing", "strings", []string{"title:string"}, "clash with the strings package"},
		{"a plural that is a Go keyword", "Thing", "go", []string{"title:string"}, "Go keyword"},
		{"no fields", "Task", "tasks", nil, "no fields"},
		{"a field without a type", "Task", "tasks", []string{"title"}, "name:type"},
		{"an unknown type", "Task", "tasks", []string{"title:varchar"}, `unknown type "varchar"`},
		{"an unknown modifier", "Task", "tasks", []string{"title:string:required"}, "unknown modifier"},
		{"an optional boolean", "Task", "tasks", []string{"done:boolean:optional"}, "cannot be optional"},
		{"a CamelCase field", "Task", "tasks", []string{"dueOn:date"}, "snake_case"},
		{"a field named id", "Task", "tasks", []string{"id:integer"}, "reserved"},
		{"a field named user_id", "Task", "tasks", []string{"user_id:integer"}, "owner"},
		{"a field named inserted_at", "Task", "tasks", []string{"inserted_at:datetime"}, "reserved"},
		{"a field named updated_at", "Task", "tasks", []string{"updated_at:datetime"}, "reserved"},
		{"a field that is a Go keyword", "Task", "tasks", []string{"type:string"}, "Go keyword"},
		{"a field that is an SQL keyword", "Task", "tasks", []string{"order:integer"}, "reserved word in SQL"},
		{"a field given twice", "Task", "tasks", []string{"title:string", "title:text"}, "given twice"},
		{"a field that would be ID in Go", "Task", "tasks", []string{"i_d:integer"}, "every record has already"},
		{"a resource whose file is the package doc", "Doc", "docs", []string{"title:string"}, "clash with the package's own"},
		{"fields with the same Go name", "Task", "tasks", []string{"url:string", "u_r_l:string"}, "both be URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewResource(tt.singular, tt.plural, tt.fields)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one that says %q", err, tt.want)
			}
		})
	}
}
