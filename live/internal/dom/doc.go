// Package dom turns a view's rendered HTML into patches for the browser.
//
// After every event the runtime renders the view's template again. Parse reads that
// HTML into a compact tree of Nodes, the way a browser would build the DOM under
// #live-root: the same elements, the same text nodes (whitespace included) and
// comments, the same implied elements (tbody in a table, closed p and li). That
// matters because a patch addresses nodes by path, a list of child indices from
// the root in which every node counts, so the server's tree and the browser's DOM
// must agree node for node.
//
// Diff compares the tree kept from the previous render with the new one and
// returns Ops (docs/protocol.md, section 4): set a text, set or remove an
// attribute, insert, remove, replace or move a node, or replace all children of an
// element. Ops are applied in order, and each op's path refers to the tree left by
// the ops before it. Children with a key (an id or live-key attribute) are matched
// by key, so reordering a list moves its nodes instead of rewriting them; other
// children are matched by position. When the ops would be larger than the new HTML,
// Diff sends the HTML instead. AppendOps encodes ops as compact JSON for the wire;
// DecodeOps reads them back.
//
// Apply is the reference meaning of the ops: it applies them to a tree. For any two
// fragments a and b, applying Diff(Parse(a), Parse(b)) to Parse(a) gives a tree
// Equal to Parse(b), and AppendHTML writes a tree as HTML that Parse reads back
// Equal. The tests and fuzz targets of this package check these properties, and
// the seeds in testdata/fuzz/FuzzDiff are realistic pairs that other tests replay
// against the browser client.
//
// A tree is owned by one goroutine at a time; Parse and Diff may run concurrently
// on different trees. Trees share memory with the HTML they were parsed from.
package dom
