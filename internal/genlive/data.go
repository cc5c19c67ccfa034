package genlive

import (
	"fmt"
	"strconv"
	"strings"
)

// data is what the code templates see: the resource, and what Prepare found
// out about the app. Its methods build the pieces that are easier to write in
// Go than in a template.
type data struct {
	*Resource
	Module string // the app's module path
	Var    string // the variable that holds one record in generated functions
	Flash  bool   // the web package lacks the flash helper, so the views declare it

	dateFunc bool // see DateFunc
}

// IsLabel reports whether f is the label field.
func (d *data) IsLabel(f Field) bool {
	l := d.LabelField()
	return l != nil && l.Name == f.Name
}

// TextFields are the string and text fields, which have a length limit.
func (d *data) TextFields() []Field {
	var fs []Field
	for _, f := range d.Fields {
		if f.IsText() {
			fs = append(fs, f)
		}
	}
	return fs
}

// Checks are the fields with a CHECK constraint.
func (d *data) Checks() []Field {
	var fs []Field
	for _, f := range d.Fields {
		if f.Check() != "" {
			fs = append(fs, f)
		}
	}
	return fs
}

// Uniques are the fields marked unique.
func (d *data) Uniques() []Field {
	var fs []Field
	for _, f := range d.Fields {
		if f.Unique {
			fs = append(fs, f)
		}
	}
	return fs
}

// UniqueIndex is the name of the unique index of f, a field marked unique:
// the Store recognizes its violations by it.
func (d *data) UniqueIndex(f Field) string { return d.Table() + "_" + f.Name + "_key" }

// HasUniqueNumber reports whether the generated tests need uniqueNumber: some
// unique field is not text.
func (d *data) HasUniqueNumber() bool {
	for _, f := range d.Fields {
		if f.Unique && !f.IsText() {
			return true
		}
	}
	return false
}

// References are the reference fields.
func (d *data) References() []Field { return d.ofType(References) }

// ofType returns the fields of type t, in order.
func (d *data) ofType(t Type) []Field {
	var fs []Field
	for _, f := range d.Fields {
		if f.Type == t {
			fs = append(fs, f)
		}
	}
	return fs
}

// RefTables are the reference fields whose table no field before them refers
// to: one per referenced table, for the generated tests to fill.
func (d *data) RefTables() []Field {
	var fs []Field
	seen := map[string]bool{}
	for _, f := range d.References() {
		if !seen[f.Ref.Table] {
			seen[f.Ref.Table] = true
			fs = append(fs, f)
		}
	}
	return fs
}

// ForBob is the Go expression params, of sample set 1 or 2, with each
// reference pointing at the second user's (bob's) record instead of the
// first's, when the resource has references.
func (d *data) ForBob(params string) string {
	if len(d.References()) == 0 {
		return params
	}
	return "forBob" + d.Singular + "(" + params + ")"
}

// UniqueNumber is the name of the generated tests' function that turns a word
// into a number, for unique fields that are not text.
func (d *data) UniqueNumber() string { return "unique" + d.Singular + "Number" }

// FieldList is the fields' names, quoted, for a comment: "title", "notes".
func (d *data) FieldList() string {
	names := make([]string, len(d.Fields))
	for i, f := range d.Fields {
		names[i] = strconv.Quote(f.Name)
	}
	return strings.Join(names, ", ")
}

// ScanArgs are the arguments of the Scan of a row of columns.
func (d *data) ScanArgs() string {
	args := []string{"&" + d.Var + ".ID"}
	if d.Scoped() {
		args = append(args, "&"+d.Var+".UserID")
	}
	for _, f := range d.Fields {
		for _, part := range f.GoParts(d.Var) {
			args = append(args, "&"+part)
		}
	}
	args = append(args, "&"+d.Var+".InsertedAt", "&"+d.Var+".UpdatedAt")
	return wrapList(args, columns("\t")+len("err := row.Scan("), "\t\t")
}

// InsertColumns are the columns an INSERT sets.
func (d *data) InsertColumns() string {
	var cols []string
	if d.Scoped() {
		cols = append(cols, "user_id")
	}
	for _, f := range d.Fields {
		cols = append(cols, f.ColumnNames()...)
	}
	return wrapList(cols, columns("\t\t\t")+len("`INSERT INTO "+d.Table()+" ("), "\t\t\t")
}

// InsertPlaceholders are the placeholders of InsertColumns: $1, $2.
func (d *data) InsertPlaceholders() string {
	ps := make([]string, d.columnCount())
	if d.Scoped() {
		ps = append(ps, "")
	}
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	return wrapList(ps, columns("\t\t\t")+len("VALUES ("), "\t\t\t")
}

// UpdateSets is an UPDATE's SET list, with the fields' placeholders numbered
// after the user's id and the record's ($3), or the record's alone ($2) for a
// shared resource.
func (d *data) UpdateSets() string {
	sets := make([]string, 0, len(d.Fields)+1)
	first := 2
	if d.Scoped() {
		first = 3
	}
	n := first
	for _, f := range d.Fields {
		for _, col := range f.ColumnNames() {
			sets = append(sets, fmt.Sprintf("%s = $%d", col, n))
			n++
		}
	}
	sets = append(sets, "updated_at = now()")
	return wrapList(sets, columns("\t\t\t")+len("`UPDATE "+d.Table()+" SET "), "\t\t\t")
}

// ValueArgs are the arguments of a query: lead, then the parsed values of the
// fields, in column order (values.Title, values.Notes).
func (d *data) ValueArgs(lead ...string) string {
	args := lead
	for _, f := range d.Fields {
		args = append(args, f.GoParts("values")...)
	}
	return wrapList(args, columns("\t\t"), "\t\t")
}

