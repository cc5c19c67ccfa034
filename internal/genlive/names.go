package genlive

import (
	"go/token"
	"strings"
	"unicode"
)

// camelWords splits a CamelCase Go name into its words, keeping runs of capitals
// together as one initialism: "LineItem" is [Line Item], "URLCheck" is [URL Check].
func camelWords(s string) []string {
	var words []string
	runes := []rune(s)
	start := 0
	for i := 1; i < len(runes); i++ {
		prev, cur := runes[i-1], runes[i]
		next := rune(0)
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		switch {
		case unicode.IsUpper(cur) && !unicode.IsUpper(prev):
			// "lineItem": a capital after a lower-case letter or a digit.
		case unicode.IsUpper(cur) && unicode.IsLower(next):
			// "URLCheck": the last capital of a run starts the next word.
		default:
			continue
		}
		words = append(words, string(runes[start:i]))
		start = i
	}
	return append(words, string(runes[start:]))
}

// initialisms are the words Go spells in capitals (ID, not Id) when a snake_case
// name becomes a Go name, and that stay in capitals in labels.
var initialisms = map[string]bool{
	"api": true, "ascii": true, "cpu": true, "css": true, "dns": true, "eof": true,
	"guid": true, "html": true, "http": true, "https": true, "id": true, "ip": true,
	"json": true, "pdf": true, "rpc": true, "sku": true, "sla": true, "smtp": true,
	"sql": true, "ssh": true, "tcp": true, "tls": true, "ttl": true, "udp": true,
	"ui": true, "uid": true, "uri": true, "url": true, "utf8": true, "uuid": true,
	"vat": true, "vm": true, "xml": true,
}

// goName turns a snake_case name into an exported Go name: "due_on" is DueOn,
// "website_url" is WebsiteURL.
func goName(snake string) string {
	var b strings.Builder
	for _, w := range strings.Split(snake, "_") {
		if initialisms[w] {
			b.WriteString(strings.ToUpper(w))
		} else {
			b.WriteString(upperFirst(w))
		}
	}
	return b.String()
}

// label turns a snake_case name into the words a page shows: "due_on" is "Due
// on", "website_url" is "Website URL".
func label(snake string) string {
	words := strings.Split(snake, "_")
	for i, w := range words {
		if initialisms[w] {
			words[i] = strings.ToUpper(w)
		}
	}
	return upperFirst(strings.Join(words, " "))
}

// snakeCase turns a CamelCase Go name into snake_case: "LineItem" is line_item.
func snakeCase(camel string) string {
	return strings.ToLower(strings.Join(camelWords(camel), "_"))
}

// humanWords turns a CamelCase Go name into the lower-case words of a sentence,
// keeping initialisms in capitals: "LineItem" is "line item", "URLCheck" is "URL
// check".
func humanWords(camel string) string {
	words := camelWords(camel)
	for i, w := range words {
		if len(w) < 2 || strings.ToUpper(w) != w {
			words[i] = strings.ToLower(w)
		}
	}
	return strings.Join(words, " ")
}

// lowerCamel turns an exported Go name into an unexported one: "LineItem" is
// lineItem, "URLCheck" is urlCheck, "URL" is url.
func lowerCamel(camel string) string {
	words := camelWords(camel)
	words[0] = strings.ToLower(words[0])
	return strings.Join(words, "")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// article returns "a" or "an" for a phrase, going by the sound of its first
// letter: "an item", but "a URL" and "an SQL query", since an initialism is
// spelled out.
func article(phrase string) string {
	first, _, _ := strings.Cut(phrase, " ")
	vowels := "aeiouAEIOU"
	if len(first) > 1 && strings.ToUpper(first) == first {
		vowels = "AEFHILMNORSX"
	}
	if first != "" && strings.ContainsRune(vowels, rune(first[0])) {
		return "an"
	}
	return "a"
}

// isGoKeyword reports whether s is a Go keyword, which no name may be.
func isGoKeyword(s string) bool { return token.Lookup(s).IsKeyword() }

// buildSuffixes are the last words of a file name that the go command reads as
// a build constraint (x_linux.go, x_arm64.go) or a test (x_test.go): a file
// named so would silently vanish from builds.
var buildSuffixes = map[string]bool{
	"test": true,
	// GOOS values
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true,
	"hurd": true, "illumos": true, "ios": true, "js": true, "linux": true, "nacl": true,
	"netbsd": true, "openbsd": true, "plan9": true, "solaris": true, "wasip1": true,
	"windows": true, "zos": true,
	// GOARCH values
	"386": true, "amd64": true, "amd64p32": true, "arm": true, "armbe": true,
	"arm64": true, "arm64be": true, "loong64": true, "mips": true, "mipsle": true,
	"mips64": true, "mips64le": true, "mips64p32": true, "mips64p32le": true,
	"ppc": true, "ppc64": true, "ppc64le": true, "riscv": true, "riscv64": true,
	"s390": true, "s390x": true, "sparc": true, "sparc64": true, "wasm": true,
}

// hasBuildSuffix reports whether the snake_case file name base ends in a word
// the go command treats specially.
func hasBuildSuffix(snake string) bool {
	i := strings.LastIndexByte(snake, '_')
	return i >= 0 && buildSuffixes[snake[i+1:]]
}

// sqlReserved are PostgreSQL's reserved key words, and those it allows as
// function or type names only: none can name a column or table without quotes.
var sqlReserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all analyse analyze and any array as asc
		asymmetric authorization binary both case cast check collate collation column
		concurrently constraint create cross current_catalog current_date current_role
		current_schema current_time current_timestamp current_user default deferrable
		desc distinct do else end except false fetch for foreign freeze from full grant
		group having ilike in initially inner intersect into is isnull join lateral
		leading left like limit localtime localtimestamp natural not notnull null offset
		on only or order outer overlaps placing primary references returning right
		select session_user similar some symmetric system_user table tablesample then
		to trailing true union unique user using variadic verbose when where window
		with`) {
		sqlReserved[w] = true
	}
}
