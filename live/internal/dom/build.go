package dom

import "strings"

// This file is the tree-building half of the parser: what a token does to the
// stack of open elements, following the HTML standard's insertion modes for the
// parts that matter to template output (see Parse).

func (p *parser) top() *frame { return &p.stack[len(p.stack)-1] }

// Allocation from the parser's arrays. Child and attribute lists are capped so that
// a later append (by Apply) copies instead of writing over a neighbour's list.

func (p *parser) newNode() *Node {
	if len(p.nodes) == cap(p.nodes) {
		p.spilled.nodes += len(p.nodes)
		p.nodes = make([]Node, 0, max(p.est/2, 16))
	}
	p.nodes = p.nodes[:len(p.nodes)+1]
	n := &p.nodes[len(p.nodes)-1]
	*n = Node{} // an Arena's slab holds the nodes of an earlier tree
	return n
}

func (p *parser) allocPtrs(src []*Node) []*Node {
	if len(src) == 0 {
		return nil
	}
	if cap(p.ptrs)-len(p.ptrs) < len(src) {
		p.spilled.ptrs += len(p.ptrs)
		p.ptrs = make([]*Node, 0, max(len(src), p.est/2, 16))
	}
	a := len(p.ptrs)
	p.ptrs = append(p.ptrs, src...)
	return p.ptrs[a:len(p.ptrs):len(p.ptrs)]
}

func (p *parser) allocAttrs(src []Attr) []Attr {
	if len(src) == 0 {
		return nil
	}
	if cap(p.attrBuf)-len(p.attrBuf) < len(src) {
		p.spilled.attrs += len(p.attrBuf)
		p.attrBuf = make([]Attr, 0, max(len(src), p.estAttrs, 16))
	}
	a := len(p.attrBuf)
	p.attrBuf = append(p.attrBuf, src...)
	return p.attrBuf[a:len(p.attrBuf):len(p.attrBuf)]
}

// pop closes the current element, giving it its children.
func (p *parser) pop() {
	p.flushText()
	f := &p.stack[len(p.stack)-1]
	f.n.Children = p.allocPtrs(p.kids[f.start:])
	p.kids = p.kids[:f.start] // release clears the pointers left behind
	if f.ns == nsHTML && f.n.Tag == "p" {
		p.openP--
	}
	p.open[tagHash(f.n.Tag)]--
	p.stack = p.stack[:len(p.stack)-1]
}

// tagHash buckets tag names, case-insensitively, for parser.open.
func tagHash(tag string) int {
	if tag == "" {
		return 0
	}
	// Adjusted SVG names (clipPath) keep a lower-case first letter.
	return (len(tag)*7 + int(lowerASCII(tag[0]))) & (len(parser{}.open) - 1)
}

// popTo closes elements until the stack holds n of them.
func (p *parser) popTo(n int) {
	for len(p.stack) > n && len(p.stack) > 1 {
		p.pop()
	}
}

func (p *parser) addChild(n *Node) {
	p.flushText()
	p.kids = append(p.kids, n)
}

// flushText stores the text merged into the last text node.
func (p *parser) flushText() {
	if p.merging != nil {
		p.merging.Text = string(p.merged)
		p.merging = nil
	}
}

// text appends text to the current element, merging it with a preceding text node.
func (p *parser) text(t string, decode, dropLF bool) {
	if decode && indexByte(t, 0, '&') >= 0 {
		t = unescapeText(t)
	}
	if dropLF && strings.HasPrefix(t, "\n") {
		t = t[1:]
	}
	if t == "" {
		return
	}
	if f := p.top(); len(p.kids) > f.start {
		if last := p.kids[len(p.kids)-1]; last.Type == TextNode {
			// Merge into a buffer: "a</x>a</x>..." must not copy the text each time.
			if p.merging != last {
				p.flushText()
				p.merging = last
				p.merged = append(p.merged[:0], last.Text...)
			}
			p.merged = append(p.merged, t...)
			return
		}
	}
	n := p.newNode()
	n.Type, n.Text = TextNode, t
	p.addChild(n)
}

func (p *parser) addComment(data string) {
	n := p.newNode()
	n.Type, n.Text = CommentNode, data
	p.addChild(n)
}

