package dom

import "sync"

// innerMinGain is how many bytes an OpInner on an element must save over the ops
// for its children before the differ prefers it: rewriting children loses their
// identity (focus, keyed nodes), so a small saving is not worth it.
const innerMinGain = 32

// Diff returns the ops that turn old into new when applied in order (see Apply
// and docs/protocol.md section 4), or nil when the trees are Equal. Both are roots
// as returned by Parse; a nil tree counts as empty. Diff does not modify either tree.
//
// Keyed siblings (Key) are matched by key and reordered with the fewest moves (the
// nodes outside a longest increasing subsequence); unkeyed siblings are paired by
// position. Inside SVG and MathML, where HTML payloads cannot be parsed in place,
// and for template elements, whose children are not in the DOM, a change that
// needs markup replaces the whole svg, math or template element. When the ops are
// longer than the new root's inner HTML, Diff returns one OpInner for the root.
func Diff(old, new *Node) []Op {
	d := differPool.Get().(*differ)
	defer d.release()
	if root, ok := d.run(old, new); ok {
		return []Op{{Kind: OpInner, Path: []int{}, HTML: string(root)}}
	}
	if len(d.ops) == 0 {
		return nil
	}
	payload := string(d.html)
	for _, f := range d.fix {
		d.ops[f.op].HTML = payload[f.start:f.end]
	}
	ops := d.ops
	d.ops, d.paths = nil, nil // handed to the caller
	return ops
}

// AppendDiff appends to buf the ops that turn old into new, encoded as AppendOps
// would encode Diff(old, new), and returns buf unchanged when the trees are Equal.
// It is Diff for a caller that only sends the ops: the ops, their paths and their
// HTML stay in memory that the next diff reuses, so a small diff allocates nothing.
func AppendDiff(buf []byte, old, new *Node) []byte {
	d := differPool.Get().(*differ)
	defer d.release()
	if root, ok := d.run(old, new); ok {
		buf = append(buf, `[["h",[],`...)
		buf = appendJSONString(buf, root)
		return append(buf, ']', ']')
	}
	if len(d.ops) == 0 {
		return buf
	}
	buf = append(buf, '[')
	fix := d.fix
	for i := range d.ops {
		if i > 0 {
			buf = append(buf, ',')
		}
		var html []byte
		if len(fix) > 0 && fix[0].op == i {
			html, fix = d.html[fix[0].start:fix[0].end], fix[1:]
		}
		buf = appendOp(buf, &d.ops[i], html)
	}
	return append(buf, ']')
}

// run diffs old against new into d.ops, whose HTML payloads are still in d.html (see
// fix). It reports ok when the answer is instead one OpInner of the root, with root as
// its HTML.
func (d *differ) run(old, new *Node) (root []byte, ok bool) {
	if old == nil {
		old = &Node{Type: ElementNode}
	}
	if new == nil {
		new = &Node{Type: ElementNode}
	}
	d.newRoot, d.checkAt = new, budgetCheck
	if old.Type != ElementNode || new.Type != ElementNode {
		d.inner(new)
	} else {
		d.element(old, new)
	}
	if d.stop {
		return d.scratch, true
	}
	if len(d.ops) == 0 {
		return nil, false
	}
	total := d.size + 1 // the array brackets, less one comma
	if len(d.ops) > 1 || d.ops[0].Kind != OpInner || len(d.ops[0].Path) > 0 {
		html, whole := d.scratch, d.rendered
		if !d.rendered {
			r := renderer{buf: d.scratch[:0], limit: total}
			r.children(new, nsHTML, 0)
			html, whole, d.scratch = r.buf, !r.over, r.buf
		}
		if whole && len(html) < total {
			return html, true
		}
	}
	return nil, false
}

// differ holds the state of one Diff.
type differ struct {
	ops   []Op
	path  []int  // path of the node being diffed
	paths []int  // backing store of the ops' paths
	html  []byte // HTML payloads, turned into one string at the end
	fix   []fixup
	size  int // encoded length of ops, each counted with a comma

	scratch []byte // the root's HTML, for the size fallback

	foreign int  // depth of svg/math elements being diffed
	abort   bool // a change inside foreign content needs markup

	// Ops larger than the new HTML are worthless: once they pass budgetCheck
	// bytes, the new HTML is rendered, and past its size the diff stops.
	newRoot  *Node
	checkAt  int
	rendered bool // scratch holds the new root's HTML
	stop     bool
}