// codeWidth is the column that generated lists of columns and arguments wrap
// at, leaving room for what closes them.
const codeWidth = 96

// wrapList joins items with ", ", breaking the line before an item that would
// pass codeWidth. The first line starts at column start, the others with
// indent.
func wrapList(items []string, start int, indent string) string {
	var lines []string
	for _, group := range groupList(items, start, columns(indent)) {
		lines = append(lines, strings.Join(group, ", "))
	}
	return strings.Join(lines, ",\n"+indent)
}

// groupList splits items into the lines of wrapList.
func groupList(items []string, start, indent int) [][]string {
	var groups [][]string
	var group []string
	col := start
	for _, it := range items {
		if len(group) > 0 && col+2+len(it) > codeWidth {
			groups = append(groups, group)
			group, col = nil, indent
		}
		if len(group) > 0 {
			col += 2
		}
		group = append(group, it)
		col += len(it)
	}
	return append(groups, group)
}

// Columns is the Go expression of every column of the table, in the order
// scan reads them: a string literal, split in several when long.
func (d *data) Columns() string {
	cols := []string{"id"}
	if d.Scoped() {
		cols = append(cols, "user_id")
	}
	for _, f := range d.Fields {
		cols = append(cols, f.ColumnNames()...)
	}
	cols = append(cols, "inserted_at", "updated_at")
	groups := groupList(cols, len(`const columns = "`), columns("\t")+1)
	lits := make([]string, len(groups))
	for i, g := range groups {
		text := strings.Join(g, ", ")
		if i < len(groups)-1 {
			text += ", "
		}
		lits[i] = strconv.Quote(text)
	}
	return strings.Join(lits, " +\n\t")
}

// columnCount is the number of the fields' columns.
func (d *data) columnCount() int {
	n := 0
	for _, f := range d.Fields {
		n += len(f.ColumnNames())
	}
	return n
}

// Files are the file fields.
func (d *data) Files() []Field { return d.ofType(File) }

// RequiredFiles are the file fields that may not be left without a file.
func (d *data) RequiredFiles() []Field {
	var fs []Field
	for _, f := range d.Files() {
		if !f.Optional {
			fs = append(fs, f)
		}
	}
	return fs
}

// ShowTitle is the Go expression of the page title of the record in Var.
func (d *data) ShowTitle() string {
	if l := d.LabelField(); l != nil {
		return d.Var + "." + l.GoName()
	}
	return strconv.Quote(d.HumanCap()+" ") + "+strconv.FormatInt(" + d.Var + ".ID, 10)"
}

// EditTitle is the Go expression of the edit page's title.
func (d *data) EditTitle() string {
	if l := d.LabelField(); l != nil {
		return `"Edit "+` + d.Var + "." + l.GoName()
	}
	return strconv.Quote("Edit "+d.Human()+" ") + "+strconv.FormatInt(" + d.Var + ".ID, 10)"
}

// FormHint is the line under the new form's heading.
func (d *data) FormHint() string {
	var optional, required []Field
	for _, f := range d.Fields {
		switch {
		case d.IsLabel(f):
		case f.Optional:
			optional = append(optional, f)
		case f.Type != Boolean:
			required = append(required, f)
		}
	}
	l := d.LabelField()
	switch {
	case l != nil && len(required) == 0 && len(optional) == 0:
		return fmt.Sprintf("Give it %s %s.", article(l.Label()), strings.ToLower(l.Label()))
	case l != nil && len(required) == 0 && len(optional) == 1:
		return fmt.Sprintf("Give it %s %s; the %s is optional.", article(l.Label()), strings.ToLower(l.Label()), strings.ToLower(optional[0].Label()))
	case len(optional) > 0:
		return "Fields marked optional may stay blank."
	}
	return "Fill in every field, then press Save."
}

// DateFunc reports whether the app's templates have the date function of
// liveapp's template, which the show page then uses for the record's times.
func (d *data) DateFunc() bool { return d.dateFunc }

// MaxFileMB is the largest file a file field takes, in megabytes.
func (d *data) MaxFileMB() int { return MaxFileMB }

// FileKeyColumns are the columns of the file fields' storage keys, for SQL:
// attachment_key, photo_key.
func (d *data) FileKeyColumns() string {
	var cols []string
	for _, f := range d.Files() {
		cols = append(cols, f.ColumnNames()[0])
	}
	return strings.Join(cols, ", ")
}

// FileKeyMatch is the SQL condition that one of the file fields' keys is $1.
func (d *data) FileKeyMatch() string {
	var conds []string
	for _, f := range d.Files() {
		conds = append(conds, f.ColumnNames()[0]+" = $1")
	}
	return strings.Join(conds, " OR ")
}

// FileKeyArgs are the arguments of a Scan of FileKeyColumns into the record
// in v: &v.Attachment.Key, &v.Photo.Key.
func (d *data) FileKeyArgs(v string) string {
	var args []string
	for _, f := range d.Files() {
		args = append(args, "&"+f.GoParts(v)[0])
	}
	return strings.Join(args, ", ")
}

// FileValues are the file fields of the record or params in v, as a list of
// arguments: v.Attachment, v.Photo.
func (d *data) FileValues(v string) string {
	var args []string
	for _, f := range d.Files() {
		args = append(args, v+"."+f.GoName())
	}
	return strings.Join(args, ", ")
}

// FileRoute is the path of the HTTP route that serves the files of a record:
// /docs/{id}/files/{field}.
func (r *Resource) FileRoute() string { return r.Path() + "/{id}/files/{field}" }

// FileHandler is the name of the App method that serves the files.
func (r *Resource) FileHandler() string { return "serve" + r.Singular + "File" }
