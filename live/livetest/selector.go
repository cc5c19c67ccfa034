package livetest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/liveapp/liveapp/live/internal/dom"
)

// A selector is the subset of CSS selectors that names an element in a test: compound
// selectors of a type (button, or *), #id, .class and attribute tests ([name],
// [name=value], [name="value"], and ~= ^= $= *=), joined by descendant (space) and
// child (>) combinators. Pseudo-classes, selector lists and the sibling combinators are
// not supported; parseSelector says so rather than matching something else.
type selector struct {
	parts []compound
	child []bool // child[i]: parts[i] must be a child (not any descendant) of parts[i-1]
}

type compound struct {
	tag     string // "" for any
	id      string
	classes []string
	attrs   []attrTest
}

type attrTest struct {
	name  string
	op    string // "" (present), "=", "~=", "^=", "$=" or "*="
	value string
}

// parseSelector parses src, or says what in it is not supported.
func parseSelector(src string) (*selector, error) {
	p := &selParser{s: src}
	sel := &selector{}
	p.space()
	child := false
	for {
		c, err := p.compound()
		if err != nil {
			return nil, fmt.Errorf("selector %q: %w", src, err)
		}
		sel.parts = append(sel.parts, c)
		sel.child = append(sel.child, child)
		spaced := p.space()
		if p.done() {
			return sel, nil
		}
		switch {
		case p.peek() == '>':
			p.i++
			p.space()
			child = true
		case spaced:
			child = false
		default:
			return nil, fmt.Errorf("selector %q: %w", src, p.unexpected())
		}
	}
}

type selParser struct {
	s string
	i int
}

func (p *selParser) done() bool { return p.i >= len(p.s) }
func (p *selParser) peek() byte { return p.s[p.i] }

func (p *selParser) space() bool {
	start := p.i
	for !p.done() && strings.IndexByte(" \t\n\r\f", p.peek()) >= 0 {
		p.i++
	}
	return p.i > start
}

func (p *selParser) unexpected() error {
	if p.done() {
		return fmt.Errorf("unexpected end")
	}
	switch c := p.peek(); c {
	case ':':
		return fmt.Errorf("pseudo-classes (%s) are not supported", p.s[p.i:])
	case ',':
		return fmt.Errorf("selector lists are not supported")
	case '+', '~':
		return fmt.Errorf("sibling combinators (%c) are not supported", c)
	default:
		return fmt.Errorf("unexpected %q at offset %d", c, p.i)
	}
}