// budgetCheck is the patch size at which Diff starts weighing it against the HTML.
const budgetCheck = 4096

// maxMoves bounds the moves in one child list; past it the list is sent as HTML.
const maxMoves = 256

// halted reports whether diffing should unwind: the ops are going to be dropped.
func (d *differ) halted() bool { return d.abort || d.stop }

func (d *differ) checkBudget() {
	if !d.rendered {
		r := renderer{buf: d.scratch[:0], limit: -1}
		r.children(d.newRoot, nsHTML, 0)
		d.scratch, d.rendered, d.checkAt = r.buf, true, len(r.buf)
	}
	if d.size > len(d.scratch) {
		d.stop = true
	}
}

// fixup says that ops[op].HTML is html[start:end].
type fixup struct{ op, start, end int }

// mark is a point to roll the differ back to.
type mark struct{ ops, paths, html, fix, size int }

var differPool = sync.Pool{New: func() any { return new(differ) }}

// release puts d back in the pool for the next diff. Diff hands ops and paths to its
// caller; AppendDiff leaves them, cleared so that they pin no tree, for the next.
func (d *differ) release() {
	clear(d.ops)
	*d = differ{ops: d.ops[:0], path: d.path[:0], paths: d.paths[:0], fix: d.fix[:0], html: d.html[:0], scratch: d.scratch[:0]} // drops newRoot
	if cap(d.html) > 1<<16 || cap(d.scratch) > 1<<16 || cap(d.ops) > maxPooledOps || cap(d.paths) > 8*maxPooledOps {
		return
	}
	differPool.Put(d)
}

// maxPooledOps bounds the ops a pooled differ keeps room for: a rare huge diff should not
// leave its memory to every later one.
const maxPooledOps = 1024

func (d *differ) mark() mark {
	return mark{len(d.ops), len(d.paths), len(d.html), len(d.fix), d.size}
}

func (d *differ) reset(m mark) {
	clear(d.ops[m.ops:])
	d.ops, d.paths, d.html, d.fix, d.size = d.ops[:m.ops], d.paths[:m.paths], d.html[:m.html], d.fix[:m.fix], m.size
}

// opPath returns a copy of the current path, plus index when index >= 0.
func (d *differ) opPath(index int) []int {
	if d.paths == nil {
		d.paths = make([]int, 0, 64)
	}
	a := len(d.paths)
	d.paths = append(d.paths, d.path...)
	if index >= 0 {
		d.paths = append(d.paths, index)
	}
	return d.paths[a:len(d.paths):len(d.paths)]
}

func (d *differ) emit(op Op) {
	if d.ops == nil {
		d.ops = make([]Op, 0, 4)
	}
	d.ops = append(d.ops, op)
	d.size += opLen(&op) + 1
	if d.size > d.checkAt {
		d.checkBudget()
	}
}

// emitHTML emits an op whose HTML payload is n's markup (outer, or inner for OpInner).
// Inside foreign content it aborts instead: the caller replaces the svg element.
func (d *differ) emitHTML(op Op, n *Node) {
	if d.foreign > 0 {
		d.abort = true
		return
	}
	start := len(d.html)
	if op.Kind == OpInner {
		r := renderer{buf: d.html, limit: -1}
		r.children(n, nsHTML, elemInfo(n.Tag))
		d.html = r.buf
	} else {
		d.html = AppendHTML(d.html, n)
	}
	d.fix = append(d.fix, fixup{len(d.ops), start, len(d.html)})
	d.size += jsonLen(d.html[start:]) - 2
	d.emit(op)
}

func (d *differ) inner(n *Node) {
	d.emitHTML(Op{Kind: OpInner, Path: d.opPath(-1)}, n)
}

func (d *differ) replace(n *Node) {
	d.emitHTML(Op{Kind: OpReplace, Path: d.opPath(-1)}, n)
}

// sameIdentity reports whether a can be morphed into b: same type and, for
// elements, same tag and key.
func sameIdentity(a, b *Node) bool {
	if a.Type != b.Type {
		return false
	}
	return a.Type != ElementNode || a.Tag == b.Tag && a.Key() == b.Key()
}

// node diffs a pair at the current path.
func (d *differ) node(a, b *Node) {
	switch {
	case a.Type != b.Type || a.Type == ElementNode && a.Tag != b.Tag:
		d.replace(b)
	case a.Type != ElementNode:
		if a.Text != b.Text {
			d.emit(Op{Kind: OpText, Path: d.opPath(-1), Value: b.Text})
		}
	default:
		d.element(a, b)
	}
}