// insert creates an element with the given attributes as a child of the current
// element and, unless it is void or self-closed foreign, opens it.
func (p *parser) insert(tag string, attrs []Attr, ns uint8, fl elemFlags, selfClose bool) *Node {
	open := fl&fVoid == 0 && !(ns != nsHTML && selfClose)
	if open && len(p.stack) > maxDepth {
		p.pop()
	}
	n := p.newNode()
	n.Type, n.Tag = ElementNode, tag
	n.Attrs = p.allocAttrs(attrs)
	p.addChild(n)
	if !open {
		return n
	}
	if ns == nsHTML && fl&(fRawText|fRCData|fPlaintext) != 0 {
		p.readRawText(n, fl)
		return n
	}
	p.stack = append(p.stack, frame{n: n, start: len(p.kids), ns: ns, flags: fl})
	if ns == nsHTML && tag == "p" {
		p.openP++
	}
	p.open[tagHash(tag)]++
	if ns == nsHTML && fl&fDropLF != 0 {
		p.dropLF = true
	}
	return n
}

// insertImplied opens an element the markup left out (tbody, tr, colgroup, p).
func (p *parser) insertImplied(tag string) {
	p.insert(tag, nil, nsHTML, elemInfo(tag), false)
}

// startTag processes a start tag whose attributes are in p.attrs.
func (p *parser) startTag(name string, selfClose bool) {
	f := p.top()
	if f.ns != nsHTML && !p.htmlRulesFor(f, name) {
		if elemInfo(name)&fBreakout != 0 || name == "font" && p.hasFontAttr() {
			for len(p.stack) > 1 {
				t := p.top()
				if t.ns == nsHTML || htmlIntegration(t.ns, t.n) || mathTextIntegration(t.ns, t.n) {
					break
				}
				p.pop()
			}
			p.htmlStart(name, selfClose)
			return
		}
		p.insertForeign(name, f.ns, selfClose)
		return
	}
	p.htmlStart(name, selfClose)
}

// htmlRulesFor reports whether a start tag seen while foreign element f is
// current is processed by the HTML rules (integration points).
func (p *parser) htmlRulesFor(f *frame, name string) bool {
	if mathTextIntegration(f.ns, f.n) {
		return name != "mglyph" && name != "malignmark"
	}
	if f.ns == nsMath && f.n.Tag == "annotation-xml" && name == "svg" {
		return true
	}
	return htmlIntegration(f.ns, f.n)
}

func (p *parser) hasFontAttr() bool {
	for _, a := range p.attrs {
		if a.Name == "color" || a.Name == "face" || a.Name == "size" {
			return true
		}
	}
	return false
}

// insertForeign inserts an SVG or MathML element, adjusting names as browsers do.
func (p *parser) insertForeign(name string, ns uint8, selfClose bool) {
	attrs := p.attrs
	switch ns {
	case nsSVG:
		name = svgTag(name)
		for i := range attrs {
			attrs[i].Name = svgAttr(attrs[i].Name)
		}
	case nsMath:
		for i := range attrs {
			if attrs[i].Name == "definitionurl" {
				attrs[i].Name = "definitionURL"
			}
		}
	}
	p.insert(name, attrs, ns, 0, selfClose)
}

// htmlStart processes a start tag by the rules for HTML content ("in body" and the
// table modes).
func (p *parser) htmlStart(name string, selfClose bool) {
	fl := elemInfo(name)
	if fl&fOddStart != 0 {
		switch name {
		case "image":
			name, fl = "img", elemInfo("img")
		case "svg":
			p.insertForeign(name, nsSVG, selfClose)
			return
		case "math":
			p.insertForeign(name, nsMath, selfClose)
			return
		default:
			return // html, head, body, frameset, frame: ignored in a fragment
		}
	}
	if fl&fTablePart != 0 || name == "table" || p.top().n.Tag == "colgroup" && p.top().ns == nsHTML {
		if p.tableStart(name, fl) {
			return
		}
	}
	if fl&fClosesP != 0 {
		switch name {
		case "li":
			p.closeListItem(func(t string) bool { return t == "li" })
		case "dd", "dt":
			p.closeListItem(func(t string) bool { return t == "dd" || t == "dt" })
		}
		p.closeP()
		if t := p.top(); fl&fHeading != 0 && t.ns == nsHTML && t.flags&fHeading != 0 {
			p.pop()
		}
	}
	switch name {
	case "option":
		p.popIfCurrent("option")
	case "optgroup":
		p.popIfCurrent("option")
		p.popIfCurrent("optgroup")
	case "a", "button":
		// A link inside a link, or a button inside a button, closes the outer one.
		for i := len(p.stack) - 1; i > 0; i-- {
			f := &p.stack[i]
			if f.ns == nsHTML && f.n.Tag == name {
				p.popTo(i)
				break
			}
			if inScopeBoundary(f) {
				break
			}
		}
	}
	p.insert(name, p.attrs, nsHTML, fl, selfClose)
}

