package livetest

import (
	"encoding/json"
	"fmt"

	"github.com/liveapp/liveapp/live/internal/dom"
)

// applyStream applies one live.Stream operation (an "lv:stream" pushed event) to tree,
// as the browser client does: [container, "i", key, html, at, limit] inserts a row or
// replaces the row with id key, [container, "d", key] deletes it, [container, "r"]
// empties the container.
func applyStream(tree *dom.Node, payload json.RawMessage) error {
	var op []json.RawMessage
	if err := json.Unmarshal(payload, &op); err != nil || len(op) < 2 {
		return fmt.Errorf("livetest: malformed stream operation %s", payload)
	}
	var id, kind, key, html string
	_ = json.Unmarshal(op[0], &id)
	_ = json.Unmarshal(op[1], &kind)
	if len(op) > 2 {
		_ = json.Unmarshal(op[2], &key)
	}
	box := byID(tree, id)
	if box == nil || !dom.Ignored(box) {
		return fmt.Errorf("livetest: stream operation %s: no stream container with id %q", payload, id)
	}
	row := -1
	for i, c := range box.Children {
		if v, _ := c.Attr("id"); c.Type == dom.ElementNode && v == key {
			row = i
		}
	}
	switch kind {
	case "r":
		box.Children = nil
	case "d":
		if row >= 0 {
			box.Children = append(box.Children[:row], box.Children[row+1:]...)
		}
	case "i":
		if len(op) < 6 {
			return fmt.Errorf("livetest: malformed stream insert %s", payload)
		}
		var at, limit int
		_ = json.Unmarshal(op[3], &html)
		_ = json.Unmarshal(op[4], &at)
		_ = json.Unmarshal(op[5], &limit)
		frag, err := dom.Parse(html)
		if err != nil || len(frag.Children) != 1 {
			return fmt.Errorf("livetest: stream row %q is not one node", html)
		}
		n := frag.Children[0]
		if row >= 0 {
			box.Children[row] = n
			return nil
		}
		// Positions count elements only, as the client's element.children does.
		pos := len(box.Children)
		if rows := elements(box); at >= 0 && at < len(rows) {
			pos = rows[at]
		}
		box.Children = append(box.Children, nil)
		copy(box.Children[pos+1:], box.Children[pos:])
		box.Children[pos] = n
		for rows := elements(box); limit > 0 && len(rows) > limit; rows = elements(box) {
			drop := rows[0]
			if at == 0 {
				drop = rows[len(rows)-1]
			}
			box.Children = append(box.Children[:drop], box.Children[drop+1:]...)
		}
	default:
		return fmt.Errorf("livetest: unknown stream operation %s", payload)
	}
	return nil
}

// byID returns the element of tree with the id, or nil.
func byID(n *dom.Node, id string) *dom.Node {
	if v, ok := n.Attr("id"); ok && n.Type == dom.ElementNode && v == id {
		return n
	}
	for _, c := range n.Children {
		if f := byID(c, id); f != nil {
			return f
		}
	}
	return nil
}

// elements returns the indexes of n's element children.
func elements(n *dom.Node) []int {
	var rows []int
	for i, c := range n.Children {
		if c.Type == dom.ElementNode {
			rows = append(rows, i)
		}
	}
	return rows
}
