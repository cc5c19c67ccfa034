package dom

// This file diffs the child lists of two elements: pairing old and new children,
// then emitting removals, moves, insertions and the diffs of the pairs, in an
// order where each op's indices are valid when it is applied.

// Flags of a new child in a plan.
const (
	planReplace uint8 = 1 << iota // paired with an old node it cannot become: replace it
	planSame                      // paired with an Equal old node: nothing to do
	planStable                    // does not move
)

// children diffs the child lists of a and b, the elements at the current path.
func (d *differ) children(a, b *Node) {
	old, new := a.Children, b.Children
	n, m := len(old), len(new)
	pre := 0
	for pre < n && pre < m && sameIdentity(old[pre], new[pre]) {
		pre++
	}
	if pre == n && pre == m {
		// The common case: same structure, maybe different content.
		for i := range new {
			d.pair(i, old[i], new[i])
			if d.halted() {
				return
			}
		}
		return
	}
	if pre < n && keyOf(old[pre]) != "" || pre < m && keyOf(new[pre]) != "" {
		// Unkeyed nodes before a keyed one (the whitespace before a list item) go
		// with it: leave them to matchKeys, so they move with their item.
		for pre > 0 && keyOf(old[pre-1]) == "" {
			pre--
		}
	}
	suf := 0
	for suf < n-pre && suf < m-pre && sameIdentity(old[n-1-suf], new[m-1-suf]) {
		suf++
	}
	p := plan{
		oldTo:   make([]int32, n),
		newFrom: make([]int32, m),
		flags:   make([]uint8, m),
	}
	for i := range p.oldTo {
		p.oldTo[i] = -1
	}
	for j := range p.newFrom {
		p.newFrom[j] = -1
	}
	for i := 0; i < pre; i++ {
		p.link(i, i, 0)
	}
	for k := 0; k < suf; k++ {
		p.link(n-1-k, m-1-k, 0)
	}
	if hasKeys(old[pre:n-suf]) || hasKeys(new[pre:m-suf]) {
		p.matchKeys(old, new, pre, n-suf, pre, m-suf)
	} else {
		p.pairRun(old, new, pre, n-suf, pre, m-suf)
	}
	d.apply(&p, b, old, new)
}

// plan pairs old and new children. oldTo[i] is the new index of old child i (-1:
// removed); newFrom[j] is the old index of new child j (-1: inserted).
type plan struct {
	oldTo, newFrom []int32
	flags          []uint8
}

func (p *plan) link(i, j int, fl uint8) {
	p.oldTo[i], p.newFrom[j] = int32(j), int32(i)
	p.flags[j] = fl
}

func hasKeys(nodes []*Node) bool {
	for _, c := range nodes {
		if c.Type == ElementNode && c.Key() != "" {
			return true
		}
	}
	return false
}

// pairRun pairs old[oa:ob] with new[na:nb], which hold no matched keys: Equal nodes
// at both ends first, then by position. Leftovers are removed or inserted.
func (p *plan) pairRun(old, new []*Node, oa, ob, na, nb int) {
	for oa < ob && na < nb && Equal(old[oa], new[na]) {
		p.link(oa, na, planSame)
		oa, na = oa+1, na+1
	}
	for oa < ob && na < nb && Equal(old[ob-1], new[nb-1]) {
		p.link(ob-1, nb-1, planSame)
		ob, nb = ob-1, nb-1
	}
	for oa < ob && na < nb {
		var fl uint8
		if !sameIdentity(old[oa], new[na]) {
			fl = planReplace
		}
		p.link(oa, na, fl)
		oa, na = oa+1, na+1
	}
}

