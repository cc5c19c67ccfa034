package live

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/liveapp/liveapp/live/internal/dom"
)

// errComponentMoved says a component's element could not be patched on its own; the
// runtime then diffs the whole view instead.
var errComponentMoved = errors.New("live: the component's element is not where its last render put it")

// componentPatch renders the component m alone and returns the patch from its last HTML,
// whose ops address only m's element and what it holds. The view's Render does not run:
// the socket's last HTML gets m's new element in place of the old one. errComponentMoved
// means the page does not hold m's last render as one element (a component that renders
// a stray closing tag, say); the caller then renders the whole view.
func (c *conn) componentPatch(m *component) (patch, error) {
	s := c.sock
	c.rt.renderSlots <- struct{}{}
	defer func() { <-c.rt.renderSlots }()
	old, wasWhole := m.html, m.whole
	if err := m.render(); err != nil {
		return patch{}, err
	}
	if m.html == old {
		m.whole = wasWhole
		return patch{}, nil
	}
	start := strings.Index(s.html, old)
	if old == "" || start < 0 {
		return patch{}, errComponentMoved
	}
	if !wasWhole {
		if _, ok := parseWhole(old, m.cs.id); !ok {
			return patch{}, errComponentMoved
		}
	}
	s.busy = true
	if s.hot == nil {
		s.hot = new(hotState)
	}
	if s.hot.tree == nil {
		tree, err := dom.Parse(s.html)
		if err != nil {
			return patch{}, fmt.Errorf("live: parse last render: %w", err)
		}
		s.hot.tree = tree
	}
	parent, index, path := findElement(s.hot.tree, m.cs.id, nil)
	if parent == nil {
		return patch{}, errComponentMoved
	}
	fresh, ok := parseWhole(m.html, m.cs.id)
	if !ok {
		return patch{}, errComponentMoved
	}
	m.whole = true
	ops, ok := rebaseOps(diffTrees(parent.Children[index], fresh), path)
	if !ok {
		return patch{}, errComponentMoved
	}
	s.html = s.html[:start] + m.html + s.html[start+len(old):]
	parent.Children[index] = fresh.Children[0] // the kept tree follows the page
	if len(ops) == 0 {
		return patch{}, nil
	}
	return patch{ops: dom.AppendOps(nil, ops)}, nil
}

// findElement finds the element of component id in the tree under n and returns its
// parent, its index there and its path from the root (appended to path). It looks only
// inside neutral elements, and parent is nil when the element is not there.
func findElement(n *dom.Node, id string, path []int) (parent *dom.Node, index int, at []int) {
	for i, ch := range n.Children {
		if ch.Type != dom.ElementNode {
			continue
		}
		p := append(path, i)
		if isComponentElement(ch, id) {
			return n, i, slices.Clone(p)
		}
		if !neutral[ch.Tag] || dom.Ignored(ch) {
			continue
		}
		if parent, index, at = findElement(ch, id, p); parent != nil {
			return parent, index, at
		}
	}
	return nil, 0, nil
}

// neutral lists the elements inside which HTML parses as it does on its own, inside a
// div: what a component renders there makes the same nodes in the page as in its own
// parse, so its element can be patched alone. Inside others it may not (an <li> in a
// component closes an <li> around it; a table cell, a <p>, an <a>, a <form> or a
// formatting element each has rules of its own), and the whole view is diffed instead.
var neutral = map[string]bool{
	"div": true, "main": true, "section": true, "article": true, "aside": true, "nav": true,
	"header": true, "footer": true, "ul": true, "ol": true, "dl": true, "details": true,
	"dialog": true, "blockquote": true, "figure": true, "fieldset": true,
}

// parseWhole parses html, a component's render, and reports whether it is the component's
// element alone and leaves the parser as it found it: nothing after the element, no tag
// or comment left open, no formatting element that would reopen around what follows.
// Otherwise a patch of the element alone would not reach every node the render makes.
func parseWhole(html, id string) (*dom.Node, bool) {
	tree, err := dom.Parse(html + "<i></i>")
	if err != nil || len(tree.Children) != 2 || !isComponentElement(tree.Children[0], id) {
		return nil, false
	}
	if end := tree.Children[1]; end.Type != dom.ElementNode || end.Tag != "i" || len(end.Children) != 0 {
		return nil, false
	}
	tree.Children = tree.Children[:1]
	return tree, true
}

// isComponentElement reports whether n is the element the runtime wraps component id in.
func isComponentElement(n *dom.Node, id string) bool {
	if n.Type != dom.ElementNode || n.Tag != "div" {
		return false
	}
	v, ok := n.Attr("id")
	t, tok := n.Attr("live-target")
	return ok && tok && v == id && t == id
}

// diffTrees diffs a component's element as the page holds it against a fragment that
// holds its new render: the ops' paths start with 0, the element.
func diffTrees(old, fresh *dom.Node) []dom.Op {
	return dom.Diff(&dom.Node{Type: dom.ElementNode, Children: []*dom.Node{old}}, fresh)
}

// rebaseOps turns ops on a fragment holding a component's element into ops on the page,
// whose element is at path at. An op that replaces the fragment's children becomes one
// that replaces the element. It reports false for an op that would touch the element's
// siblings, which diffTrees never makes for an element of the same id.
func rebaseOps(ops []dom.Op, at []int) ([]dom.Op, bool) {
	for i := range ops {
		op := &ops[i]
		if len(op.Path) == 0 {
			if op.Kind != dom.OpInner {
				return nil, false
			}
			op.Kind, op.Path = dom.OpReplace, slices.Clone(at)
			continue
		}
		op.Path = append(slices.Clone(at), op.Path[1:]...)
	}
	return ops, true
}
