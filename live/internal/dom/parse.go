package dom

import (
	"errors"
	"strings"
	"sync"
	"unicode/utf8"
)

// maxSize bounds the input of Parse. A view that renders more than this is a bug,
// and a bound keeps a hostile or runaway template from pinning memory.
const maxSize = 64 << 20

// maxDepth bounds element nesting as Blink does: a start tag that would nest
// deeper closes the current element first, so the new one becomes its sibling.
// It keeps every recursive walk of a tree shallow.
const maxDepth = 512

// ErrTooLarge is returned by Parse for input longer than 64 MiB.
var ErrTooLarge = errors.New("dom: html larger than 64 MiB")

// Parse parses an HTML fragment, typically a view's html/template output, the way a
// browser parses the children of a div (and, for table parts at the top level, of a
// template element). The returned root is an element with Tag "" whose Children are
// the fragment's nodes.
//
// Parse accepts any string and never panics; malformed markup is parsed leniently.
// The only error is ErrTooLarge. Parse follows the HTML standard's tokenizer and the
// tree-building rules that matter for template output: void and raw-text elements,
// entities, implied end tags (p, li, dt, dd, option, optgroup, tr, td, th), implied
// tbody, tr and colgroup in tables, SVG and MathML content (self-closing tags, case
// of names, CDATA), and newline dropping after pre, listing and textarea. An end tag
// with no open element is ignored, except that a stray </p> makes an empty p and
// </br> a br, as in browsers. Nesting deeper than 512 elements is flattened, as
// Blink does, so trees stay shallow enough to walk recursively. It does not
// move misplaced content out of tables (foster parenting), reopen formatting
// elements, or apply the adoption agency algorithm; for such malformed input its
// tree can differ from a browser's. Carriage returns are normalized to newlines, NUL
// and invalid UTF-8 become U+FFFD, so every string in the tree is valid UTF-8.
//
// Strings in the tree share memory with src where they need no decoding, so the
// tree keeps src alive.
func Parse(src string) (*Node, error) {
	if len(src) > maxSize {
		return nil, ErrTooLarge
	}
	src = normalize(src)
	p := parserPool.Get().(*parser)
	root := p.parse(src, nil)
	p.release()
	return root, nil
}

// Arena is memory for one parsed tree that a later parse may reuse: a connection that
// diffs every render against the last one parses into two Arenas in turn, so the nodes of
// the tree before last are recycled instead of collected. The zero Arena is empty.
type Arena struct {
	nodes []Node
	ptrs  []*Node
	attrs []Attr
	used  slabCounts // what the last parse into it took, to size the next
}

// slabCounts counts nodes, child pointers and attributes.
type slabCounts struct{ nodes, ptrs, attrs int }

// ParseIn is Parse, building the tree in a's memory. The tree a held before is
// overwritten: it must no longer be used, nor any node of it.
func ParseIn(a *Arena, src string) (*Node, error) {
	if len(src) > maxSize {
		return nil, ErrTooLarge
	}
	src = normalize(src)
	p := parserPool.Get().(*parser)
	root := p.parse(src, a)
	p.release()
	return root, nil
}

// clearTail zeroes the part of slab s past used, when used is still a prefix of s (the
// parser moves to a new slab when one fills up).
func clearTail[T any](s, used []T) {
	if cap(s) > 0 && cap(used) > 0 && &s[:1][0] == &used[:1][0] {
		clear(s[len(used):cap(s)])
	}
}

// slab returns s emptied when it can hold n elements, else a new slice of capacity n.
func slab[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:0]
	}
	return make([]T, 0, n)
}

// normalize applies the input stream preprocessing of browsers.
func normalize(s string) string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// frame is an open element.
type frame struct {
	n     *Node
	start int // index in parser.kids of the element's first child
	ns    uint8
	flags elemFlags // elemInfo of HTML elements, 0 for foreign ones
}