func identByte(c byte) bool {
	return c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func (p *selParser) ident() (string, error) {
	start := p.i
	for !p.done() && identByte(p.peek()) {
		p.i++
	}
	if p.i == start {
		return "", p.unexpected()
	}
	return p.s[start:p.i], nil
}

func (p *selParser) compound() (compound, error) {
	var c compound
	start := p.i
	if !p.done() && p.peek() == '*' {
		p.i++
	} else if !p.done() && identByte(p.peek()) {
		c.tag, _ = p.ident()
	}
	for !p.done() {
		var err error
		switch p.peek() {
		case '#':
			p.i++
			c.id, err = p.ident()
		case '.':
			p.i++
			var class string
			class, err = p.ident()
			c.classes = append(c.classes, class)
		case '[':
			p.i++
			var a attrTest
			a, err = p.attr()
			c.attrs = append(c.attrs, a)
		default:
			if p.i == start {
				return c, p.unexpected()
			}
			return c, nil
		}
		if err != nil {
			return c, err
		}
	}
	if p.i == start {
		return c, p.unexpected()
	}
	return c, nil
}

// attr parses an attribute test after its '['.
func (p *selParser) attr() (attrTest, error) {
	var a attrTest
	p.space()
	name, err := p.ident()
	if err != nil {
		return a, err
	}
	a.name = name
	p.space()
	if p.done() {
		return a, p.unexpected()
	}
	if p.peek() == ']' {
		p.i++
		return a, nil
	}
	switch {
	case p.peek() == '=':
		a.op = "="
	case strings.IndexByte("~^$*", p.peek()) >= 0 && p.i+1 < len(p.s) && p.s[p.i+1] == '=':
		a.op = p.s[p.i : p.i+2]
	default:
		return a, fmt.Errorf("unsupported attribute test at offset %d", p.i)
	}
	p.i += len(a.op)
	p.space()
	if p.done() {
		return a, p.unexpected()
	}
	if q := p.peek(); q == '"' || q == '\'' {
		p.i++
		var b strings.Builder
		for {
			if p.done() {
				return a, fmt.Errorf("unterminated string")
			}
			c := p.peek()
			p.i++
			if c == q {
				break
			}
			if c == '\\' && !p.done() {
				c = p.peek()
				p.i++
			}
			b.WriteByte(c)
		}
		a.value = b.String()
	} else if a.value, err = p.ident(); err != nil {
		return a, err
	}
	p.space()
	if p.done() || p.peek() != ']' {
		return a, p.unexpected()
	}
	p.i++
	return a, nil
}

// match is an element a selector found, with its ancestors below #live-root, nearest
// last: what closest() and a field's form need.
type match struct {
	el        *dom.Node
	ancestors []*dom.Node
}

// find returns the elements under root that sel matches, in document order. Like
// querySelectorAll, it does not look inside <template> contents.
func (sel *selector) find(root *dom.Node) []match {
	var out []match
	var stack []*dom.Node
	var walk func(n *dom.Node)
	walk = func(n *dom.Node) {
		for _, c := range n.Children {
			if c.Type != dom.ElementNode {
				continue
			}
			if sel.matches(len(sel.parts)-1, c, stack) {
				out = append(out, match{el: c, ancestors: slices.Clone(stack)})
			}
			if c.Tag != "template" {
				stack = append(stack, c)
				walk(c)
				stack = stack[:len(stack)-1]
			}
		}
	}
	if root != nil {
		walk(root)
	}
	return out
}

// matches reports whether parts[:i+1] match el, whose ancestors are anc.
func (sel *selector) matches(i int, el *dom.Node, anc []*dom.Node) bool {
	if !sel.parts[i].matches(el) {
		return false
	}
	if i == 0 {
		return true
	}
	if sel.child[i] {
		return len(anc) > 0 && sel.matches(i-1, anc[len(anc)-1], anc[:len(anc)-1])
	}
	for j := len(anc) - 1; j >= 0; j-- {
		if sel.matches(i-1, anc[j], anc[:j]) {
			return true
		}
	}
	return false
}

func (c *compound) matches(el *dom.Node) bool {
	if c.tag != "" && !strings.EqualFold(c.tag, el.Tag) {
		return false
	}
	if c.id != "" {
		if id, _ := el.Attr("id"); id != c.id {
			return false
		}
	}
	if len(c.classes) > 0 {
		class, _ := el.Attr("class")
		have := strings.Fields(class)
		for _, want := range c.classes {
			if !slices.Contains(have, want) {
				return false
			}
		}
	}
	for _, a := range c.attrs {
		if !a.matches(el) {
			return false
		}
	}
	return true
}

func (a *attrTest) matches(el *dom.Node) bool {
	i := slices.IndexFunc(el.Attrs, func(x dom.Attr) bool { return strings.EqualFold(x.Name, a.name) })
	if i < 0 {
		return false
	}
	v := el.Attrs[i].Value
	switch a.op {
	case "":
		return true
	case "=":
		return v == a.value
	case "~=":
		return slices.Contains(strings.Fields(v), a.value)
	case "^=":
		return a.value != "" && strings.HasPrefix(v, a.value)
	case "$=":
		return a.value != "" && strings.HasSuffix(v, a.value)
	default: // "*="
		return a.value != "" && strings.Contains(v, a.value)
	}
}
