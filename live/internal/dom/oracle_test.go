package dom

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// browserParse parses src with golang.org/x/net/html, a complete implementation of
// the HTML standard's tree builder, as the children of a div: what a browser puts
// under #live-root. It is the oracle for "parses like a browser".
func browserParse(t testing.TB, src string) *Node {
	t.Helper()
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(src), ctx)
	if err != nil {
		t.Fatalf("x/net/html: %v", err)
	}
	root := &Node{Type: ElementNode}
	for _, n := range nodes {
		if c := fromXNet(n); c != nil {
			root.Children = append(root.Children, c)
		}
	}
	return root
}

func fromXNet(n *html.Node) *Node {
	var out *Node
	switch n.Type {
	case html.TextNode:
		out = &Node{Type: TextNode, Text: n.Data}
	case html.CommentNode:
		out = &Node{Type: CommentNode, Text: n.Data}
	case html.ElementNode:
		out = &Node{Type: ElementNode, Tag: n.Data}
		for _, a := range n.Attr {
			name := a.Key
			if a.Namespace != "" {
				name = a.Namespace + ":" + a.Key
			}
			out.Attrs = append(out.Attrs, Attr{name, a.Val})
		}
	default:
		return nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if k := fromXNet(c); k != nil {
			out.Children = append(out.Children, k)
		}
	}
	return out
}

// checkLikeBrowser checks that Parse(src) builds the tree a browser builds.
func checkLikeBrowser(t testing.TB, src string) {
	t.Helper()
	got, want := mustParse(t, src), browserParse(t, src)
	if !Equal(got, want) {
		t.Fatalf("Parse(%q) differs from a browser's parse\ngot:\n%s\nbrowser:\n%s", src, dump(got), dump(want))
	}
}

func TestParseLikeBrowsers(t *testing.T) {
	for _, src := range []string{
		"<div class=a>x<p>p1<p>p2<div>y</div><ul><li>a<li>b<ul><li>c</ul></ul>",
		"<table>\n  <tr id=a><td>1<td>2\n  <tr id=b><td>3</table>",
		"<table><thead><tr><th>h</thead><tr><td>x</table><p>after",
		"<table><caption>c</caption><colgroup><col><col></colgroup><tbody><tr><td>x</td></tr></tbody></table>",
		"<table><col span=2><tr><td>x</table>",
		"<dl><dt>a<dd>b<dt>c<dd>d</dl>",
		"<select><optgroup label=g><option>a<option selected>b</optgroup><option>c</select>",
		"<p>a<h1>b</h1><h2>c<h3>d</h3>",
		"<form><input name=a value='x&amp;y'><textarea>\n\nt</textarea><button>go</button></form>",
		"<pre>\n\ncode</pre><listing>\nx</listing>",
		"<script>a<b</script><style>p>a{}</style><title>&amp;t</title><noscript><b>x</b></noscript>",
		"<svg viewBox='0 0 2 2'><path d='M0'/><g><circle r=1 /></g><foreignObject><div>x</div></foreignObject></svg>",
		"<svg><linearGradient gradientUnits=x><stop/></linearGradient><p>out</svg>",
		"<math><mi>x</mi><mo>+</mo></math>",
		"a &amp; b &lt; c &copy; &#169; &#xA9; &notin; &notit; &unknown; &",
		"<a href='?a=1&copy=2&amp;b=3&lang=x'>l</a>",
		"<!-- c --><!----><!-- a -- b -->x",
		"<div></p></div><br></br>",
		"<div><span><b>x</b></span></div>y",
		"<li>x<li>y",
		"<div><svg><g></p><circle/></g></svg></div><svg></br></svg>",
		"<p>a<svg><desc><p>b</p></desc></svg>c</p>",
	} {
		checkLikeBrowser(t, src)
	}
}

func TestGeneratedFragmentsParseLikeBrowsers(t *testing.T) {
	g := newTreeGen(1)
	for i := range 300 {
		tree := g.root()
		src := string(AppendHTML(nil, tree))
		checkLikeBrowser(t, src)
		if !Equal(mustParse(t, src), tree) {
			t.Fatalf("case %d: generated tree does not parse back from %q\ngot:\n%s\nwant:\n%s", i, src, dump(mustParse(t, src)), dump(tree))
		}
		checkLikeBrowser(t, string(AppendHTML(nil, g.mutate(tree))))
	}
}