// parser builds a tree while it tokenizes. Nodes, child lists and attributes are
// carved out of a few large arrays instead of being allocated one by one.
type parser struct {
	s      string
	i      int
	stack  []frame
	kids   []*Node   // children of the open elements, innermost last
	attrs  []Attr    // attributes of the tag being read
	dropLF bool      // the next text token loses a leading newline
	openP  int       // open p elements, so that most block tags need not look for one
	open   [64]int32 // open elements by tagHash, so that stray end tags need no walk

	merging *Node // the text node whose text is being merged in merged
	merged  []byte

	est      int // expected nodes
	estAttrs int // expected attributes
	nodes    []Node
	ptrs     []*Node
	attrBuf  []Attr
	spilled  slabCounts // what earlier slabs of this parse hold
}

var parserPool = sync.Pool{New: func() any { return new(parser) }}

func (p *parser) release() {
	clear(p.stack)
	clear(p.kids[:cap(p.kids)])
	clear(p.attrs[:cap(p.attrs)])
	*p = parser{stack: p.stack[:0], kids: p.kids[:0], attrs: p.attrs[:0], merged: p.merged[:0]}
	if cap(p.stack) > 1024 || cap(p.kids) > 1<<14 || cap(p.merged) > 1<<16 {
		return // do not pool scratch grown by a pathological input
	}
	parserPool.Put(p)
}

func (p *parser) parse(s string, a *Arena) *Node {
	p.s, p.i = s, 0
	p.est = strings.Count(s, "<") + 4 // about one node per '<'
	p.estAttrs = strings.Count(s, "=") + 4
	if a == nil {
		a = new(Arena)
	} else {
		// What the last tree left past this one's end would keep its strings alive.
		defer func() {
			clearTail(a.nodes, p.nodes)
			clearTail(a.ptrs, p.ptrs)
			clearTail(a.attrs, p.attrBuf)
			// A page has more nodes than the estimate when text sits between its tags:
			// size the next parse's slabs from this one's, so that it needs none more.
			a.used = slabCounts{p.spilled.nodes + len(p.nodes), p.spilled.ptrs + len(p.ptrs), p.spilled.attrs + len(p.attrBuf)}
		}()
	}
	a.nodes = slab(a.nodes, max(p.est, a.used.nodes))
	a.ptrs = slab(a.ptrs, max(p.est, a.used.ptrs))
	a.attrs = slab(a.attrs, max(p.estAttrs, a.used.attrs))
	p.nodes, p.ptrs, p.attrBuf = a.nodes, a.ptrs, a.attrs
	root := p.newNode()
	root.Type = ElementNode
	p.stack = append(p.stack[:0], frame{n: root})
	p.kids = p.kids[:0]
	for p.i < len(s) {
		p.step()
	}
	for len(p.stack) > 0 {
		p.pop()
	}
	return root
}

// step consumes one token.
func (p *parser) step() {
	s, i := p.s, p.i
	dropLF := p.dropLF
	p.dropLF = false
	if s[i] != '<' || i+1 == len(s) || !tagStart(s[i+1]) {
		end := textEnd(s, i)
		p.text(s[i:end], true, dropLF)
		p.i = end
		return
	}
	switch c := s[i+1]; {
	case c == '/':
		p.endTagOpen(i)
	case c == '!':
		p.markupDecl(i)
	case c == '?':
		p.bogusComment(i + 1)
	default:
		name, self, next := p.readTag(i+1, true)
		p.i = next
		if next < len(s) || name != "" {
			p.startTag(name, self)
		}
	}
}

func tagStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '/' || c == '!' || c == '?'
}

// textEnd returns the end of the text run starting at i: the next '<' that opens a
// tag, comment or declaration.
func textEnd(s string, i int) int {
	for {
		k := indexByte(s, i+1, '<')
		if k < 0 {
			return len(s)
		}
		i = k
		if i+1 < len(s) && tagStart(s[i+1]) {
			return i
		}
	}
}

