package dom

import (
	"errors"
	"fmt"
	"slices"
)

// Apply applies ops in order to the tree under root, as a client applies them to
// the children of #live-root. It is the reference for what an op means. Payloads
// are parsed with Parse; OpInsert and OpReplace need HTML that parses to exactly
// one node. A path that does not resolve, an index out of range, a node of the
// wrong type (text where an element is needed, or the reverse) or a bad payload
// stops Apply with an error naming the op; the ops before it stay applied. Apply
// never panics. OpInner parses its payload in the context of its element, so the
// HTML of a script's contents stays text.
func Apply(root *Node, ops []Op) error {
	if root == nil {
		return errors.New("dom: apply: nil root")
	}
	for i := range ops {
		if err := applyOp(root, &ops[i]); err != nil {
			return fmt.Errorf("dom: apply op %d (%s %v): %w", i, ops[i].Kind, ops[i].Path, err)
		}
	}
	return nil
}

func applyOp(root *Node, op *Op) error {
	switch op.Kind {
	case OpText:
		n, err := resolve(root, op.Path)
		if err != nil {
			return err
		}
		if n.Type != TextNode && n.Type != CommentNode {
			return errors.New("not a text or comment node")
		}
		n.Text = op.Value
	case OpSetAttr, OpRemoveAttr:
		n, err := element(root, op.Path)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(n.Attrs, func(a Attr) bool { return a.Name == op.Name })
		switch {
		case op.Kind == OpRemoveAttr && i >= 0:
			n.Attrs = slices.Delete(slices.Clip(n.Attrs), i, i+1)
		case op.Kind == OpSetAttr && i >= 0:
			n.Attrs = slices.Clone(n.Attrs) // attribute lists may share an array
			n.Attrs[i].Value = op.Value
		case op.Kind == OpSetAttr:
			if op.Name == "" {
				return errors.New("empty attribute name")
			}
			n.Attrs = append(slices.Clip(n.Attrs), Attr{op.Name, op.Value})
		}
	case OpInsert:
		n, err := element(root, op.Path)
		if err != nil {
			return err
		}
		if op.Index < 0 || op.Index > len(n.Children) {
			return fmt.Errorf("index %d out of range [0, %d]", op.Index, len(n.Children))
		}
		c, err := parseOne(op.HTML)
		if err != nil {
			return err
		}
		n.Children = slices.Insert(slices.Clip(n.Children), op.Index, c)
	case OpRemove, OpReplace:
		parent, i, err := child(root, op.Path)
		if err != nil {
			return err
		}
		if op.Kind == OpRemove {
			parent.Children = slices.Delete(slices.Clip(parent.Children), i, i+1)
			return nil
		}
		c, err := parseOne(op.HTML)
		if err != nil {
			return err
		}
		parent.Children = slices.Clone(parent.Children)
		parent.Children[i] = c
	case OpMove:
		n, err := element(root, op.Path)
		if err != nil {
			return err
		}
		k := len(n.Children)
		if op.Index < 0 || op.Index >= k {
			return fmt.Errorf("move from %d out of range [0, %d)", op.Index, k)
		}
		if op.To < 0 || op.To > k-1 {
			return fmt.Errorf("move to %d out of range [0, %d]", op.To, k-1)
		}
		c := n.Children[op.Index]
		kids := slices.Delete(slices.Clone(n.Children), op.Index, op.Index+1)
		n.Children = slices.Insert(kids, op.To, c)
	case OpInner:
		n, err := element(root, op.Path)
		if err != nil {
			return err
		}
		kids, err := parseInner(n, op.HTML)
		if err != nil {
			return err
		}
		n.Children = kids
	default:
		return fmt.Errorf("unknown op kind %d", op.Kind)
	}
	return nil
}

// resolve returns the node at path.
func resolve(root *Node, path []int) (*Node, error) {
	n := root
	for depth, i := range path {
		if i < 0 || i >= len(n.Children) {
			return nil, fmt.Errorf("path %v: index %d at depth %d out of range [0, %d)", path, i, depth, len(n.Children))
		}
		n = n.Children[i]
	}
	return n, nil
}

// element returns the element at path.
func element(root *Node, path []int) (*Node, error) {
	n, err := resolve(root, path)
	if err != nil {
		return nil, err
	}
	if n.Type != ElementNode {
		return nil, fmt.Errorf("path %v: not an element", path)
	}
	return n, nil
}

// child returns the parent of the node at path, which must not be empty, and the
// node's index in it.
func child(root *Node, path []int) (*Node, int, error) {
	if len(path) == 0 {
		return nil, 0, errors.New("the root cannot be removed or replaced")
	}
	parent, err := element(root, path[:len(path)-1])
	if err != nil {
		return nil, 0, err
	}
	i := path[len(path)-1]
	if i < 0 || i >= len(parent.Children) {
		return nil, 0, fmt.Errorf("path %v: index %d out of range [0, %d)", path, i, len(parent.Children))
	}
	return parent, i, nil
}

// parseOne parses the payload of an insert or replace.
func parseOne(html string) (*Node, error) {
	frag, err := Parse(html)
	if err != nil {
		return nil, err
	}
	if len(frag.Children) != 1 {
		return nil, fmt.Errorf("html %.40q parses to %d nodes, want 1", html, len(frag.Children))
	}
	return frag.Children[0], nil
}

// parseInner parses the payload of an inner op in the context of element n, as
// setting innerHTML does: the contents of script, style and the like are raw text,
// those of textarea and title are text. n is taken to be an HTML element (the
// differ sends no inner op inside SVG or MathML).
func parseInner(n *Node, html string) ([]*Node, error) {
	if len(html) > maxSize {
		return nil, ErrTooLarge
	}
	if n.Tag != "" {
		if fl := elemInfo(n.Tag); fl&(fRawText|fPlaintext|fRCData) != 0 {
			text := normalize(html)
			if fl&fRCData != 0 {
				text = unescapeText(text)
			}
			if text == "" {
				return nil, nil
			}
			return []*Node{{Type: TextNode, Text: text}}, nil
		}
	}
	frag, err := Parse(html)
	if err != nil {
		return nil, err
	}
	return frag.Children, nil
}
