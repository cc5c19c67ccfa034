package dom

// NodeType says what a Node is.
type NodeType uint8

// The node types. The zero NodeType is not a valid node.
const (
	ElementNode NodeType = iota + 1
	TextNode
	CommentNode
)

// Attr is one attribute of an element. Name is lower case for HTML elements
// and case-adjusted for SVG and MathML ones (viewBox), as browsers store it.
type Attr struct{ Name, Value string }

// Node is a compact HTML node. The root returned by Parse is an ElementNode with Tag ""
// standing for the #live-root container; its Children are the fragment's nodes.
//
// Text is the decoded text of a TextNode or CommentNode and is empty for elements.
// Tag and Attrs are used by elements only. Within one element attribute names are
// unique; their order is kept but does not matter to Equal.
type Node struct {
	Type     NodeType
	Tag      string
	Text     string
	Attrs    []Attr
	Children []*Node
}

// Key returns the value of n's "live-key" attribute, or else of its "id"
// attribute, or "" when n has neither (text and comment nodes never have a key).
// Diff matches keyed siblings by key, so a keyed node keeps its identity when its
// list is reordered.
func (n *Node) Key() string {
	id := ""
	for i := range n.Attrs {
		switch n.Attrs[i].Name {
		case "live-key":
			return n.Attrs[i].Value
		case "id":
			id = n.Attrs[i].Value
		}
	}
	return id
}

// Attr returns the value of the attribute named name and whether n has it.
func (n *Node) Attr(name string) (string, bool) {
	for i := range n.Attrs {
		if n.Attrs[i].Name == name {
			return n.Attrs[i].Value, true
		}
	}
	return "", false
}

// Ignored reports whether n is an element whose children belong to the client
// (live-update="ignore"): Diff updates its attributes but never its children.
func Ignored(n *Node) bool {
	if n.Type != ElementNode {
		return false
	}
	v, ok := n.Attr("live-update")
	return ok && v == "ignore"
}

// Equal reports whether a and b are the same tree: same types, tags, texts,
// children in the same order, and the same attribute set (attribute order is
// ignored, since the DOM does not depend on it). Two nil nodes are equal.
func Equal(a, b *Node) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	if a.Type != b.Type || a.Tag != b.Tag || a.Text != b.Text ||
		len(a.Children) != len(b.Children) || !sameAttrs(a.Attrs, b.Attrs) {
		return false
	}
	for i, c := range a.Children {
		if !Equal(c, b.Children[i]) {
			return false
		}
	}
	return true
}

// sameAttrs reports whether a and b hold the same name/value pairs, in any order.
// Elements have a handful of attributes, so a quadratic scan beats a map.
func sameAttrs(a, b []Attr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if i < len(b) && a[i] == b[i] {
			continue
		}
		found := false
		for j := range b {
			if b[j].Name == a[i].Name {
				found = b[j].Value == a[i].Value
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