// indexByte returns the index of the first c in s at or after i, or -1. Tokens
// are short, so it looks at a few bytes itself before calling the vectorized
// search, whose setup costs more than a short scan.
func indexByte(s string, i int, c byte) int {
	for end := min(i+16, len(s)); i < end; i++ {
		if s[i] == c {
			return i
		}
	}
	if i >= len(s) {
		return -1
	}
	if k := strings.IndexByte(s[i:], c); k >= 0 {
		return i + k
	}
	return -1
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r'
}

// Byte classes for the tag tokenizer.
const (
	cSpace   = 1 << iota // \t \n \f \r and space
	cNameEnd             // ends a tag name: space, '/', '>'
	cAttrEnd             // ends an attribute name: space, '/', '>', '='
	cValEnd              // ends an unquoted value: space, '>'
	cUpper               // A-Z
)

var byteClass = func() (t [256]uint8) {
	for _, c := range " \t\n\f\r" {
		t[c] = cSpace | cNameEnd | cAttrEnd | cValEnd
	}
	t['/'] = cNameEnd | cAttrEnd
	t['>'] = cNameEnd | cAttrEnd | cValEnd
	t['='] = cAttrEnd
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = cUpper
	}
	return t
}()

// scan returns the index of the first byte at or after i in class, or len(s).
// upper reports whether it passed an upper-case letter.
func scan(s string, i int, class uint8) (end int, upper bool) {
	var seen uint8
	for ; i < len(s); i++ {
		c := byteClass[s[i]]
		if c&class != 0 {
			break
		}
		seen |= c
	}
	return i, seen&cUpper != 0
}

func skipSpace(s string, i int) int {
	for i < len(s) && byteClass[s[i]]&cSpace != 0 {
		i++
	}
	return i
}

// readTag reads a start or end tag whose name begins at i, up to and including
// its '>'. Attributes of start tags are collected in p.attrs, decoded and
// deduplicated (the first wins). On EOF inside the tag the token is dropped, as
// browsers do: readTag returns name "" and len(s).
func (p *parser) readTag(i int, start bool) (name string, selfClose bool, next int) {
	s := p.s
	j, upper := scan(s, i, cNameEnd)
	name = s[i:j]
	if upper {
		name = lowerString(name)
	}
	p.attrs = p.attrs[:0]
	for {
		j = skipSpace(s, j)
		if j >= len(s) {
			return "", false, len(s)
		}
		switch s[j] {
		case '>':
			return name, selfClose, j + 1
		case '/':
			j++
			if j < len(s) && s[j] == '>' {
				return name, true, j + 1
			}
			continue
		}
		k, upper := scan(s, j+1, cAttrEnd) // the first character may be '='
		upper = upper || byteClass[s[j]]&cUpper != 0
		an := s[j:k]
		j = skipSpace(s, k)
		val := ""
		if j < len(s) && s[j] == '=' {
			j = skipSpace(s, j+1)
			if j >= len(s) {
				return "", false, len(s)
			}
			switch q := s[j]; q {
			case '"', '\'':
				e := indexByte(s, j+1, q)
				if e < 0 {
					return "", false, len(s)
				}
				val = s[j+1 : e]
				j = e + 1
			case '>':
			default:
				k, _ := scan(s, j, cValEnd)
				val = s[j:k]
				j = k
			}
		}
		if start {
			if upper {
				an = lowerString(an)
			}
			p.addAttr(an, val)
		}
	}
}

func (p *parser) addAttr(name, val string) {
	for i := range p.attrs {
		if p.attrs[i].Name == name {
			return
		}
	}
	if indexByte(val, 0, '&') >= 0 {
		val = unescapeAttr(val)
	}
	p.attrs = append(p.attrs, Attr{name, val})
}

// lowerString lowercases ASCII letters, allocating only when there are some.
func lowerString(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}

// endTagOpen handles "</" at i.
func (p *parser) endTagOpen(i int) {
	s := p.s
	switch {
	case i+2 >= len(s):
		p.text("</", false, false)
		p.i = len(s)
	case s[i+2] == '>':
		p.i = i + 3
	case 'a' <= lowerASCII(s[i+2]) && lowerASCII(s[i+2]) <= 'z':
		name, _, next := p.readTag(i+2, false)
		p.i = next
		if name != "" {
			p.endTag(name)
		}
	default:
		p.bogusComment(i + 2)
	}
}

