package genlive

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// resolveReferences fills in the Ref of each reference field of r from the
// app's migrations: the referenced table must exist, belong to users as r's
// records do, and have columns the generated tests know how to fill.
func (a *App) resolveReferences(r *Resource, migration string) error {
	for i, f := range r.Fields {
		if f.Type != References {
			continue
		}
		if r.Shared {
			return fmt.Errorf("field %s: a resource without owners (--no-scope) cannot have references yet: a reference points to one of the user's own records", f.Name)
		}
		table := f.Ref.Table
		if table == r.Table() {
			return fmt.Errorf("field %s: a resource cannot refer to itself yet; refer to another resource", f.Name)
		}
		owner, err := a.tableOwner(table, migration)
		switch {
		case err != nil:
			return err
		case owner == "":
			return fmt.Errorf("field %s: no migration creates a table %s; generate that resource first, or check the plural", f.Name, table)
		case !strings.HasPrefix(owner, migrationsDir+"/"):
			return fmt.Errorf("field %s: %s belongs to %s; a reference points to a resource of the app, owned by its users", f.Name, table, owner)
		}
		sql, err := os.ReadFile(a.path(owner))
		if err != nil {
			return err
		}
		ref, err := parseReferenced(table, string(sql))
		if err != nil {
			return fmt.Errorf("field %s: %s: %w", f.Name, owner, err)
		}
		r.Fields[i].Ref = ref
	}
	return nil
}

var (
	createTableOf = `(?is)\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?(?:public\.)?"?%s"?\s*\((.*?)\n\s*\)\s*;`
	columnLine    = regexp.MustCompile(`^"?([a-z_][a-z0-9_]*)"?\s+([a-z][a-z ]*?(?:\(\d+(?:,\s*\d+)?\))?)(?:\s+(?:not|null|default|references|primary|generated|check|unique|constraint|collate)\b.*)?,?$`)
	checkIn       = regexp.MustCompile(`(?i)check\s*\(\s*"?([a-z_][a-z0-9_]*)"?\s+in\s*\(\s*'([^']*)'`)
)

// refValues are the SQL values the generated tests give the required columns
// of a referenced table, by type: $1 is the record's id, a bigint.
var refValues = map[string]string{
	"bigint": "$1", "integer": "$1", "int": "$1", "smallint": "$1",
	"boolean": "false", "date": "'2025-01-01'", "timestamptz": "now()", "timestamp with time zone": "now()",
	"timestamp": "now()", "numeric": "1", "double precision": "1", "real": "1", "uuid": "gen_random_uuid()",
}

// parseReferenced reads what a reference needs of table from the SQL of the
// migration that creates it.
func parseReferenced(table, sql string) (*Reference, error) {
	m := regexp.MustCompile(fmt.Sprintf(createTableOf, regexp.QuoteMeta(table))).FindStringSubmatch(sql)
	if m == nil {
		return nil, fmt.Errorf("cannot read its CREATE TABLE %s", table)
	}
	enumFirst := map[string]string{}
	for _, c := range checkIn.FindAllStringSubmatch(m[1], -1) {
		enumFirst[strings.ToLower(c[1])] = c[2]
	}
	ref := &Reference{Table: table}
	owned := false
	for _, line := range strings.Split(m[1], "\n") {
		line = strings.TrimSpace(line)
		lower := strings.ToLower(line)
		if line == "" || strings.HasPrefix(line, "--") || strings.HasPrefix(lower, "constraint ") ||
			strings.HasPrefix(lower, "check ") || strings.HasPrefix(lower, "unique ") ||
			strings.HasPrefix(lower, "primary ") || strings.HasPrefix(lower, "foreign ") {
			continue
		}
		c := columnLine.FindStringSubmatch(lower)
		if c == nil {
			return nil, fmt.Errorf("cannot read the column %q of %s", line, table)
		}
		name, typ := c[1], strings.TrimSpace(c[2])
		if name == "user_id" {
			owned = true
		}
		required := strings.Contains(lower, "not null") && !strings.Contains(lower, "default") &&
			!strings.Contains(lower, "generated") && !strings.Contains(lower, "primary key")
		if !required || name == "id" || name == "user_id" {
			continue
		}
		if strings.Contains(lower, "references") {
			return nil, fmt.Errorf("its column %s refers to another table, so the generated tests cannot make %s of their own", name, table)
		}
		switch {
		case typ == "text" && enumFirst[name] != "":
			ref.Required = append(ref.Required, RefColumn{name, "'" + enumFirst[name] + "'"})
		case typ == "text" && ref.LabelColumn == "":
			ref.LabelColumn = name
		case typ == "text" || strings.HasPrefix(typ, "varchar") || strings.HasPrefix(typ, "character varying"):
			ref.Required = append(ref.Required, RefColumn{name, "concat('" + name + " ', $1::bigint)"})
		case refValues[typ] != "":
			ref.Required = append(ref.Required, RefColumn{name, refValues[typ]})
		default:
			return nil, fmt.Errorf("its column %s has the type %s, which the generated tests cannot fill", name, typ)
		}
	}
	if !owned {
		return nil, fmt.Errorf("%s has no user_id column: a reference points to one of the user's own records, of a resource owned by users", table)
	}
	return ref, nil
}

// LabelSQL is the SQL expression that names a referenced record: its label
// column, or the field's stem and the id ("Project 12").
func (f Field) LabelSQL() string {
	if f.Ref.LabelColumn != "" {
		return f.Ref.LabelColumn
	}
	return "'" + upperFirst(f.StemLabel()) + " ' || id"
}

// InsertSQL is the statement with which the generated tests make a record of
// the referenced table: $1 is its id, $2 its owner, $3 its label, if it has a
// label column.
func (f Field) InsertSQL() string {
	cols, vals := []string{"id", "user_id"}, []string{"$1", "$2"}
	if f.Ref.LabelColumn != "" {
		cols, vals = append(cols, f.Ref.LabelColumn), append(vals, "$3")
	}
	for _, c := range f.Ref.Required {
		cols, vals = append(cols, c.Name), append(vals, c.Value)
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", f.Ref.Table, strings.Join(cols, ", "), strings.Join(vals, ", "))
}

// The ids and labels of the records the generated tests make for references
// to point to: two for the first user (alice), and the same plus one for the
// second (bob). Set 1 of the samples points to the first, set 2 to the second.
var refSamples = [2]struct {
	id    int64
	label string
}{{1001, "Alpha"}, {1003, "Beta"}}

// refShown is what pages show of the referenced record of set for f.
func (f Field) refShown(set int) string {
	s := refSamples[set-1]
	if f.Ref.LabelColumn != "" {
		return s.label
	}
	return fmt.Sprintf("%s %d", upperFirst(f.StemLabel()), s.id)
}
