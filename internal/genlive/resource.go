package genlive

import (
	"fmt"
	"go/token"
	"regexp"
	"strings"
)

// Resource is what to generate: a record type owned by users, with its table,
// its data package and its pages.
type Resource struct {
	Singular string  // the record's Go type: Task, LineItem
	Plural   string  // snake_case: the table, the URL path and (without underscores) the package
	Fields   []Field // the fields a user sets, in order
	// Shared says that records have no owner (gen.live --no-scope): every
	// logged-in user sees and edits every one of them.
	Shared bool
}

// Scoped reports whether each record belongs to one user, who alone can reach
// it: the default.
func (r *Resource) Scoped() bool { return !r.Shared }

var (
	singularName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	pluralName   = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
)

// domainNames are the exported names the generated data package declares
// besides the record type, which must not take one of them.
var domainNames = map[string]bool{
	"Store": true, "NewStore": true, "Params": true, "ErrNotFound": true,
	"ValidationError": true, "FieldErrors": true, "Event": true, "EventKind": true,
	"Created": true, "Updated": true, "Deleted": true, "Topic": true, "ParseEvent": true,
	"Choice": true, "Choices": true,
}

// fileNames are the exported names the data package of a resource with a
// file field declares besides domainNames.
var fileNames = map[string]bool{"File": true, "MaxFileSize": true, "ErrFilesOff": true, "ErrFileTooLarge": true}

// generatedImports are the names of the packages the generated code imports:
// the data package may not be named like one of them.
var generatedImports = map[string]bool{
	"accounts": true, "authweb": true, "context": true, "errors": true, "fieldtext": true, "fmt": true,
	"http": true, "io": true, "live": true, "livetest": true, "maps": true,
	"migrations": true, "pgtest": true, "pgx": true, "pgxpool": true, "pubsub": true,
	"regexp": true, "slices": true, "strconv": true, "strings": true, "testing": true,
	"time": true, "url": true, "utf8": true, "web": true,
	"bytes": true, "cmp": true, "mime": true, "unicode": true, "storage": true, "filepath": true, "os": true,
}

// NewResource checks the command line's resource, plural and fields, and
// returns the Resource they describe. Its errors say what to type instead.
func NewResource(singular, plural string, fields []string) (*Resource, error) {
	switch {
	case !singularName.MatchString(singular):
		return nil, fmt.Errorf("resource %q: want a singular CamelCase Go name, such as Task or LineItem", singular)
	case len(singular) > 40:
		return nil, fmt.Errorf("resource %q: at most 40 characters, please", singular)
	case domainNames[singular]:
		return nil, fmt.Errorf("resource %q: the generated package declares a %s of its own; choose another name", singular, singular)
	case snakeCase(singular) == "doc" || snakeCase(singular) == "events" || snakeCase(singular) == "files":
		return nil, fmt.Errorf("resource %q: its file %s.go would clash with the package's own; choose another name", singular, snakeCase(singular))
	case hasBuildSuffix(snakeCase(singular)):
		return nil, fmt.Errorf("resource %q: its file %s.go would be read as a build constraint or a test; choose another name", singular, snakeCase(singular))
	}
	switch {
	case !pluralName.MatchString(plural):
		return nil, fmt.Errorf("plural %q: want lower snake_case, such as tasks or line_items", plural)
	case len(plural) > 40:
		return nil, fmt.Errorf("plural %q: at most 40 characters, please", plural)
	case sqlReserved[plural]:
		return nil, fmt.Errorf("plural %q is a reserved word in SQL; choose another", plural)
	case hasBuildSuffix(plural):
		return nil, fmt.Errorf("plural %q: the file %s.go would be read as a build constraint or a test; choose another", plural, plural)
	case plural == snakeCase(singular):
		return nil, fmt.Errorf("plural %q is the resource's own name: a list and one record need names of their own, such as %s %ss", plural, singular, plural)
	}
	pkg := strings.ReplaceAll(plural, "_", "")
	switch {
	case token.Lookup(pkg).IsKeyword():
		return nil, fmt.Errorf("plural %q: the package %s would be named by a Go keyword; choose another", plural, pkg)
	case generatedImports[pkg]:
		return nil, fmt.Errorf("plural %q: the package %s would clash with the %s package the generated code imports; choose another", plural, pkg, pkg)
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("no fields: give at least one, as name:type (types: %s)", typeNames())
	}
	r := &Resource{Singular: singular, Plural: plural}
	// Go name -> field name, starting with the fields every record has
	seen := map[string]string{"ID": "id", "UserID": "user_id", "InsertedAt": "inserted_at", "UpdatedAt": "updated_at"}
	for _, arg := range fields {
		f, err := ParseField(arg)
		if err != nil {
			return nil, err
		}
		if other, ok := seen[f.GoName()]; ok && reservedFields[other] != "" {
			return nil, fmt.Errorf("field %s would be %s in Go, which every record has already", f.Name, f.GoName())
		}
		if other, ok := seen[f.GoName()]; ok {
			if other == f.Name {
				return nil, fmt.Errorf("field %s is given twice", f.Name)
			}
			return nil, fmt.Errorf("fields %s and %s would both be %s in Go", other, f.Name, f.GoName())
		}
		seen[f.GoName()] = f.Name
		r.Fields = append(r.Fields, f)
	}
	if r.Has(File) && fileNames[singular] {
		return nil, fmt.Errorf("resource %q: with a file field, the generated package declares a %s of its own; choose another name", singular, singular)
	}
	// A file field has three columns, named after it: no other field may
	// have one of their names.
	columns := map[string]string{}
	for _, f := range r.Fields {
		for _, col := range f.ColumnNames() {
			if other, ok := columns[col]; ok {
				return nil, fmt.Errorf("fields %s and %s would both have a column %s; rename one", other, f.Name, col)
			}
			columns[col] = f.Name
		}
	}
	return r, nil
}

