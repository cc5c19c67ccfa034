package dom

import (
	"fmt"
	"strings"
	"testing"
)

// keyedList renders a <ul> of items with ids, in the given order, the way a
// template with {{range}} does (sep goes before each item).
func keyedList(order []int, sep string) string {
	var b strings.Builder
	b.WriteString(`<ul id="list">`)
	for _, i := range order {
		fmt.Fprintf(&b, `%s<li id="item-%d" class="item">Item number %d</li>`, sep, i, i)
	}
	b.WriteString(sep + "</ul>")
	return b.String()
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func moveItem(s []int, from, to int) []int {
	s = append([]int(nil), s...)
	x := s[from]
	s = append(s[:from], s[from+1:]...)
	return append(s[:to], append([]int{x}, s[to:]...)...)
}

func countKind(ops []Op, k OpKind) int {
	n := 0
	for _, op := range ops {
		if op.Kind == k {
			n++
		}
	}
	return n
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string // the encoded ops; "" skips the check
	}{
		{"identical trees give no ops", `<p class="x">a</p>`, `<p class="x">a</p>`, `[]`},
		{"text change is one text op", `<div><h1>Count: <span>1</span></h1></div>`, `<div><h1>Count: <span>2</span></h1></div>`,
			`[["t",[0,0,1,0],"2"]]`},
		{"attribute added", `<button>go</button>`, `<button disabled>go</button>`, `[["a",[0],"disabled",""]]`},
		{"attribute changed", `<a class="x" href="/">go</a>`, `<a class="y" href="/">go</a>`, `[["a",[0],"class","y"]]`},
		{"attribute removed", `<a class="x" href="/">go</a>`, `<a href="/">go</a>`, `[["ra",[0],"class"]]`},
		{"attribute order alone gives no ops", `<a x="1" y="2"></a>`, `<a y="2" x="1"></a>`, `[]`},
		{"comment change is a text op", `<!-- a --><p>x</p>`, `<!-- b --><p>x</p>`, `[["t",[0]," b "]]`},
		{"element appended", `<ul><li>a</li></ul>`, `<ul><li>a</li><li>b</li></ul>`, `[["i",[0],1,"<li>b</li>"]]`},
		{"element removed from the end", `<ul><li>a</li><li>b</li></ul>`, `<ul><li>a</li></ul>`, `[["d",[0,1]]]`},
		{"different tag is a replace", `<div><span>a</span></div>`, `<div><strong>a</strong></div>`,
			`[["x",[0,0],"<strong>a</strong>"]]`},
		{"text replaced by an element", `<p>a</p>`, `<p><b>a</b></p>`, `[["x",[0,0],"<b>a</b>"]]`},
		{"keyed item inserted in the middle is one insert", `<ul><li id="a">A</li><li id="c">C</li></ul>`,
			`<ul><li id="a">A</li><li id="b">B</li><li id="c">C</li></ul>`, `[["i",[0],1,"<li id=\"b\">B</li>"]]`},
		{"keyed item deleted is one remove", `<ul><li id="a">A</li><li id="b">B</li><li id="c">C</li></ul>`,
			`<ul><li id="a">A</li><li id="c">C</li></ul>`, `[["d",[0,1]]]`},
		{"keyed items swapped is one move", `<ul><li id="a">A</li><li id="b">B</li></ul>`,
			`<ul><li id="b">B</li><li id="a">A</li></ul>`, `[["m",[0],0,1]]`},
		{"first keyed item moved to the end is one move", `<ul><li id="a">A</li><li id="b">B</li><li id="c">C</li></ul>`,
			`<ul><li id="b">B</li><li id="c">C</li><li id="a">A</li></ul>`, `[["m",[0],0,2]]`},
		{"moved keyed item keeps identity and gets its change", `<ul><li id="a">A</li><li id="b">B</li></ul>`,
			`<ul><li id="b">B</li><li id="a">A2</li></ul>`, `[["m",[0],0,1],["t",[0,1,0],"A2"]]`},
		{"live-key is a key", `<div live-key="1">a</div><div live-key="2">b</div>`, `<div live-key="2">b</div><div live-key="1">a</div>`,
			`[["m",[],0,1]]`},
		{"changed key replaces the node", `<ul><li id="a">A</li></ul>`, `<ul><li id="b">A</li></ul>`,
			`[["x",[0,0],"<li id=\"b\">A</li>"]]`},
		{"tr inside table gets tbody in paths", `<table><tr><td>1</td></tr></table>`, `<table><tr><td>2</td></tr></table>`,
			`[["t",[0,0,0,0,0],"2"]]`},
		{"svg change that needs markup replaces the svg", `<svg><path d="M0"/></svg>`, `<svg><path d="M0"/><circle r="1"/></svg>`,
			`[["x",[0],"<svg><path d=\"M0\"/><circle r=\"1\"/></svg>"]]`},
		{"svg attribute change is an attribute op", `<svg viewBox="0 0 1 1"><path d="M0"/></svg>`, `<svg viewBox="0 0 1 1"><path d="M1"/></svg>`,
			`[["a",[0,0],"d","M1"]]`},
		{"template content change replaces the template", `<template><b>a</b></template>`, `<template><b>b</b></template>`,
			`[["x",[0],"<template><b>b</b></template>"]]`},
		{"unsettable attribute name replaces the element", `<p>x</p>`, `<p "a=1>x</p>`, `[["x",[0],"<p \"a=\"1\">x</p>"]]`},
		{"emptied view is one inner op", `<p>a</p><p>b</p>`, ``, `[["h",[],""]]`},
		{"textarea text change", `<textarea>a</textarea>`, `<textarea>a & b</textarea>`, `[["t",[0,0],"a & b"]]`},
		{"script text change", `<script>x=1</script>`, `<script>x=2</script>`, `[["t",[0,0],"x=2"]]`},
		{"filled script is sent as raw inner HTML when escaping would cost more", `<script></script>`,
			`<script>if (a<b && c<d && e<f && g<h && i<j && k<l) {}</script>`,
			`[["h",[0],"if (a<b && c<d && e<f && g<h && i<j && k<l) {}"]]`},
		{"duplicate keys stay correct", `<p id="d">1</p><p id="d">2</p><p id="e">3</p>`, `<p id="e">3</p><p id="d">2</p><p id="d">1</p>`, ""},
		{"mixed keyed and unkeyed siblings", `<li>x</li><li id="a">A</li><li>y</li><li id="b">B</li>`,
			`<li id="b">B</li><li>y</li><li id="a">A</li><li>z</li><li>w</li>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A large unchanged tail keeps the whole-view fallback out of the way.
			pad := "<footer>" + strings.Repeat("unchanged ", 30) + "</footer>"
			a, b := tt.a+pad, tt.b+pad
			if tt.b == "" {
				a, b = tt.a, tt.b
			}
			ops := checkDiff(t, a, b)
			if got := string(AppendOps(nil, ops)); tt.want != "" && got != tt.want {
				t.Errorf("ops = %s\nwant  %s", got, tt.want)
			}
		})
	}
}

func TestDiffKeyedLists(t *testing.T) {
	reversed := seq(100)
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	tests := []struct {
		name      string
		old, new  []int
		sep       string
		maxMoves  int
		maxOthers int // ops other than moves
	}{
		{"one row moved in a keyed list is one move", seq(100), moveItem(seq(100), 10, 70), "", 1, 0},
		{"first row moved to the end is one move", seq(100), moveItem(seq(100), 0, 99), "", 1, 0},
		{"last row moved to the front is one move", seq(100), moveItem(seq(100), 99, 0), "", 1, 0},
		{"one row moved among whitespace moves the row and its whitespace", seq(100), moveItem(seq(100), 10, 70), "\n  ", 2, 0},
		{"reversed list moves all but one", seq(100), reversed, "", 99, 0},
		{"row inserted in the middle is one insert", seq(10), append(append(seq(5), 100), seq(10)[5:]...), "\n  ", 0, 2},
		{"row removed from the middle is one remove", seq(10), append(seq(4), seq(10)[5:]...), "", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := checkDiff(t, keyedList(tt.old, tt.sep), keyedList(tt.new, tt.sep))
			moves := countKind(ops, OpMove)
			if moves > tt.maxMoves || len(ops)-moves > tt.maxOthers {
				t.Errorf("%d moves and %d other ops, want at most %d and %d: %s",
					moves, len(ops)-moves, tt.maxMoves, tt.maxOthers, AppendOps(nil, ops))
			}
		})
	}
}

func TestDiffGeneratedPairs(t *testing.T) {
	g := newTreeGen(2)
	for range 2000 {
		a := g.root()
		b := g.mutate(a)
		if g.r.IntN(10) == 0 {
			b = g.root()
		}
		checkDiff(t, string(AppendHTML(nil, a)), string(AppendHTML(nil, b)))
	}
}

func TestDiffNilTrees(t *testing.T) {
	b := mustParse(t, `<p>x</p>`)
	ops := Diff(nil, b)
	root := &Node{Type: ElementNode}
	if err := Apply(root, ops); err != nil || !Equal(root, b) {
		t.Fatalf("Diff(nil, b) = %s (err %v)", AppendOps(nil, ops), err)
	}
	if ops := Diff(b, nil); len(ops) != 1 || ops[0].Kind != OpInner {
		t.Fatalf("Diff(b, nil) = %s", AppendOps(nil, ops))
	}
}

func TestDiffFallsBackToHTML(t *testing.T) {
	tests := []struct{ name, a, b, want string }{
		{"everything new is one inner op", `<p>a</p>`, `<div><h1>Title</h1><p>Text</p></div>`,
			`[["h",[],"<div><h1>Title</h1><p>Text</p></div>"]]`},
		{"a small view with a small change is sent whole when that is shorter", `<b>1</b>`, `<b>2</b>`, `[["h",[],"<b>2</b>"]]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendOps(nil, checkDiff(t, tt.a, tt.b))); got != tt.want {
				t.Errorf("ops = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDiffRewritesABusyElement(t *testing.T) {
	var a, b strings.Builder
	a.WriteString("<section>")
	b.WriteString("<section>")
	for i := range 40 {
		fmt.Fprintf(&a, "<p>old text %d</p>", i)
		fmt.Fprintf(&b, "<p>new %d</p>", i)
	}
	a.WriteString("</section><footer>" + strings.Repeat("unchanged ", 200) + "</footer>")
	b.WriteString("</section><footer>" + strings.Repeat("unchanged ", 200) + "</footer>")
	ops := checkDiff(t, a.String(), b.String())
	if len(ops) != 1 || ops[0].Kind != OpInner || len(ops[0].Path) != 1 {
		t.Errorf("want one inner op on the section, got %s", AppendOps(nil, ops))
	}
}

func TestDiffLeavesIgnoredChildrenToTheClient(t *testing.T) {
	for _, tc := range []struct {
		name, a, b, want string
	}{
		{"children change", `<div id=c live-update=ignore><canvas></canvas></div><p>1</p>`,
			`<div id=c live-update=ignore><span>2</span></div><p>2</p>`, `[["t",[1,0],"2"]]`},
		{"attributes still change", `<div id=c live-update=ignore data-n=1><i></i></div>`,
			`<div id=c live-update=ignore data-n=2><b></b></div>`, `[["a",[0],"data-n","2"]]`},
		{"no longer ignored: replaced", `<div id=c live-update=ignore><i>x</i></div><p>` + strings.Repeat("long text ", 9) + `</p>`,
			`<div id=c><i>y</i></div><p>` + strings.Repeat("long text ", 9) + `</p>`, `[["x",[0],"<div id=\"c\"><i>y</i></div>"]]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops := checkDiff(t, tc.a, tc.b)
			if got := string(AppendOps(nil, ops)); got != tc.want {
				t.Errorf("ops = %s, want %s", got, tc.want)
			}
		})
	}
}
