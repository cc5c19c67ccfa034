package dom

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// treeGen generates random well-formed fragments shaped like template output
// (lists with keys, tables, forms, inline SVG, ...) and random edits of them. Its
// trees obey HTML's content models, so browsers parse their HTML as written.
type treeGen struct {
	r  *rand.Rand
	id int
}

func newTreeGen(seed uint64) *treeGen {
	return &treeGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

var (
	genWords = []string{"a", "hello", "world", "Count: 3", "x < y", "Tom & Jerry", `"quoted"`, "it's",
		"日本語", "émoji 🎉", "שלום", "a\u00a0b", "-->", "&amp;", "  spaced  ", "</p>", "tab\there"}
	genSpace = []string{" ", "\n", "\n  ", "\n    ", "\t", "\n\n"}
	genAttrV = []string{"", "btn", "btn btn-primary", "a&b", `say "hi"`, "x'y", "https://e.x/?a=1&b=2", "é", " "}
)

func (g *treeGen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func el(tag string, attrs []Attr, kids ...*Node) *Node {
	return &Node{Type: ElementNode, Tag: tag, Attrs: attrs, Children: kids}
}

func txt(s string) *Node { return &Node{Type: TextNode, Text: s} }

func (g *treeGen) attrs(key bool) []Attr {
	var as []Attr
	if key {
		g.id++
		name := "id"
		if g.r.IntN(4) == 0 {
			name = "live-key"
		}
		as = append(as, Attr{name, fmt.Sprintf("k%d", g.id)})
	}
	for _, name := range []string{"class", "title", "data-x", "hidden"} {
		if g.r.IntN(4) == 0 {
			as = append(as, Attr{name, g.pick(genAttrV)})
		}
	}
	return as
}

// root returns a random fragment root.
func (g *treeGen) root() *Node {
	return mergeText(&Node{Type: ElementNode, Children: g.flow(3)})
}

// mergeText merges adjacent text nodes, as the parser does.
func mergeText(n *Node) *Node {
	var kids []*Node
	for _, c := range n.Children {
		if c.Type == TextNode && len(kids) > 0 && kids[len(kids)-1].Type == TextNode {
			kids[len(kids)-1] = txt(kids[len(kids)-1].Text + c.Text)
			continue
		}
		kids = append(kids, mergeText(c))
	}
	n.Children = kids
	return n
}

// flow returns block-level content.
func (g *treeGen) flow(depth int) []*Node {
	var kids []*Node
	for range g.r.IntN(5) {
		kids = append(kids, g.flowNode(depth))
	}
	return kids
}

func (g *treeGen) flowNode(depth int) *Node {
	if depth <= 0 {
		return g.inline(0)
	}
	switch g.r.IntN(14) {
	case 0, 1:
		return el("div", g.attrs(g.r.IntN(2) == 0), g.flow(depth-1)...)
	case 2:
		return el("p", g.attrs(false), g.phrasing(depth-1)...)
	case 3:
		tag := "ul"
		if g.r.IntN(3) == 0 {
			tag = "ol"
		}
		return el(tag, g.attrs(false), g.items("li", depth)...)
	case 4:
		return g.table(depth)
	case 5:
		return el("form", g.attrs(false), g.formFields()...)
	case 6:
		return g.svg()
	case 7:
		return el("pre", nil, txt(g.pick([]string{"\ncode", "line\nline", "\n\nx", "a < b"})))
	case 8:
		return el("script", nil, txt(g.pick([]string{"if (a < b && c > d) {}", "x = '&amp;'", "f()"})))
	case 9:
		return &Node{Type: CommentNode, Text: g.pick([]string{" c ", "", "x-y", " {{ if }} "})}
	case 10:
		return el("dl", nil, el("dt", nil, txt(g.pick(genWords))), el("dd", nil, g.phrasing(depth-1)...))
	case 11:
		return el(g.pick([]string{"h1", "h2", "h3"}), g.attrs(false), g.phrasing(depth-1)...)
	case 12:
		return el("section", g.attrs(true), g.flow(depth-1)...)
	}
	return g.inline(depth - 1)
}

// items returns keyed (or sometimes unkeyed) list items separated by whitespace.
func (g *treeGen) items(tag string, depth int) []*Node {
	keyed := g.r.IntN(4) != 0
	ws := g.r.IntN(2) == 0
	var kids []*Node
	for range g.r.IntN(8) {
		if ws {
			kids = append(kids, txt("\n  "))
		}
		var content []*Node
		if depth > 1 && g.r.IntN(3) == 0 {
			content = g.flow(depth - 2)
		} else {
			content = []*Node{txt(g.pick(genWords))}
		}
		kids = append(kids, el(tag, g.attrs(keyed), content...))
	}
	if ws && len(kids) > 0 {
		kids = append(kids, txt("\n"))
	}
	return kids
}

func (g *treeGen) table(depth int) *Node {
	var kids []*Node
	if g.r.IntN(2) == 0 {
		kids = append(kids, el("thead", nil, el("tr", nil, el("th", nil, txt("A")), el("th", nil, txt("B")))))
	}
	var rows []*Node
	for _, tr := range g.items("tr", 1) {
		if tr.Type == ElementNode {
			tr.Children = []*Node{el("td", nil, g.phrasing(depth-1)...), el("td", nil, txt(g.pick(genWords)))}
		}
		rows = append(rows, tr)
	}
	kids = append(kids, txt("\n"), el("tbody", nil, rows...))
	return el("table", g.attrs(false), kids...)
}

func (g *treeGen) formFields() []*Node {
	var kids []*Node
	for range g.r.IntN(4) {
		switch g.r.IntN(4) {
		case 0:
			kids = append(kids, el("input", []Attr{{"name", "q"}, {"value", g.pick(genAttrV)}}))
		case 1:
			kids = append(kids, el("textarea", []Attr{{"name", "t"}}, txt(g.pick(genWords))))
		case 2:
			sel := el("select", []Attr{{"name", "s"}})
			for i := range g.r.IntN(4) {
				o := el("option", []Attr{{"value", fmt.Sprint(i)}}, txt(g.pick(genWords)))
				if g.r.IntN(3) == 0 {
					o.Attrs = append(o.Attrs, Attr{"selected", ""})
				}
				sel.Children = append(sel.Children, o)
			}
			kids = append(kids, sel)
		default:
			kids = append(kids, el("button", []Attr{{"type", "submit"}}, txt("Save")))
		}
		kids = append(kids, txt(g.pick(genSpace)))
	}
	return kids
}

func (g *treeGen) svg() *Node {
	var kids []*Node
	for range g.r.IntN(3) {
		switch g.r.IntN(3) {
		case 0:
			kids = append(kids, el("path", []Attr{{"d", fmt.Sprintf("M%d 0L1 1", g.r.IntN(9))}}))
		case 1:
			kids = append(kids, el("circle", []Attr{{"cx", "1"}, {"r", fmt.Sprint(g.r.IntN(5))}}))
		default:
			kids = append(kids, el("g", nil, el("rect", []Attr{{"width", "2"}})))
		}
	}
	return el("svg", []Attr{{"viewBox", "0 0 24 24"}, {"class", "icon"}}, kids...)
}

// phrasing returns inline content with no two adjacent text nodes.
func (g *treeGen) phrasing(depth int) []*Node {
	var kids []*Node
	for range g.r.IntN(4) {
		n := g.inline(depth)
		if n.Type == TextNode && len(kids) > 0 && kids[len(kids)-1].Type == TextNode {
			continue
		}
		kids = append(kids, n)
	}
	return kids
}

func (g *treeGen) inline(depth int) *Node {
	switch g.r.IntN(9) {
	case 0, 1, 2:
		return txt(g.pick(genWords))
	case 3:
		return txt(g.pick(genSpace))
	case 4:
		return el("br", nil)
	case 5:
		return el("input", []Attr{{"type", "checkbox"}, {"checked", ""}})
	}
	if depth <= 0 {
		return txt(g.pick(genWords))
	}
	tag := g.pick([]string{"span", "b", "em", "strong", "code", "small"})
	return el(tag, g.attrs(g.r.IntN(3) == 0), g.phrasing(depth-1)...)
}

// clone deep-copies a tree.
func clone(n *Node) *Node {
	c := *n
	c.Attrs = slices.Clone(n.Attrs)
	c.Children = make([]*Node, len(n.Children))
	for i, k := range n.Children {
		c.Children[i] = clone(k)
	}
	return &c
}

// mutate applies a few random edits that keep content models valid: text and
// attribute changes, removals, duplicated siblings, swaps and moves.
func (g *treeGen) mutate(root *Node) *Node {
	root = clone(root)
	var all []*Node
	var walk func(n *Node)
	walk = func(n *Node) {
		all = append(all, n)
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(root)
	for range 1 + g.r.IntN(4) {
		n := all[g.r.IntN(len(all))]
		switch {
		case n.Type == TextNode:
			if strings.TrimSpace(n.Text) == "" {
				n.Text = g.pick(genSpace)
			} else {
				n.Text = g.pick(genWords)
			}
		case n.Type == CommentNode:
			n.Text += "!"
		case n.Tag == "svg" || n.Tag == "script" || n.Tag == "pre" || n.Tag == "textarea":
			n.Attrs = append(slices.Clone(n.Attrs), Attr{"data-v", g.pick(genAttrV)})
		default:
			g.mutateChildren(n)
		}
	}
	return root
}

func (g *treeGen) mutateChildren(n *Node) {
	k := len(n.Children)
	switch op := g.r.IntN(8); {
	case op == 0 && n.Tag != "":
		n.Attrs = g.attrs(g.r.IntN(2) == 0)
	case op == 1 && n.Tag != "":
		n.Attrs = append(slices.Clone(n.Attrs), Attr{"class", g.pick(genAttrV)})
		n.Attrs = slices.CompactFunc(n.Attrs, func(a, b Attr) bool { return a.Name == b.Name })
	case k == 0:
	case op == 2:
		i := g.r.IntN(k)
		n.Children = slices.Delete(n.Children, i, i+1)
	case op == 3:
		i := g.r.IntN(k)
		c := clone(n.Children[i])
		for j := range c.Attrs {
			if c.Attrs[j].Name == "id" || c.Attrs[j].Name == "live-key" {
				g.id++
				c.Attrs[j].Value = fmt.Sprintf("n%d", g.id)
			}
		}
		n.Children = slices.Insert(n.Children, g.r.IntN(k+1), c)
	case op == 4:
		i, j := g.r.IntN(k), g.r.IntN(k)
		n.Children[i], n.Children[j] = n.Children[j], n.Children[i]
	case op == 5:
		i := g.r.IntN(k)
		c := n.Children[i]
		n.Children = slices.Delete(n.Children, i, i+1)
		n.Children = slices.Insert(n.Children, g.r.IntN(k), c)
	case op == 6:
		slices.Reverse(n.Children)
	default:
		g.r.Shuffle(k, func(i, j int) { n.Children[i], n.Children[j] = n.Children[j], n.Children[i] })
	}
}