// Package is the name of the generated data package: the plural without
// underscores, as Go package names go (line_items is lineitems).
func (r *Resource) Package() string { return strings.ReplaceAll(r.Plural, "_", "") }

// Table is the name of the resource's table.
func (r *Resource) Table() string { return r.Plural }

// Path is the URL path of the resource's list.
func (r *Resource) Path() string { return "/" + r.Plural }

// GoPlural is the plural as an exported Go name: LineItems.
func (r *Resource) GoPlural() string { return goName(r.Plural) }

// Snake is the singular in snake_case, which names files and templates:
// line_item.
func (r *Resource) Snake() string { return snakeCase(r.Singular) }

// Kebab is the singular in HTML ids: line-item.
func (r *Resource) Kebab() string { return strings.ReplaceAll(r.Snake(), "_", "-") }

// PluralKebab is the plural in HTML ids: line-items.
func (r *Resource) PluralKebab() string { return strings.ReplaceAll(r.Plural, "_", "-") }

// Human is the singular as a sentence says it: "line item".
func (r *Resource) Human() string { return humanWords(r.Singular) }

// HumanCap is Human at the start of a sentence: "Line item".
func (r *Resource) HumanCap() string { return upperFirst(r.Human()) }

// HumanPlural is the plural as a sentence says it: "line items".
func (r *Resource) HumanPlural() string { return strings.ReplaceAll(r.Plural, "_", " ") }

// HumanPluralCap is HumanPlural at the start of a sentence: "Line items".
func (r *Resource) HumanPluralCap() string { return upperFirst(r.HumanPlural()) }

// A is the article before Human: "a" or "an".
func (r *Resource) A() string { return article(r.Human()) }

// Lower is the singular as an unexported Go name, the stem of the web
// package's helpers (taskParams, taskPath): lineItem.
func (r *Resource) Lower() string { return lowerCamel(r.Singular) }

// Recv is the receiver name of the record's methods.
func (r *Resource) Recv() string { return strings.ToLower(r.Singular[:1]) }

// LabelField is the field that names a record in titles, headings and links:
// the first required string field, or nil, in which case records go by their
// id ("Task 12").
func (r *Resource) LabelField() *Field {
	for i, f := range r.Fields {
		if f.Type == String && !f.Optional {
			return &r.Fields[i]
		}
	}
	return nil
}

// Has reports whether some field has type t.
func (r *Resource) Has(t Type) bool {
	for _, f := range r.Fields {
		if f.Type == t {
			return true
		}
	}
	return false
}

// HasText reports whether some field holds text, so that tests can look for
// words in pages.
func (r *Resource) HasText() bool { return r.Has(String) || r.Has(Text) }

// HasOptional reports whether some field is optional.
func (r *Resource) HasOptional() bool {
	for _, f := range r.Fields {
		if f.Optional {
			return true
		}
	}
	return false
}

// HasPointer reports whether some field is held as a pointer.
func (r *Resource) HasPointer() bool {
	for _, f := range r.Fields {
		if f.Pointer() {
			return true
		}
	}
	return false
}

// WebNames are the names the generated web code declares in package web.
func (r *Resource) WebNames() []string {
	names := []string{r.Singular + "Index", r.Singular + "Form", r.Singular + "Show",
		"load" + r.Singular, r.Lower() + "Params", r.Lower() + "Path"}
	if r.Has(File) {
		names = append(names, "new"+r.Singular+"Files", "App."+r.FileHandler())
	}
	return names
}

// WebTestNames are the names the generated web tests declare in package
// web_test.
func (r *Resource) WebTestNames() []string {
	return []string{
		"Test" + r.GoPlural() + "NeedALogIn",
		"TestCreateEditAndDelete" + upperFirst(r.A()) + r.Singular,
		"Test" + r.GoPlural() + "FollowChangesInTheOwnersOtherTabs",
		"Test" + r.GoPlural() + "FollowChangesInEveryUsersTabs",
		"TestAnotherUsers" + r.Singular + "CannotBeReached",
		"TestEveryUserReachesEvery" + r.Singular + "Page",
		"valid" + r.Singular, "valid" + r.Singular + "Form", "create" + r.Singular, "first" + r.Singular,
		"unique" + r.Singular + "Number", "forBob" + r.Singular, "addReferenced" + r.Singular, "Test" + r.GoPlural() + "RefuseATakenValueInline",
		"Test" + r.GoPlural() + "KeepTheirFiles", "upload" + r.Singular + "Files",
	}
}