// matchKeys pairs old[oa:ob] with new[na:nb] by key. A key counts only when it is
// unique on both sides; nodes with duplicate keys are treated as unkeyed. Unkeyed
// nodes go with the keyed node that follows them (whitespace before a list item
// moves with the item) and are paired within those runs by pairRun.
func (p *plan) matchKeys(old, new []*Node, oa, ob, na, nb int) {
	type seen struct{ old, new int32 } // index, -1 none, -2 duplicate
	keys := make(map[string]seen, (ob-oa)+(nb-na))
	for i := oa; i < ob; i++ {
		if k := keyOf(old[i]); k != "" {
			s, ok := keys[k]
			switch {
			case !ok:
				s = seen{int32(i), -1}
			case s.old == -1:
				s.old = int32(i)
			default:
				s.old = -2
			}
			keys[k] = s
		}
	}
	for j := na; j < nb; j++ {
		if k := keyOf(new[j]); k != "" {
			s, ok := keys[k]
			switch {
			case !ok:
				s = seen{-1, int32(j)}
			case s.new == -1:
				s.new = int32(j)
			default:
				s.new = -2
			}
			keys[k] = s
		}
	}
	for j := na; j < nb; j++ {
		if k := keyOf(new[j]); k != "" {
			if s := keys[k]; s.old >= 0 && s.new >= 0 {
				var fl uint8
				if old[s.old].Tag != new[j].Tag {
					fl = planReplace
				}
				p.link(int(s.old), j, fl)
			}
		}
	}
	// runStart[i-oa] is where the run of unmatched old nodes before old[i] begins.
	runStart := make([]int32, ob-oa+1)
	start := oa
	for i := oa; i <= ob; i++ {
		runStart[i-oa] = int32(start)
		if i < ob && p.oldTo[i] >= 0 {
			start = i + 1
		}
	}
	rs := na
	for j := na; j <= nb; j++ {
		if j < nb && p.newFrom[j] < 0 {
			continue
		}
		if j == nb {
			p.pairRun(old, new, int(runStart[ob-oa]), ob, rs, nb)
		} else {
			i := int(p.newFrom[j])
			p.pairRun(old, new, int(runStart[i-oa]), i, rs, j)
		}
		rs = j + 1
	}
}

func keyOf(n *Node) string {
	if n.Type != ElementNode {
		return ""
	}
	return n.Key()
}

// apply emits the ops of a plan: removals from the end, moves of the children
// outside a longest increasing subsequence, insertions in index order, and then
// the diffs of the pairs at their final indices. A list that needs more than
// maxMoves moves is rewritten as HTML instead.
func (d *differ) apply(p *plan, b *Node, old, new []*Node) {
	cur := make([]int32, 0, len(old)) // new indices of the kept children, in DOM order
	for _, j := range p.oldTo {
		if j >= 0 {
			cur = append(cur, j)
		}
	}
	stable := longestIncreasing(cur)
	if len(cur)-len(stable) > maxMoves {
		d.inner(b)
		return
	}
	for _, k := range stable {
		p.flags[cur[k]] |= planStable
	}
	for i := len(old) - 1; i >= 0 && !d.halted(); i-- {
		if p.oldTo[i] < 0 {
			d.emit(Op{Kind: OpRemove, Path: d.opPath(i)})
		}
	}
	next := int32(-1) // the paired new child after j, already in place
	for j := int32(len(new) - 1); j >= 0; j-- {
		if p.newFrom[j] < 0 {
			continue
		}
		if p.flags[j]&planStable == 0 {
			from := indexOf(cur, j)
			to := len(cur) - 1
			if next >= 0 {
				to = indexOf(cur, next)
				if from < to {
					to--
				}
			}
			if from != to {
				d.emit(Op{Kind: OpMove, Path: d.opPath(-1), Index: from, To: to})
				copy(cur[from:], cur[from+1:])
				copy(cur[to+1:], cur[to:len(cur)-1])
				cur[to] = j
			}
		}
		next = j
	}
	for j, i := range p.newFrom {
		if d.halted() {
			return
		}
		if i < 0 {
			d.emitHTML(Op{Kind: OpInsert, Path: d.opPath(-1), Index: j}, new[j])
		}
	}
	for j, i := range p.newFrom {
		if d.halted() {
			return
		}
		switch {
		case i < 0 || p.flags[j]&planSame != 0:
		case p.flags[j]&planReplace != 0:
			d.path = append(d.path, j)
			d.replace(new[j])
			d.path = d.path[:len(d.path)-1]
		default:
			d.pair(j, old[i], new[j])
		}
	}
}

func indexOf(s []int32, x int32) int {
	for i, y := range s {
		if y == x {
			return i
		}
	}
	return -1
}

// longestIncreasing returns the positions in s of a longest strictly increasing
// subsequence, in order (patience sorting, O(n log n)).
func longestIncreasing(s []int32) []int {
	if len(s) == 0 {
		return nil
	}
	tails := make([]int, 0, 16) // tails[l]: position of the smallest tail of a run of length l+1
	prev := make([]int, len(s))
	for k, x := range s {
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := (lo + hi) / 2
			if s[tails[mid]] < x {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		if lo > 0 {
			prev[k] = tails[lo-1]
		} else {
			prev[k] = -1
		}
		if lo == len(tails) {
			tails = append(tails, k)
		} else {
			tails[lo] = k
		}
	}
	out := make([]int, len(tails))
	for k, l := tails[len(tails)-1], len(tails)-1; l >= 0; k, l = prev[k], l-1 {
		out[l] = k
	}
	return out
}