func (p *parser) popIfCurrent(tag string) {
	if t := p.top(); t.ns == nsHTML && t.n.Tag == tag && len(p.stack) > 1 {
		p.pop()
	}
}

// inScopeBoundary reports whether f ends a search "in scope".
func inScopeBoundary(f *frame) bool {
	if f.ns == nsHTML {
		return f.flags&fScope != 0
	}
	return htmlIntegration(f.ns, f.n) || mathTextIntegration(f.ns, f.n) ||
		f.ns == nsMath && f.n.Tag == "annotation-xml"
}

func isSpecial(f *frame) bool {
	if f.ns == nsHTML {
		return f.flags&fSpecial != 0
	}
	return inScopeBoundary(f)
}

// closeP closes an open p element "in button scope" and reports whether there was one.
func (p *parser) closeP() bool {
	if p.openP == 0 {
		return false
	}
	for i := len(p.stack) - 1; i > 0; i-- {
		f := &p.stack[i]
		if f.ns == nsHTML && f.n.Tag == "p" {
			p.popTo(i)
			return true
		}
		if inScopeBoundary(f) || f.ns == nsHTML && f.n.Tag == "button" {
			return false
		}
	}
	return false
}

// closeListItem closes an open li (or dd/dt) before a new one, unless a special
// element other than address, div and p stands between them.
func (p *parser) closeListItem(match func(string) bool) {
	for i := len(p.stack) - 1; i > 0; i-- {
		f := &p.stack[i]
		if f.ns == nsHTML && match(f.n.Tag) {
			p.popTo(i)
			return
		}
		if isSpecial(f) && !(f.ns == nsHTML && (f.n.Tag == "address" || f.n.Tag == "div" || f.n.Tag == "p")) {
			return
		}
	}
}

// endTag processes an end tag.
func (p *parser) endTag(name string) {
	if p.top().ns != nsHTML && (name == "p" || name == "br") {
		// These end tags break out of foreign content, like the start tags.
		for len(p.stack) > 1 {
			t := p.top()
			if t.ns == nsHTML || htmlIntegration(t.ns, t.n) || mathTextIntegration(t.ns, t.n) {
				break
			}
			p.pop()
		}
	}
	if p.top().ns != nsHTML {
		for i := len(p.stack) - 1; i > 0; i-- {
			f := &p.stack[i]
			if f.ns == nsHTML {
				break
			}
			if equalFoldASCII(f.n.Tag, name) {
				p.popTo(i)
				return
			}
		}
	}
	if t := p.top(); t.ns == nsHTML && t.n.Tag == name && len(p.stack) > 1 {
		p.pop() // the usual case: the end tag of the current element
		return
	}
	fl := elemInfo(name)
	switch {
	case name == "html" || name == "body" || name == "head":
		return
	case name == "br":
		p.attrs = p.attrs[:0]
		p.htmlStart("br", false)
		return
	case name == "p":
		if !p.closeP() {
			// Browsers turn a stray </p> into <p></p>, with all that <p> implies.
			p.htmlStart("p", false)
			p.closeP()
		}
		return
	}
	if fl&fHeading == 0 && p.open[tagHash(name)] == 0 {
		return // no open element has that name
	}
	for i := len(p.stack) - 1; i > 0; i-- {
		f := &p.stack[i]
		if f.ns == nsHTML && (f.n.Tag == name || fl&fHeading != 0 && f.flags&fHeading != 0) {
			p.popTo(i)
			return
		}
		switch {
		case name == "template":
		case fl&fTablePart != 0 || name == "table":
			if f.ns == nsHTML && (f.n.Tag == "table" || f.n.Tag == "template") {
				return
			}
		case name == "li":
			if inScopeBoundary(f) || f.ns == nsHTML && (f.n.Tag == "ol" || f.n.Tag == "ul") {
				return
			}
		case fl&fScopedEnd != 0:
			if inScopeBoundary(f) {
				return
			}
		default:
			if isSpecial(f) {
				return
			}
		}
	}
}
