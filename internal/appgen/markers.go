package appgen

import (
	"fmt"
	"regexp"
	"strings"
)

// A region is a part of a template file that belongs to one part of the app, as
// marked by liveapp:PART begin / end comments. A file is a list of blocks: plain
// lines, or regions, which may nest.
type block struct {
	lines []string // the plain lines, when part is ""

	part   Part
	begin  string   // the begin marker line, as written: anchors are made from it
	body   []block  // what the part brings
	alt    []string // what stands in its place without the part (after "else")
	hasAlt bool
}

// markerRE matches a marker once its comment delimiters are gone: "liveapp:auth
// begin", or "liveapp:auth" alone, which is an anchor in an app.
var markerRE = regexp.MustCompile(`^liveapp:([a-z]+)(?: (begin|else|end))?$`)

// commentOpeners and commentClosers are the delimiters markers are written in:
// Go, html/template, Markdown and shell-like files.
var (
	commentOpeners = []string{"{{- /*", "{{/*", "<!--", "//", "#"}
	commentClosers = []string{"*/ -}}", "*/}}", "-->"}
)

// parseMarker reports whether line is a marker, and which. kind is "begin",
// "else", "end", or "" for an anchor.
func parseMarker(line string) (part Part, kind string, ok bool) {
	s := strings.TrimSpace(line)
	if !strings.Contains(s, "liveapp:") {
		return "", "", false
	}
	for _, o := range commentOpeners {
		if rest, found := strings.CutPrefix(s, o); found {
			s = rest
			break
		}
	}
	for _, c := range commentClosers {
		if rest, found := strings.CutSuffix(s, c); found {
			s = rest
			break
		}
	}
	m := markerRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", "", false
	}
	return Part(m[1]), m[2], true
}

// parseTemplate splits a template file into blocks. In Go files, the lines after
// "else" are line comments, uncommented when used; elsewhere "else" opens a
// block comment that the end marker closes, and the lines between are used as
// they are.
func parseTemplate(name, text string) ([]block, error) {
	goFile := strings.HasSuffix(name, ".go")
	type open struct {
		b      block
		inElse bool
		line   int
	}
	var stack []*open
	var top []block
	// list is where the next block goes: the innermost open region's body.
	list := func() *[]block {
		if len(stack) == 0 {
			return &top
		}
		return &stack[len(stack)-1].b.body
	}
	addLine := func(l string) {
		bs := list()
		if n := len(*bs); n > 0 && (*bs)[n-1].part == "" {
			(*bs)[n-1].lines = append((*bs)[n-1].lines, l)
			return
		}
		*bs = append(*bs, block{lines: []string{l}})
	}
	lines := splitLines(text)
	for i, l := range lines {
		part, kind, ok := parseMarker(l)
		if ok && !part.valid() {
			return nil, fmt.Errorf("%s:%d: unknown part %q", name, i+1, part)
		}
		if len(stack) > 0 && stack[len(stack)-1].inElse {
			o := stack[len(stack)-1]
			if !ok {
				if goFile {
					var err error
					if l, err = uncomment(l); err != nil {
						return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
					}
				}
				o.b.alt = append(o.b.alt, l)
				continue
			}
			if part != o.b.part || kind != "end" {
				return nil, fmt.Errorf("%s:%d: want the end of liveapp:%s after its else, found another marker", name, i+1, o.b.part)
			}
		}
		switch {
		case !ok:
			addLine(l)
		case kind == "begin":
			stack = append(stack, &open{b: block{part: part, begin: l}, line: i + 1})
		case kind == "else" || kind == "end":
			if len(stack) == 0 || stack[len(stack)-1].b.part != part {
				return nil, fmt.Errorf("%s:%d: liveapp:%s %s without its begin", name, i+1, part, kind)
			}
			o := stack[len(stack)-1]
			if kind == "else" {
				o.inElse, o.b.hasAlt = true, true
				continue
			}
			stack = stack[:len(stack)-1]
			*list() = append(*list(), o.b)
		default:
			return nil, fmt.Errorf("%s:%d: an anchor (a marker without begin, else or end) in the template", name, i+1)
		}
	}
	if len(stack) > 0 {
		o := stack[len(stack)-1]
		return nil, fmt.Errorf("%s:%d: liveapp:%s begin is never ended", name, o.line, o.b.part)
	}
	return top, nil
}

// uncomment turns an "else" line of a Go file back into code: "\t// x" is "\tx".
func uncomment(l string) (string, error) {
	if strings.TrimSpace(l) == "" {
		return "", nil
	}
	indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
	rest, ok := strings.CutPrefix(l[len(indent):], "//")
	if !ok {
		return "", fmt.Errorf("an else line that is not a // comment: %q", l)
	}
	return indent + strings.TrimPrefix(rest, " "), nil
}

// render returns the lines of blocks for an app with parts. A region of a part
// the app lacks leaves its alternative, and, for auth, which gen.auth can add
// later, an anchor: one marker line, or begin and end lines around the
// alternative.
func render(blocks []block, parts Parts) []string {
	var out []string
	for _, b := range blocks {
		switch {
		case b.part == "":
			out = append(out, b.lines...)
		case parts.has(b.part):
			out = append(out, render(b.body, parts)...)
		case b.part == Auth && b.hasAlt:
			out = append(out, b.begin)
			out = append(out, b.alt...)
			out = append(out, markerLine(b.begin, "end"))
		case b.part == Auth:
			out = append(out, markerLine(b.begin, ""))
		default:
			out = append(out, b.alt...)
		}
	}
	return out
}

// markerLine rewrites a begin marker line into the same comment with another
// kind: "end", or "" for an anchor.
func markerLine(begin, kind string) string {
	i := strings.LastIndex(begin, " begin")
	if kind == "" {
		return begin[:i] + begin[i+len(" begin"):]
	}
	return begin[:i+1] + kind + begin[i+len(" begin"):]
}

// splitLines splits text into lines without their newlines; a final newline
// does not start another line.
func splitLines(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// joinLines is the inverse of splitLines.
func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}
