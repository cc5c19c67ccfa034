package dom

import "strings"

// AppendHTML appends the outer HTML of n to buf, or the HTML of its children when n
// is a root (an element with Tag ""). For any tree t returned by Parse,
// Parse(AppendHTML(nil, t)) is Equal to t: text and attribute values are escaped,
// raw-text contents (script, style) are written verbatim, a leading newline of pre,
// listing and textarea is doubled, and SVG and MathML elements without children are
// self-closed. A nil n appends nothing.
//
// A node rendered on its own is rendered as if its parent were an HTML element; an
// element inside SVG rendered alone may therefore not parse back the same.
func AppendHTML(buf []byte, n *Node) []byte {
	if n == nil {
		return buf
	}
	r := renderer{buf: buf, limit: -1}
	if n.Type == ElementNode && n.Tag == "" {
		r.children(n, nsHTML, 0)
	} else {
		r.node(n, childNS(nsHTML, nil, n.Tag), 0)
	}
	return r.buf
}

// renderer writes HTML. With a limit >= 0 it gives up (over = true) as soon as the
// buffer grows past limit, so callers can ask "is the HTML shorter than this?"
// without rendering a large subtree.
type renderer struct {
	buf   []byte
	limit int
	over  bool
	plain bool // a plaintext element was written: the parser reads the rest as its text
}

// node renders n, an element in namespace ns or a text or comment node whose parent
// has the element flags pfl.
func (r *renderer) node(n *Node, ns uint8, pfl elemFlags) {
	if r.over || r.plain {
		return
	}
	switch n.Type {
	case TextNode:
		if pfl&(fRawText|fPlaintext) != 0 {
			r.buf = appendRaw(r.buf, n.Text)
		} else {
			r.buf = appendEscaped(r.buf, n.Text, false)
		}
	case CommentNode:
		r.buf = append(r.buf, "<!--"...)
		r.buf = appendCommentData(r.buf, n.Text)
		r.buf = append(r.buf, "-->"...)
	case ElementNode:
		r.element(n, ns)
	}
	if r.limit >= 0 && len(r.buf) > r.limit {
		r.over = true
	}
}

func (r *renderer) element(n *Node, ns uint8) {
	r.buf = append(r.buf, '<')
	r.buf = append(r.buf, n.Tag...)
	for i, a := range n.Attrs {
		r.buf = append(r.buf, ' ')
		r.buf = append(r.buf, a.Name...)
		// An empty value is written as a bare name, unless the next name starts
		// with '=' and would be read as this one's value.
		if a.Value != "" || i+1 < len(n.Attrs) && strings.HasPrefix(n.Attrs[i+1].Name, "=") {
			r.buf = append(r.buf, '=', '"')
			r.buf = appendEscaped(r.buf, a.Value, true)
			r.buf = append(r.buf, '"')
		}
	}
	var fl elemFlags
	if ns == nsHTML {
		fl = elemInfo(n.Tag)
	} else if len(n.Children) == 0 {
		r.buf = append(r.buf, '/', '>')
		return
	}
	r.buf = append(r.buf, '>')
	if fl&fVoid != 0 {
		return
	}
	if fl&fDropLF != 0 && len(n.Children) > 0 && n.Children[0].Type == TextNode &&
		strings.HasPrefix(n.Children[0].Text, "\n") {
		r.buf = append(r.buf, '\n')
	}
	r.children(n, ns, fl)
	if fl&fPlaintext != 0 {
		r.plain = true // nothing ends a plaintext element
	}
	if r.plain {
		return
	}
	r.buf = append(r.buf, '<', '/')
	r.buf = append(r.buf, n.Tag...)
	r.buf = append(r.buf, '>')
}

// children renders the children of n, an element in namespace ns with flags fl.
func (r *renderer) children(n *Node, ns uint8, fl elemFlags) {
	raw := fl&(fRawText|fPlaintext) != 0
	for _, c := range n.Children {
		if raw && c.Type == TextNode && n.Tag != "plaintext" {
			// Raw text must not close its element early.
			r.buf = appendRawSafe(r.buf, c.Text, n.Tag)
			continue
		}
		var cns uint8
		if c.Type == ElementNode {
			cns = childNS(ns, n, c.Tag)
		}
		r.node(c, cns, fl)
		if r.over {
			return
		}
	}
}

// appendEscaped escapes &, <, > (text) or &, " (attribute values), and carriage
// returns, which the parser would otherwise turn into newlines.
func appendEscaped(buf []byte, s string, attr bool) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch c := s[i]; {
		case c == '&':
			esc = "&amp;"
		case c == '<' && !attr:
			esc = "&lt;"
		case c == '>' && !attr:
			esc = "&gt;"
		case c == '"' && attr:
			esc = "&quot;"
		case c == '\r':
			esc = "&#13;"
		default:
			continue
		}
		buf = append(buf, s[last:i]...)
		buf = append(buf, esc...)
		last = i + 1
	}
	return append(buf, s[last:]...)
}

func appendRaw(buf []byte, s string) []byte { return append(buf, s...) }

// appendRawSafe writes raw text of element tag, breaking any "</tag" that would end
// the element (text from Parse never holds one; hand-built text might).
func appendRawSafe(buf []byte, s, tag string) []byte {
	last := 0
	for i := 0; ; {
		k := strings.Index(s[i:], "</")
		if k < 0 {
			break
		}
		k += i
		e := k + 2 + len(tag)
		if e < len(s) && equalFoldASCII(s[k+2:e], tag) && (isSpace(s[e]) || s[e] == '/' || s[e] == '>') {
			buf = append(buf, s[last:k+1]...)
			buf = append(buf, '\\')
			last = k + 1
		}
		i = k + 2
	}
	return append(buf, s[last:]...)
}

// appendCommentData writes comment text so that it cannot end the comment early.
// Text from Parse is written unchanged.
func appendCommentData(buf []byte, s string) []byte {
	if strings.HasPrefix(s, ">") || strings.HasPrefix(s, "->") {
		buf = append(buf, ' ')
	}
	if !strings.Contains(s, "--") {
		return append(buf, s...)
	}
	for strings.Contains(s, "-->") || strings.Contains(s, "--!>") {
		s = strings.ReplaceAll(s, "--", "- -")
	}
	return append(buf, s...)
}
