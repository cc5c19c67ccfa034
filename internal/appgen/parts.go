package appgen

import "path"

// Part names a piece of the template an app may go without.
type Part string

const (
	// Auth is accounts: registration, logging in and out, settings, sessions,
	// the accounts schema and the mail that goes with them.
	Auth Part = "auth"
	// Projects is the sample resource. Projects belong to users, so an app
	// with projects has Auth too.
	Projects Part = "projects"
)

func (p Part) valid() bool { return p == Auth || p == Projects }

// Parts says which parts an app has.
type Parts struct {
	Auth     bool
	Projects bool // requires Auth
}

// Full is what liveapp new makes: every part.
var Full = Parts{Auth: true, Projects: true}

func (ps Parts) has(p Part) bool {
	switch p {
	case Auth:
		return ps.Auth
	case Projects:
		return ps.Projects
	}
	return false
}

// wholeFiles lists the template files that belong to one part, as path.Match
// patterns; every other file belongs to all apps, minus its marked regions.
var wholeFiles = []struct {
	pattern string
	part    Part
}{
	{"internal/web/user_*", Auth},
	{"internal/web/multinode_test.go", Auth},
	{"internal/web/modal_test.go", Auth},
	{"internal/avatars/*", Auth},
	{"internal/web/testdata/fuzz/FuzzUser*/*", Auth},
	{"internal/web/templates/user_*", Auth},
	{"internal/projects/*", Projects},
	{"internal/web/projects*", Projects},
	{"internal/web/templates/project_*", Projects},
	{"migrations/*_create_projects.sql", Projects},
}

// owner returns the part the template file at p belongs to, or "".
func owner(p string) Part {
	for _, w := range wholeFiles {
		if ok, _ := path.Match(w.pattern, p); ok {
			return w.part
		}
	}
	return ""
}
