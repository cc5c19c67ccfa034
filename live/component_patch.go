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

// componentPatch renders the component c alone and returns the patch from its last HTML,
// whose ops address only c's element and what it holds. The view's Render does not run:
// the socket's last HTML gets c's new element in place of the old one. errComponentMoved
// means the page does not hold c's last render as one element (a component that renders
// a stray closing tag, say); the caller then renders the whole view.
func (c *conn) componentPatch(m *component) (patch, error) {
	s := c.sock
	c.rt.renderSlots <- struct{}{}
	defer func() { <-c.rt.renderSlots }()
	old := m.html
	if err := m.render(); err != nil {
		return patch{}, err
	}
	if m.html == old {
		return patch{}, nil
	}
	start := strings.Index(s.html, old)
	if old == "" || start < 0 {
		return patch{}, errComponentMoved
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
	fresh, err := dom.Parse(m.html)
	if err != nil {
		return patch{}, fmt.Errorf("live: parse component %q: %w", m.cs.id, err)
	}
	if len(fresh.Children) != 1 || !isComponentElement(fresh.Children[0], m.cs.id) {
		return patch{}, errComponentMoved
	}
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

// findElement finds the element of component id in the tree under n, outside ignored
// regions, and returns its parent, its index there and its path from the root (appended
// to path). parent is nil when the tree has no such element.
func findElement(n *dom.Node, id string, path []int) (parent *dom.Node, index int, at []int) {
	for i, ch := range n.Children {
		if ch.Type != dom.ElementNode {
			continue
		}
		p := append(path, i)
		if isComponentElement(ch, id) {
			return n, i, slices.Clone(p)
		}
		if dom.Ignored(ch) {
			continue
		}
		if parent, index, at = findElement(ch, id, p); parent != nil {
			return parent, index, at
		}
	}
	return nil, 0, nil
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