// element diffs two elements with the same tag at the current path.
func (d *differ) element(a, b *Node) {
	m := d.mark()
	if !d.attrs(a, b) && len(d.path) > 0 {
		d.reset(m)
		d.replace(b)
		return
	}
	if ia, ib := Ignored(a), Ignored(b); ia || ib {
		// The client owns an ignored element's children: no path may lead into them.
		// One that stops being ignored holds whatever the client put there, so it is
		// replaced.
		if ia && !ib && len(d.path) > 0 {
			d.reset(m)
			d.replace(b)
		}
		return
	}
	htmlNS := d.foreign == 0
	if htmlNS && len(d.path) > 0 && b.Tag == "template" {
		// Template contents are not children in the DOM: paths cannot reach them.
		if !sameChildren(a, b) {
			d.reset(m)
			d.replace(b)
		}
		return
	}
	enter := htmlNS && len(d.path) > 0 && (b.Tag == "svg" || b.Tag == "math")
	if enter {
		d.foreign++
	}
	cm := d.mark()
	d.children(a, b)
	if enter {
		d.foreign--
	}
	if d.stop {
		return
	}
	if enter {
		if d.abort {
			d.abort = false
			d.reset(m)
			d.replace(b)
		}
		return
	}
	if htmlNS && len(d.path) > 0 && d.size-cm.size > innerMinGain {
		d.tryInner(b, cm)
	}
}

func sameChildren(a, b *Node) bool {
	if len(a.Children) != len(b.Children) {
		return false
	}
	for i := range a.Children {
		if !Equal(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}

// tryInner replaces the ops emitted since m for b's children by one OpInner when
// that is innerMinGain bytes shorter.
func (d *differ) tryInner(b *Node, m mark) {
	opsSize := d.size - m.size
	overhead := len(`["h",[],""],`) + len(d.path) - 1
	for _, x := range d.path {
		overhead += intLen(x)
	}
	budget := opsSize - overhead - innerMinGain
	if budget < 0 {
		return
	}
	start := len(d.html)
	r := renderer{buf: d.html, limit: start + budget}
	r.children(b, nsHTML, elemInfo(b.Tag))
	d.html = r.buf
	if r.over || overhead+jsonLen(d.html[start:])-2+innerMinGain > opsSize {
		d.html = d.html[:start]
		return
	}
	n := copy(d.html[m.html:], d.html[start:])
	d.html = d.html[:m.html+n]
	clear(d.ops[m.ops:])
	d.ops, d.paths, d.fix, d.size = d.ops[:m.ops], d.paths[:m.paths], d.fix[:m.fix], m.size
	d.fix = append(d.fix, fixup{len(d.ops), m.html, m.html + n})
	d.size += jsonLen(d.html[m.html:]) - 2
	d.emit(Op{Kind: OpInner, Path: d.opPath(-1)})
}

// attrs emits the attribute ops that turn a's attributes into b's. It reports false
// when an attribute name cannot be set by a client (setAttribute rejects it), in
// which case the element must be replaced.
func (d *differ) attrs(a, b *Node) bool {
	if len(a.Attrs) == len(b.Attrs) {
		same := true
		for i := range a.Attrs {
			if a.Attrs[i] != b.Attrs[i] {
				same = false
				break
			}
		}
		if same {
			return true // the usual case
		}
	}
	for _, nb := range b.Attrs {
		if v, ok := a.Attr(nb.Name); ok && v == nb.Value {
			continue
		}
		if !settableName(nb.Name) {
			return false
		}
		d.emit(Op{Kind: OpSetAttr, Path: d.opPath(-1), Name: nb.Name, Value: nb.Value})
	}
	for _, na := range a.Attrs {
		if _, ok := b.Attr(na.Name); !ok {
			d.emit(Op{Kind: OpRemoveAttr, Path: d.opPath(-1), Name: na.Name})
		}
	}
	return true
}

// settableName reports whether every browser's setAttribute accepts name (an XML
// name in ASCII).
func settableName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == ':':
		case i > 0 && ('0' <= c && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// pair diffs old and new child index i of the current node (after the parent's
// structural ops, the pair sits at index i).
func (d *differ) pair(i int, a, b *Node) {
	d.path = append(d.path, i)
	d.node(a, b)
	d.path = d.path[:len(d.path)-1]
}
