package appgen

import (
	"fmt"
	"regexp"
	"strings"
)

// The template's own names, which a stamped app replaces with its own.
const (
	templateModule = "github.com/liveapp/liveapp/template"
	templateName   = "app"
	liveappModule  = "github.com/liveapp/liveapp"
)

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// unbuildable are the names that nameRE lets through but the go command cannot
// build an app under, each with the reason. Every other name builds, Go keywords,
// predeclared identifiers and standard-library paths included: a name is only ever
// a directory, a module path and a string, never an identifier. TestNamesThatNewAccepts
// in cmd/liveapp builds apps with such names to keep that true.
var unbuildable = map[string]string{
	"go":        "the go command reserves the module paths go and toolchain for Go itself",
	"toolchain": "the go command reserves the module paths go and toolchain for Go itself",
	"vendor":    "the go command reads import paths that start with vendor/ as vendored copies of other modules",
	"testdata":  "the go command's ./... skips directories named testdata, so go build, vet and test would leave out cmd/testdata",
}

// ValidateName checks an app's name. It names the app's directory, its command
// (cmd/NAME), its binary, its development database and, unless --module says
// otherwise, its module, so it is kept to lower-case letters, digits and
// underscores, starting with a letter, and it must not be one of the few such
// names the go command cannot build an app under (go, toolchain, vendor,
// testdata).
func ValidateName(name string) error {
	if !nameRE.MatchString(name) || len(name) > 50 {
		return fmt.Errorf("app name %q: use lower-case letters, digits and underscores, starting with a letter, such as shop or my_shop (it names the directory, cmd/NAME and the binary)", name)
	}
	if why, ok := unbuildable[name]; ok {
		return fmt.Errorf("app name %q: the app would not build: %s; choose another, such as %s_app", name, why, name)
	}
	return nil
}

// ValidateModule checks a module path the way the go command does for a main
// module: slash-separated elements of letters, digits and -._~, none empty,
// none starting or ending with a dot, not go or toolchain, and not starting with
// vendor/. It also refuses liveapp's own path and the
// paths under it, which the app's go.mod already gives to liveapp.
func ValidateModule(path string) error {
	bad := func(why string) error { return fmt.Errorf("module path %q: %s", path, why) }
	if path == "" {
		return bad("empty")
	}
	if path == liveappModule || strings.HasPrefix(path, liveappModule+"/") {
		return bad("that is liveapp's own module, which the app requires; choose the app's own, such as example.com/shop")
	}
	if path == "go" || path == "toolchain" {
		return bad(unbuildable[path])
	}
	for i, elem := range strings.Split(path, "/") {
		switch {
		case i == 0 && elem == "vendor":
			return bad(unbuildable["vendor"])
		case elem == "":
			return bad("an empty element (a leading, trailing or double slash)")
		case elem == "." || elem == "..":
			return bad("a . or .. element")
		case elem[0] == '.' || elem[len(elem)-1] == '.':
			return bad(fmt.Sprintf("element %q starts or ends with a dot", elem))
		case i == 0 && elem[0] == '-':
			return bad("it starts with a dash")
		}
		for _, r := range elem {
			if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~", r)) {
				return bad(fmt.Sprintf("character %q: use letters, digits and -._~ between slashes", r))
			}
		}
	}
	return nil
}

// A rename replaces the template's names in a file with an app's: the import
// path prefix, and the name "app" where it names the command, the binary or the
// database.
type rename struct {
	re   *regexp.Regexp
	repl string // a regexp replacement, in which NAME stands for the app's name
}

var renames = []rename{
	{regexp.MustCompile(`(?m)^// Command app\b`), "// Command NAME"},                        // main's doc
	{regexp.MustCompile(`\bcmd/app\b`), "cmd/NAME"},                                         // cmd/app, its main.go
	{regexp.MustCompile(`\bapp_dev\b`), "NAME_dev"},                                         // the development database
	{regexp.MustCompile(`\./app\b`), "./NAME"},                                              // ./app migrate
	{regexp.MustCompile(`-o app\b`), "-o NAME"},                                             // go build -o app
	{regexp.MustCompile("(^|[\\s`(])app( +)(serve|migrate|secret)\\b"), "${1}NAME${2}${3}"}, // `app migrate`
	{regexp.MustCompile(`(?m)^# app$`), "# NAME"},                                           // the README's title
	{regexp.MustCompile(`(?m)^/app$`), "/NAME"},                                             // .gitignore: the binary
	{regexp.MustCompile(`(const AppName = )"app"`), `${1}"NAME"`},                           // what users see
	{regexp.MustCompile(`(const CookiePrefix = )"app"`), `${1}"NAME"`},                      // its cookies' names
	{regexp.MustCompile(`(?m)^((?:#\s+)?docker .*\s)app\b`), "${1}NAME"},                    // the image, in docker commands
	{regexp.MustCompile(`\b(system/|Description=|User=|/etc/|bin/)app\b`), "${1}NAME"},      // the systemd unit
}

// renameText replaces the template's names in text with name and module.
func renameText(text, name, module string) string {
	text = strings.ReplaceAll(text, `"`+templateModule+`/`, `"`+module+`/`)
	text = strings.ReplaceAll(text, `"`+templateModule+`"`, `"`+module+`"`)
	if name == templateName {
		return text
	}
	name = strings.ReplaceAll(name, "$", "$$") // literal in a replacement
	for _, r := range renames {
		text = r.re.ReplaceAllString(text, strings.ReplaceAll(r.repl, "NAME", name))
	}
	return text
}

// renamePath moves the template's cmd/app to cmd/NAME.
func renamePath(p, name string) string {
	if rest, ok := strings.CutPrefix(p, "cmd/"+templateName+"/"); ok {
		return "cmd/" + name + "/" + rest
	}
	return p
}
