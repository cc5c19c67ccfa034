package dom

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzDiff checks, for any two strings, that applying Diff(Parse(a), Parse(b)) to
// Parse(a), directly and through AppendOps and DecodeOps, gives Parse(b). Its file
// corpus (testdata/fuzz/FuzzDiff) holds only realistic pairs, see diffSeeds.
func FuzzDiff(f *testing.F) {
	f.Add("<p>a<b>b</p>c", "<p>a<i>b</i></p><table><tr><td>x")
	f.Add("<ul><li id=a>a<li id=b>b<li id=a>c</ul>", "<ul><li id=b>b<li id=a>a<li>c</ul>")
	f.Add("<svg><g><path/></g></svg><template><b></template>", "<svg><g></g><path/></svg><template><i></template>")
	f.Add("<div id=w live-update=ignore><i>a</i></div><p>b", "<div id=w live-update=ignore data-x=1><b>c</b></div><p>d")
	f.Fuzz(func(t *testing.T, a, b string) {
		checkDiff(t, a, b)
	})
}

// FuzzParse checks that Parse accepts anything without panicking, yields valid
// UTF-8, and that its tree survives a render and parse round trip.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"<div class=a>x<p>y<table><tr><td>z</table>",
		"<script>a</script<textarea>\n&lt;</textarea><!--x--!>",
		"<svg><path/><foreignObject><p>x</svg><math><mi>y",
		"&amp&#x110000;&notit;<a b=&copy=>",
		"<plaintext></plaintext>",
	} {
		f.Add(s)
	}
	for _, p := range diffSeeds {
		f.Add(p[0])
	}
	f.Fuzz(func(t *testing.T, src string) {
		tree := mustParse(t, src)
		var check func(n *Node)
		check = func(n *Node) {
			if !utf8.ValidString(n.Text) || !utf8.ValidString(n.Tag) {
				t.Fatalf("invalid UTF-8 in %q", src)
			}
			if n.Type == TextNode && n.Text == "" {
				t.Fatalf("empty text node from %q", src)
			}
			for i, c := range n.Children {
				if i > 0 && c.Type == TextNode && n.Children[i-1].Type == TextNode {
					t.Fatalf("adjacent text nodes from %q", src)
				}
				check(c)
			}
		}
		check(tree)
		checkRoundTrip(t, src)
	})
}

// FuzzDecodeOps checks that DecodeOps never panics, that what it decodes encodes
// and decodes to the same ops, and that applying them cannot panic.
func FuzzDecodeOps(f *testing.F) {
	f.Add([]byte(AppendOps(nil, sampleOps)))
	f.Add([]byte(`[["t",[0,0],"x"],["m",[],0,1],["h",[1],"<b>"]]`))
	f.Add([]byte(`[["i",[0],9,"<tr>"],["d",[]],["a",[0],"","x"]]`))
	f.Add([]byte(`[[null],["t",[-1],"\ud800"],{}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ops, err := DecodeOps(data)
		if err != nil {
			return
		}
		again, err := DecodeOps(AppendOps(nil, ops))
		if err != nil {
			t.Fatalf("re-decoding %s: %v", AppendOps(nil, ops), err)
		}
		if !reflect.DeepEqual(ops, again) {
			t.Fatalf("decode(encode(ops)) = %#v, want %#v", again, ops)
		}
		root, _ := Parse("<ul><li>a</li><li>b</li></ul><p>x</p>")
		_ = Apply(root, ops)
	})
}

// FuzzDiffGenerated runs the FuzzDiff property on realistic pairs: a random
// well-formed fragment and a random edit of it, both derived from seed.
func FuzzDiffGenerated(f *testing.F) {
	f.Add(uint64(1))
	f.Add(uint64(42))
	f.Fuzz(func(t *testing.T, seed uint64) {
		g := newTreeGen(seed)
		a := g.root()
		b := g.mutate(a)
		checkDiff(t, string(AppendHTML(nil, a)), string(AppendHTML(nil, b)))
		checkLikeBrowser(t, string(AppendHTML(nil, b)))
	})
}
