package dom

import (
	"fmt"
	"strings"
	"testing"
)

func mustParse(t testing.TB, src string) *Node {
	t.Helper()
	n, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return n
}

// dump writes a tree one node a line, for readable test failures.
func dump(n *Node) string {
	var b strings.Builder
	var walk func(n *Node, depth int)
	walk = func(n *Node, depth int) {
		ind := strings.Repeat("  ", depth)
		switch n.Type {
		case TextNode:
			fmt.Fprintf(&b, "%s#text %q\n", ind, n.Text)
		case CommentNode:
			fmt.Fprintf(&b, "%s#comment %q\n", ind, n.Text)
		case ElementNode:
			fmt.Fprintf(&b, "%s<%s>", ind, n.Tag)
			for _, a := range n.Attrs {
				fmt.Fprintf(&b, " %s=%q", a.Name, a.Value)
			}
			b.WriteByte('\n')
		default:
			fmt.Fprintf(&b, "%s#type%d\n", ind, n.Type)
		}
		for _, c := range n.Children {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// checkRoundTrip checks that the HTML of src's tree parses back Equal.
func checkRoundTrip(t testing.TB, src string) {
	t.Helper()
	tree := mustParse(t, src)
	out := string(AppendHTML(nil, tree))
	back := mustParse(t, out)
	if !Equal(tree, back) {
		t.Fatalf("round trip of %q\nrendered %q\nparsed:\n%s\nreparsed:\n%s", src, out, dump(tree), dump(back))
	}
}

// checkDiff checks every property of Diff for the pair (a, b) and returns the ops:
// applying them (directly and after an encode/decode trip) turns a into b, Diff
// leaves its inputs alone, the encoding length matches opLen, and the patch is not
// larger than the new HTML unless it is that HTML.
func checkDiff(t testing.TB, a, b string) []Op {
	t.Helper()
	ta, tb := mustParse(t, a), mustParse(t, b)
	ops := Diff(ta, tb)
	if !Equal(ta, mustParse(t, a)) || !Equal(tb, mustParse(t, b)) {
		t.Fatalf("Diff modified its input trees")
	}
	if equalSeen(ta, tb) != (ops == nil) {
		t.Fatalf("equalSeen=%v but Diff returned %d ops: %s", equalSeen(ta, tb), len(ops), AppendOps(nil, ops))
	}
	enc := AppendOps(nil, ops)
	// AppendDiff encodes the same ops after what buf holds, and adds nothing when
	// there are none.
	if app := AppendDiff([]byte("x"), ta, tb); ops == nil && string(app) != "x" || ops != nil && string(app) != "x"+string(enc) {
		t.Fatalf("AppendDiff gives %s, AppendOps(Diff) gives %s", app[1:], enc)
	}
	got := mustParse(t, a)
	if err := Apply(got, ops); err != nil {
		t.Fatalf("Apply: %v\na: %q\nb: %q\nops: %s", err, a, b, enc)
	}
	if !equalSeen(got, tb) {
		t.Fatalf("Apply(a, Diff(a, b)) != b\na: %q\nb: %q\nops: %s\ngot:\n%s\nwant:\n%s", a, b, enc, dump(got), dump(tb))
	}
	want := 2
	for i := range ops {
		want += opLen(&ops[i]) + 1
	}
	if len(ops) > 0 {
		want--
	}
	if len(enc) != want {
		t.Fatalf("opLen sums to %d, encoding is %d bytes: %s", want, len(enc), enc)
	}
	dec, err := DecodeOps(enc)
	if err != nil {
		t.Fatalf("DecodeOps(%s): %v", enc, err)
	}
	got = mustParse(t, a)
	if err := Apply(got, dec); err != nil || !equalSeen(got, tb) {
		t.Fatalf("decoded ops do not turn a into b (err %v)\nops: %s", err, enc)
	}
	if html := AppendHTML(nil, tb); len(ops) > 0 && len(enc) > len(html) &&
		!(len(ops) == 1 && ops[0].Kind == OpInner && len(ops[0].Path) == 0) {
		t.Fatalf("patch of %d bytes is larger than the %d bytes of HTML: %s", len(enc), len(html), enc)
	}
	return ops
}

// equalSeen is Equal as a client sees it: the children of an element ignored in both
// trees (live-update="ignore") belong to the client, and Diff leaves them alone.
func equalSeen(a, b *Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !Equal(&Node{Type: a.Type, Tag: a.Tag, Text: a.Text, Attrs: a.Attrs}, &Node{Type: b.Type, Tag: b.Tag, Text: b.Text, Attrs: b.Attrs}) {
		return false
	}
	if Ignored(a) && Ignored(b) {
		return true
	}
	if len(a.Children) != len(b.Children) {
		return false
	}
	for i := range a.Children {
		if !equalSeen(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}