// markupDecl handles "<!" at i: comments, doctypes, CDATA sections.
func (p *parser) markupDecl(i int) {
	s := p.s
	rest := s[i+2:]
	switch {
	case strings.HasPrefix(rest, "--"):
		p.comment(i + 4)
	case len(rest) >= 7 && equalFoldASCII(rest[:7], "doctype"):
		// A doctype in a fragment is ignored.
		if k := strings.IndexByte(rest, '>'); k >= 0 {
			p.i = i + 2 + k + 1
		} else {
			p.i = len(s)
		}
	case strings.HasPrefix(rest, "[CDATA[") && p.top().ns != nsHTML:
		body := rest[7:]
		if k := strings.Index(body, "]]>"); k >= 0 {
			p.text(body[:k], false, false)
			p.i = i + 2 + 7 + k + 3
		} else {
			p.text(body, false, false)
			p.i = len(s)
		}
	default:
		p.bogusComment(i + 2)
	}
}

// comment reads a comment whose data starts at i (after "<!--"), following the
// tokenizer's comment states.
func (p *parser) comment(i int) {
	s := p.s
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, ">"):
		p.addComment("")
		p.i = i + 1
		return
	case strings.HasPrefix(rest, "->"):
		p.addComment("")
		p.i = i + 2
		return
	}
	from := 0
	for {
		k := strings.Index(rest[from:], "--")
		if k < 0 {
			break
		}
		k += from
		if strings.HasPrefix(rest[k+2:], ">") {
			p.addComment(rest[:k])
			p.i = i + k + 3
			return
		}
		if strings.HasPrefix(rest[k+2:], "!>") {
			p.addComment(rest[:k])
			p.i = i + k + 4
			return
		}
		from = k + 1
	}
	// EOF: trailing "-", "--" or "--!" were in end states and are not data.
	data := rest
	if strings.HasSuffix(data, "--!") {
		data = data[:len(data)-3]
	} else if strings.HasSuffix(data, "--") {
		data = data[:len(data)-2]
	} else if strings.HasSuffix(data, "-") {
		data = data[:len(data)-1]
	}
	p.addComment(data)
	p.i = len(s)
}

// bogusComment turns everything from i to the next '>' into a comment.
func (p *parser) bogusComment(i int) {
	s := p.s
	if k := strings.IndexByte(s[i:], '>'); k >= 0 {
		p.addComment(s[i : i+k])
		p.i = i + k + 1
		return
	}
	p.addComment(s[i:])
	p.i = len(s)
}

// readRawText reads the contents of a raw-text, RCDATA or plaintext element n
// starting at p.i, and its end tag.
func (p *parser) readRawText(n *Node, fl elemFlags) {
	s, start := p.s, p.i
	end, found := len(s), false
	if fl&fPlaintext == 0 {
		for j := start; ; {
			k := strings.Index(s[j:], "</")
			if k < 0 {
				break
			}
			k += j
			e := k + 2 + len(n.Tag)
			if e < len(s) && equalFoldASCII(s[k+2:e], n.Tag) && (isSpace(s[e]) || s[e] == '/' || s[e] == '>') {
				end, found = k, true
				break
			}
			j = k + 2
		}
	}
	text := s[start:end]
	if fl&fRCData != 0 && strings.IndexByte(text, '&') >= 0 {
		text = unescapeText(text)
	}
	if fl&fDropLF != 0 && strings.HasPrefix(text, "\n") {
		text = text[1:]
	}
	if text != "" {
		t := p.newNode()
		t.Type, t.Text = TextNode, text
		n.Children = p.allocPtrs([]*Node{t})
	}
	p.i = len(s)
	if found {
		_, _, p.i = p.readTag(end+2, false)
	}
}
