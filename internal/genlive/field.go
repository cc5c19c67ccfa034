package genlive

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Type is the type of a field, as the command line names it.
type Type string

// The field types. Types lists them with what each becomes.
const (
	String   Type = "string"   // one line of text, at most MaxStringLength characters
	Text     Type = "text"     // free text, at most MaxTextLength characters
	Integer  Type = "integer"  // a whole number (int64, bigint)
	Boolean  Type = "boolean"  // a checkbox (bool, boolean)
	Date     Type = "date"     // a calendar date (time.Time at midnight UTC, date)
	DateTime Type = "datetime" // a moment, entered in UTC (time.Time, timestamptz)
	Decimal  Type = "decimal"  // an exact decimal number (its text in a string, numeric)
	Float    Type = "float"    // a floating-point number (float64, double precision)
	UUID     Type = "uuid"     // a UUID, entered as text (its lower-case text in a string, uuid)
	Enum     Type = "enum"     // one of a list of values, enum:a,b,c (string, text with a CHECK)
	// References is a foreign key to another resource of the same owner,
	// references:<plural> (int64, bigint): the user's own records only.
	References Type = "references"
	// File is an uploaded file, kept in the app's uploads directory (File in
	// the record: its storage key, its name for display and its sniffed type).
	File Type = "file"
)

// Limits on text fields, in characters, checked by Validate and by the table.
const (
	MaxStringLength = 255
	MaxTextLength   = 10000
)

// typeInfo is what a type becomes in each layer of the generated code.
type typeInfo struct {
	goType string // in the record; optional fields of other types than text are pointers
	sql    string // column type
	doc    string // what `liveapp gen.live --help` says of it
}

var types = map[Type]typeInfo{
	String:   {"string", "text", fmt.Sprintf("a line of text, at most %d characters: string, text", MaxStringLength)},
	Text:     {"string", "text", fmt.Sprintf("free text, at most %d characters: string, text", MaxTextLength)},
	Integer:  {"int64", "bigint", "a whole number: int64, bigint"},
	Boolean:  {"bool", "boolean", "a checkbox: bool, boolean (never optional: unchecked is false)"},
	Date:     {"time.Time", "date", "a date: time.Time at midnight UTC, date"},
	DateTime: {"time.Time", "timestamptz", "a date and time, entered in UTC: time.Time, timestamptz"},
	Decimal:  {"string", "numeric", "an exact decimal number such as 12.50: its text in a string, numeric"},
	Float:    {"float64", "double precision", "a floating-point number such as 2.5 or 1e-3: float64, double precision"},
	UUID:     {"string", "uuid", "a UUID, in its lower-case text: string, uuid"},
	Enum:     {"string", "text", "one of the values listed, chosen in a select: string, text; status:enum:draft,done"},
	References: {"int64", "bigint", "one of the user's own records of another resource, chosen in a select:\n" +
		"             int64, bigint and a foreign key; project_id:references:projects"},
	File: {"File", "text", fmt.Sprintf("an uploaded file of up to %d MB, kept under UPLOADS_DIR: a File (storage key,\n"+
		"             name, sniffed type), three text columns; shown as a link, images with a preview", MaxFileMB)},
}

// MaxFileMB is the largest file a file field takes, in megabytes.
const MaxFileMB = 10

// typeOrder is the order in which help and errors list the types.
var typeOrder = []Type{String, Text, Integer, Boolean, Date, DateTime, Decimal, Float, UUID, Enum, References, File}

// typeAliases are other spellings the command line accepts.
var typeAliases = map[string]Type{"int": Integer, "bool": Boolean}

// Limits on an enum's values.
const (
	maxEnumValues      = 50
	maxEnumValueLength = 40
)

// uniqueTypes are the types a field marked unique may have: those that name
// or number a record.
var uniqueTypes = map[Type]bool{String: true, Integer: true, UUID: true}

var enumValue = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TypesHelp describes each type on a line, for the command's help.
func TypesHelp() string {
	var b strings.Builder
	for _, t := range typeOrder {
		fmt.Fprintf(&b, "  %-10s %s\n", t, types[t].doc)
	}
	return b.String()
}

