package dom

import "testing"

// FuzzParseIn checks that parsing into Arenas, in turn, as a connection does (each
// new tree diffed against the last, then the tree before last's memory reused), gives
// the trees and ops that Parse gives.
func FuzzParseIn(f *testing.F) {
	f.Add("<ul><li id=a>a<li id=b>b</ul>", "<p class=x>y</p>", "<ul><li id=b>b<li id=a>a</ul><table><tr><td>z")
	f.Add("<svg><g><path d=1/></g></svg>", "", "<div a=1 b=2 c=3><i>many</i><b>nodes</b><s>here</s></div>")
	for _, p := range diffSeeds {
		f.Add(p[0], p[1], p[0])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		var arenas [2]Arena
		var last *Node
		for i, src := range []string{a, b, c, a, c, b} {
			tree, err := ParseIn(&arenas[i%2], src)
			if err != nil {
				return // too large: Parse refuses it too
			}
			if want := mustParse(t, src); !Equal(tree, want) {
				t.Fatalf("ParseIn(%q) differs from Parse:\n%s\nwant:\n%s", src, dump(tree), dump(want))
			}
			if last != nil {
				ops := Diff(last, tree)
				got := mustParse(t, dumpSource(last))
				if err := Apply(got, ops); err != nil || !Equal(got, tree) {
					t.Fatalf("diff between arena trees does not apply (%v): %s", err, AppendOps(nil, ops))
				}
			}
			last = tree
		}
	})
}

// dumpSource renders n back to HTML.
func dumpSource(n *Node) string { return string(AppendHTML(nil, n)) }

// TestParseInLearnsTheSize: a page with more nodes than its '<' suggest (text between the
// tags) parses into a pair of Arenas without allocating once they have seen it.
func TestParseInLearnsTheSize(t *testing.T) {
	src := "<section>\n<h1>Counter</h1>\n<p>Count: <b id=\"count\">1</b></p>\n<button id=\"inc\" live-click=\"inc\">+1</button>\n" +
		"<button id=\"dec\" live-click=\"dec\">-1</button>\n<p>a <i>b</i> c <i>d</i> e <i>f</i> g <i>h</i></p>\n</section>\n"
	var arenas [2]Arena
	i := 0
	parse := func() {
		if _, err := ParseIn(&arenas[i%2], src); err != nil {
			t.Fatal(err)
		}
		i++
	}
	parse()
	parse()
	if n := testing.AllocsPerRun(100, parse); n >= 1 && !raceEnabled {
		t.Fatalf("%v allocations per parse into a warm Arena, want none", n)
	}
}