func typeNames() string {
	names := make([]string, len(typeOrder))
	for i, t := range typeOrder {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// Field is one field of a resource, as given on the command line by
// name:type, followed by the type's argument for enum (enum:a,b,c), and by the
// modifiers optional and unique.
type Field struct {
	Name     string // snake_case: the column, the form field and the key of its errors
	Type     Type
	Values   []string   // an enum's values, in the order given
	Ref      *Reference // what a reference points to
	Optional bool       // may be left blank: "" for text, NULL (a nil pointer) for others
	Unique   bool       // no two records of a user have the same value (blanks aside)
}

var fieldName = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// reservedFields are names a resource has already, or that the generated code
// uses for something else.
var reservedFields = map[string]string{
	"id":          "every record has an id already",
	"user_id":     "every record has a user_id already: its owner",
	"inserted_at": "every record has an inserted_at already",
	"updated_at":  "every record has an updated_at already",
	"params":      "it would clash with the record's Params method",
	"normalize":   "it would clash with the Normalize method of Params",
	"validate":    "it would clash with the Validate method of Params",
	"save":        "the form's submit button has the id \"save\"",
}

// ParseField parses one name:type[:argument][:optional][:unique] argument.
func ParseField(arg string) (Field, error) {
	parts := strings.Split(arg, ":")
	if len(parts) < 2 {
		return Field{}, fmt.Errorf("field %q: want name:type, name:type:optional or name:type:unique, such as title:string", arg)
	}
	f := Field{Name: parts[0]}
	if err := checkFieldName(f.Name); err != nil {
		return Field{}, err
	}
	typ := strings.ToLower(parts[1])
	if alias, ok := typeAliases[typ]; ok {
		typ = string(alias)
	}
	if _, ok := types[Type(typ)]; !ok {
		return Field{}, fmt.Errorf("field %s: unknown type %q; want one of %s", f.Name, parts[1], typeNames())
	}
	f.Type = Type(typ)
	modifiers := parts[2:]
	if f.Type == References {
		if len(modifiers) == 0 || !pluralName.MatchString(modifiers[0]) {
			return Field{}, fmt.Errorf("field %s: a reference names the plural of the resource it points to, as in project_id:references:projects", f.Name)
		}
		if !strings.HasSuffix(f.Name, "_id") || f.Name == "_id" {
			return Field{}, fmt.Errorf("field %s: a reference's name ends in _id, such as %s_id:references:%s", f.Name, f.Name, modifiers[0])
		}
		f.Ref, modifiers = &Reference{Table: modifiers[0]}, modifiers[1:]
	}
	if f.Type == Enum {
		if len(modifiers) == 0 || modifiers[0] == "" || modifiers[0] == "optional" || modifiers[0] == "unique" {
			return Field{}, fmt.Errorf("field %s: an enum lists its values, as in %s:enum:draft,published", f.Name, f.Name)
		}
		values, err := parseEnumValues(f.Name, modifiers[0])
		if err != nil {
			return Field{}, err
		}
		f.Values, modifiers = values, modifiers[1:]
	}
	for _, m := range modifiers {
		switch {
		case m == "optional" && !f.Optional:
			f.Optional = true
		case m == "unique" && !f.Unique:
			f.Unique = true
		case m == "optional" || m == "unique":
			return Field{}, fmt.Errorf("field %s: %s is given twice", f.Name, m)
		default:
			return Field{}, fmt.Errorf("field %s: unknown modifier %q; want optional or unique", f.Name, m)
		}
	}
	switch {
	case f.Type == Boolean && f.Optional:
		return Field{}, fmt.Errorf("field %s: a boolean cannot be optional: unchecked, it is false", f.Name)
	case f.Type == Boolean && f.Unique:
		return Field{}, fmt.Errorf("field %s: a boolean cannot be unique: it has two values", f.Name)
	case f.Type == Text && f.Unique:
		return Field{}, fmt.Errorf("field %s: a text is too long to index as unique; use a string (at most %d characters)", f.Name, MaxStringLength)
	case f.Unique && !uniqueTypes[f.Type]:
		return Field{}, fmt.Errorf("field %s: only string, integer and uuid fields can be unique", f.Name)
	}
	return f, nil
}

// parseEnumValues parses an enum's comma-separated values.
func parseEnumValues(field, list string) ([]string, error) {
	values := strings.Split(list, ",")
	if len(values) < 2 {
		return nil, fmt.Errorf("field %s: an enum needs at least two values, as in %s:enum:draft,published", field, field)
	}
	if len(values) > maxEnumValues {
		return nil, fmt.Errorf("field %s: at most %d values, please", field, maxEnumValues)
	}
	seen := map[string]bool{}
	for _, v := range values {
		switch {
		case !enumValue.MatchString(v) || len(v) > maxEnumValueLength:
			return nil, fmt.Errorf("field %s: enum value %q: want lower snake_case of at most %d characters, such as in_progress", field, v, maxEnumValueLength)
		case seen[v]:
			return nil, fmt.Errorf("field %s: enum value %q is given twice", field, v)
		}
		seen[v] = true
	}
	return values, nil
}

func checkFieldName(name string) error {
	switch {
	case !fieldName.MatchString(name):
		return fmt.Errorf("field name %q: want lower snake_case that starts with a letter, such as due_on", name)
	case len(name) > 40:
		return fmt.Errorf("field name %q: at most 40 characters, please", name)
	case reservedFields[name] != "":
		return fmt.Errorf("field name %q is reserved: %s", name, reservedFields[name])
	case isGoKeyword(name):
		return fmt.Errorf("field name %q is a Go keyword; choose another, such as %s_kind", name, name)
	case sqlReserved[name]:
		return fmt.Errorf("field name %q is a reserved word in SQL; choose another, such as %s_name", name, name)
	}
	return nil
}

// GoName is the field's name in Go: DueOn for due_on.
func (f Field) GoName() string { return goName(f.Name) }

// Label is the field's name as pages show it: "Due on" for due_on, and
// "Project" for a reference project_id, which pages show by its label.
func (f Field) Label() string {
	if f.Type == References {
		return label(strings.TrimSuffix(f.Name, "_id"))
	}
	return label(f.Name)
}

// Kebab is the field's name in HTML ids: due-on for due_on.
func (f Field) Kebab() string { return strings.ReplaceAll(f.Name, "_", "-") }

// Is reports whether the field has type t; templates call it.
func (f Field) Is(t Type) bool { return f.Type == t }

// IsText reports whether the field holds free text (string or text), with a
// length limit.
func (f Field) IsText() bool { return f.Type == String || f.Type == Text }

// BlankIsEmpty reports whether a blank value of the field is "" rather than
// NULL: text, enums and files (whose columns are "" when there is none).
func (f Field) BlankIsEmpty() bool { return f.IsText() || f.Type == Enum || f.Type == File }

// Pointer reports whether the record holds the field as a pointer, nil when
// blank: optional fields whose blank is NULL.
func (f Field) Pointer() bool { return f.Optional && !f.BlankIsEmpty() }

// GoType is the field's type in the record.
func (f Field) GoType() string {
	if f.Pointer() {
		return "*" + types[f.Type].goType
	}
	return types[f.Type].goType
}

// ParamType is the field's type in Params, as a form submits it: text, except
// for checkboxes, and files, which the view sets once it has stored them.
func (f Field) ParamType() string {
	switch f.Type {
	case Boolean:
		return "bool"
	case File:
		return "File"
	}
	return "string"
}

// MaxLength is the longest a text field may be, in characters, or 0.
func (f Field) MaxLength() int {
	switch f.Type {
	case String:
		return MaxStringLength
	case Text:
		return MaxTextLength
	}
	return 0
}

// MaxConst is the name of the Go constant that holds MaxLength.
func (f Field) MaxConst() string { return "Max" + f.GoName() + "Length" }

// fileParts are the parts of a File that a file field keeps, each in a
// column of its own: name_key, name_name, name_type.
var fileParts = []string{"Key", "Name", "Type"}

// ColumnNames are the field's columns: its name, or one per part of a file.
func (f Field) ColumnNames() []string {
	if f.Type != File {
		return []string{f.Name}
	}
	names := make([]string, len(fileParts))
	for i, p := range fileParts {
		names[i] = f.Name + "_" + strings.ToLower(p)
	}
	return names
}

// GoParts are the Go expressions of the field's columns, in the value at
// expr: expr.Attachment.Key, expr.Attachment.Name... for a file.
func (f Field) GoParts(expr string) []string {
	v := expr + "." + f.GoName()
	if f.Type != File {
		return []string{v}
	}
	parts := make([]string, len(fileParts))
	for i, p := range fileParts {
		parts[i] = v + "." + p
	}
	return parts
}

// Column is the field's column definition in CREATE TABLE: for a file,
// those of its three columns.
func (f Field) Column() string {
	if f.Type == File {
		defs := make([]string, 0, len(fileParts))
		for _, name := range f.ColumnNames() {
			if f.Optional {
				defs = append(defs, name+" text NOT NULL DEFAULT ''")
			} else {
				defs = append(defs, name+" text NOT NULL")
			}
		}
		return strings.Join(defs, ",\n  ")
	}
	col := f.Name + " " + types[f.Type].sql
	switch {
	case f.Type == Boolean:
		return col + " NOT NULL DEFAULT false"
	case f.Type == References && f.Optional:
		return col + " REFERENCES " + f.Ref.Table + " (id) ON DELETE SET NULL"
	case f.Type == References:
		return col + " NOT NULL REFERENCES " + f.Ref.Table + " (id) ON DELETE CASCADE"
	case f.BlankIsEmpty() && f.Optional:
		return col + " NOT NULL DEFAULT ''"
	case f.Optional:
		return col
	}
	return col + " NOT NULL"
}

// Check is the CHECK constraint that mirrors the field's validation in SQL, or
// "" when it has none.
func (f Field) Check() string {
	switch {
	case f.Type == References:
		return ""
	case f.Type == File && f.Optional:
		return ""
	case f.Type == File:
		return f.Name + "_key <> ''"
	case f.Type == Enum:
		values := f.Values
		if f.Optional {
			values = append([]string{""}, values...)
		}
		quoted := make([]string, len(values))
		for i, v := range values {
			quoted[i] = "'" + v + "'"
		}
		return fmt.Sprintf("%s IN (%s)", f.Name, strings.Join(quoted, ", "))
	case !f.IsText():
		return ""
	case f.Optional:
		return fmt.Sprintf("length(%s) <= %d", f.Name, f.MaxLength())
	}
	return fmt.Sprintf("length(%s) BETWEEN 1 AND %d", f.Name, f.MaxLength())
}

// CheckName is the name of the field's CHECK constraint: what it checks,
// after the table's name.
func (f Field) CheckName() string {
	switch f.Type {
	case Enum:
		return f.Name + "_value"
	case File:
		return f.Name + "_given"
	}
	return f.Name + "_length"
}

// ValuesVar is the name of the Go variable that holds an enum's values.
func (f Field) ValuesVar() string { return f.GoName() + "Values" }

// ValuesList is an enum's values as Go string literals: "draft", "published".
func (f Field) ValuesList() string {
	quoted := make([]string, len(f.Values))
	for i, v := range f.Values {
		quoted[i] = strconv.Quote(v)
	}
	return strings.Join(quoted, ", ")
}

// ValueLabel is how a form's select shows an enum value: "In progress" for
// in_progress.
func (f Field) ValueLabel(v string) string { return label(v) }

// Reference is what a references field points to: a table of records with
// owners, as Prepare found it in the app's migrations.
type Reference struct {
	Table string // the referenced resource's plural, its table
	// LabelColumn names a referenced record in selects and pages: its first
	// text column that may not be blank, or "" to go by the id.
	LabelColumn string
	// Required are the other columns a record of Table must be given, with a
	// value for each, so that the generated tests can make records to refer to.
	Required []RefColumn
}

// RefColumn is a column of a referenced table that the generated tests set,
// with the SQL of a value it accepts.
type RefColumn struct{ Name, Value string }

// Stem is the reference's name without _id, in Go: Project for project_id.
func (f Field) Stem() string { return goName(strings.TrimSuffix(f.Name, "_id")) }

// StemLabel is the reference's name without _id, as pages say it: "project".
func (f Field) StemLabel() string { return strings.ToLower(label(strings.TrimSuffix(f.Name, "_id"))) }

// ChoicesName is the name of what lists the records a reference may point to:
// the Store's method and the views' field, ProjectChoices.
func (f Field) ChoicesName() string { return f.Stem() + "Choices" }
