package dom

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // dump of the root's children
	}{
		{"text and elements", `a<b>b</b>c`, `
#text "a"
<b>
  #text "b"
#text "c"`},
		{"tag and attribute names are lower-cased", `<DIV Class="x" ID=y></DIV>`, `
<div> class="x" id="y"`},
		{"duplicate attributes: the first wins", `<p class="a" class="b"></p>`, `
<p> class="a"`},
		{"attribute forms", `<input value=a disabled type='t' x = "y">`, `
<input> value="a" disabled="" type="t" x="y"`},
		{"void elements have no children", `<br>x<img src=a>y<input>z`, `
<br>
#text "x"
<img> src="a"
#text "y"
<input>
#text "z"`},
		{"self-closing syntax is ignored on HTML elements", `<div/>x</div>`, `
<div>
  #text "x"`},
		{"entities are decoded in text", `&lt;&amp;&gt; &copy;&#65;&#x42;&nbsp;&notit;`, `
#text "<&> ©AB\u00a0¬it;"`},
		{"entities in attributes keep legacy names before = and letters", `<a href="?x=1&copy=2&amp;y&copyz&copy;"></a>`, `
<a> href="?x=1&copy=2&y&copyz©"`},
		{"numeric references out of range become U+FFFD", `&#0;&#x110000;&#xD800;&#128;`, `
#text "���€"`},
		{"whitespace-only text is kept", "<ul>\n  <li>a</li>\n</ul>", `
<ul>
  #text "\n  "
  <li>
    #text "a"
  #text "\n"`},
		{"comments", `<!-- a --><!----><!--->x<!-- b --!>`, `
#comment " a "
#comment ""
#comment ""
#text "x"
#comment " b "`},
		{"bogus comments and doctype", `<!DOCTYPE html><?xml x?><!x></3>`, `
#comment "?xml x?"
#comment "x"
#comment "3"`},
		{"a stray < is text", `a < b <3 <>`, `
#text "a < b <3 <>"`},
		{"script content is raw", `<script>if (a<b && c>d) { x = "</div>" }</script>`, `
<script>
  #text "if (a<b && c>d) { x = \"</div>\" }"`},
		{"style content is raw", `<style>a > b { content: "&amp;" }</style>`, `
<style>
  #text "a > b { content: \"&amp;\" }"`},
		{"textarea content is text with entities", `<textarea><b>&amp;</textarea>`, `
<textarea>
  #text "<b>&"`},
		{"textarea and pre drop one leading newline", "<textarea>\n\nx</textarea><pre>\ny</pre>", `
<textarea>
  #text "\nx"
<pre>
  #text "y"`},
		{"title is RCDATA", `<title>a &amp; <b></title>`, `
<title>
  #text "a & <b>"`},
		{"p is closed by a block start tag", `<p>a<div>b</div>`, `
<p>
  #text "a"
<div>
  #text "b"`},
		{"p is not closed by inline content", `<p>a<span>b</span>c`, `
<p>
  #text "a"
  <span>
    #text "b"
  #text "c"`},
		{"a stray </p> makes an empty p", `<div></p></div>`, `
<div>
  <p>`},
		{"li closes an open li", `<ul><li>a<li>b</ul>`, `
<ul>
  <li>
    #text "a"
  <li>
    #text "b"`},
		{"nested lists keep their items", `<ul><li>a<ul><li>b</ul><li>c</ul>`, `
<ul>
  <li>
    #text "a"
    <ul>
      <li>
        #text "b"
  <li>
    #text "c"`},
		{"dt and dd close each other", `<dl><dt>a<dd>b<dt>c</dl>`, `
<dl>
  <dt>
    #text "a"
  <dd>
    #text "b"
  <dt>
    #text "c"`},
		{"option closes option", `<select><option>a<option>b</select>`, `
<select>
  <option>
    #text "a"
  <option>
    #text "b"`},
		{"tr inside table gets tbody", `<table><tr><td>a</td></tr></table>`, `
<table>
  <tbody>
    <tr>
      <td>
        #text "a"`},
		{"td and tr close open cells and rows", `<table><tr><td>a<td>b<tr><th>c</table>`, `
<table>
  <tbody>
    <tr>
      <td>
        #text "a"
      <td>
        #text "b"
    <tr>
      <th>
        #text "c"`},
		{"td directly in table gets tbody and tr", `<table><td>a</table>`, `
<table>
  <tbody>
    <tr>
      <td>
        #text "a"`},
		{"col directly in table gets colgroup", `<table><col><col><tr><td>a</table>`, `
<table>
  <colgroup>
    <col>
    <col>
  <tbody>
    <tr>
      <td>
        #text "a"`},
		{"thead then rows", `<table><thead><tr><th>h</th></tr></thead><tr><td>d</td></tr></table>`, `
<table>
  <thead>
    <tr>
      <th>
        #text "h"
  <tbody>
    <tr>
      <td>
        #text "d"`},
		{"table parts at the top level are kept (template context)", `<tr><td>a</td></tr>`, `
<tr>
  <td>
    #text "a"`},
		{"table parts outside a table are ignored", `<div><td>a</td></div>`, `
<div>
  #text "a"`},
		{"an end tag with no open element is ignored", `a</span>b</div>c`, `
#text "abc"`},
		{"an end tag closes the elements inside its element", `<div><span><b>x</div>y`, `
<div>
  <span>
    <b>
      #text "x"
#text "y"`},
		{"elements open at EOF are closed", `<div><span>x`, `
<div>
  <span>
    #text "x"`},
		{"a tag cut by EOF is dropped", `a<div class="x`, `
#text "a"`},
		{"html, head and body tags are ignored", `<html><body>x</body></html>`, `
#text "x"`},
		{"svg elements self-close and keep their case", `<svg viewbox="0 0 2 2"><path d="M0"/><lineargradient id=g></lineargradient></svg>x`, `
<svg> viewBox="0 0 2 2"
  <path> d="M0"
  <linearGradient> id="g"
#text "x"`},
		{"svg style is not raw text", `<svg><style>a&amp;b</style></svg>`, `
<svg>
  <style>
    #text "a&b"`},
		{"html inside svg breaks out", `<svg><p>x</p></svg>`, `
<svg>
<p>
  #text "x"`},
		{"foreignObject holds HTML", `<svg><foreignObject><div>x</div></foreignObject></svg>`, `
<svg>
  <foreignObject>
    <div>
      #text "x"`},
		{"CDATA in svg is text", `<svg><![CDATA[a<b]]></svg>`, `
<svg>
  #text "a<b"`},
		{"carriage returns become newlines", "a\r\nb\rc", `
#text "a\nb\nc"`},
		{"NUL and invalid UTF-8 become U+FFFD", "a\x00b\xffc", `
#text "a�b�c"`},
		{"adjacent text is merged", `a<!DOCTYPE x>b</x>c`, `
#text "abc"`},
		{"image is img", `<image src=x>`, `
<img> src="x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := mustParse(t, tt.src)
			if root.Type != ElementNode || root.Tag != "" {
				t.Fatalf("root is %v %q", root.Type, root.Tag)
			}
			var got string
			for _, c := range root.Children {
				got += dump(c)
			}
			want := strings.TrimPrefix(tt.want, "\n") + "\n"
			if got != want {
				t.Errorf("Parse(%q):\n%s\nwant:\n%s", tt.src, got, want)
			}
			checkRoundTrip(t, tt.src)
		})
	}
}

func TestParseDeepNestingIsBounded(t *testing.T) {
	src := strings.Repeat("<div>", 2000) + "x"
	root := mustParse(t, src)
	depth := 0
	for n := root; len(n.Children) > 0; n = n.Children[len(n.Children)-1] {
		depth++
	}
	if depth > maxDepth+1 {
		t.Errorf("depth %d, want at most %d", depth, maxDepth+1)
	}
	checkRoundTrip(t, src)
}

func TestParseTooLarge(t *testing.T) {
	if _, err := Parse(strings.Repeat("a", maxSize+1)); err != ErrTooLarge {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"id is a key", `<li id="a"></li>`, "a"},
		{"live-key wins over id", `<li id="a" live-key="k"></li>`, "k"},
		{"live-key before id wins too", `<li live-key="k" id="a"></li>`, "k"},
		{"no key", `<li class="a"></li>`, ""},
		{"text has no key", `text`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustParse(t, tt.src).Children[0].Key(); got != tt.want {
				t.Errorf("Key() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"same markup", `<p class="a">x</p>`, `<p class="a">x</p>`, true},
		{"attribute order does not matter", `<p a="1" b="2"></p>`, `<p b="2" a="1"></p>`, true},
		{"attribute value differs", `<p a="1"></p>`, `<p a="2"></p>`, false},
		{"text differs", `<p>x</p>`, `<p>y</p>`, false},
		{"whitespace counts", `<p>x</p>`, `<p>x </p>`, false},
		{"comment is not text", `<!--x-->`, `x`, false},
		{"extra child", `<p>x</p>`, `<p>x<b></b></p>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Equal(mustParse(t, tt.a), mustParse(t, tt.b)); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
		})
	}
	if !Equal(nil, nil) || Equal(nil, &Node{}) {
		t.Error("Equal with nil")
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		name string
		tree *Node
		want string
	}{
		{"text is escaped", &Node{Type: TextNode, Text: "a<b>&c\r"}, "a&lt;b&gt;&amp;c&#13;"},
		{"attributes are quoted and escaped", &Node{Type: ElementNode, Tag: "a", Attrs: []Attr{{"title", `"x" & y`}, {"hidden", ""}}},
			`<a title="&quot;x&quot; &amp; y" hidden></a>`},
		{"raw text cannot end its element", &Node{Type: ElementNode, Tag: "script", Children: []*Node{{Type: TextNode, Text: "a</script>b"}}},
			`<script>a<\/script>b</script>`},
		{"comment text cannot end the comment", &Node{Type: CommentNode, Text: "a-->b"}, `<!--a- ->b-->`},
		{"a leading newline in pre is doubled", &Node{Type: ElementNode, Tag: "pre", Children: []*Node{{Type: TextNode, Text: "\nx"}}},
			"<pre>\n\nx</pre>"},
		{"textarea text is escaped", &Node{Type: ElementNode, Tag: "textarea", Children: []*Node{{Type: TextNode, Text: "</textarea><b>"}}},
			"<textarea>&lt;/textarea&gt;&lt;b&gt;</textarea>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendHTML(nil, tt.tree)); got != tt.want {
				t.Errorf("AppendHTML = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	for _, src := range []string{
		"<textarea>&lt;/textarea&gt;</textarea>",
		"<title>&lt;/title&gt; &amp;amp;</title>",
		"<textarea>\n\nx</textarea>",
		"<pre>\n\ny</pre><listing>\nz</listing>",
		"<script>a</script",
		"<script>a</scrip",
		"<style>x</STYLE >y",
		"<plaintext>a</plaintext><b>",
		"<!--a--->b<!--x--!-->",
		"<!x-->y<?a--!b>",
		"<!--<!--->",
		"<table><col></p>0",
		"<table><colgroup></p></table>",
		"<!--a--",
		"<p>&#13;x&amp;lt;</p><a title='&#13;'>",
		"<svg><g><rect/></g><title>t</title><foreignObject><p>x</p></foreignObject></svg>",
		"<math><mi>x</mi><annotation-xml encoding=text/html><div>y</div></annotation-xml></math>",
		`<a =b "c'=d>`,
		"<table><caption>c<tr><td>x</table>",
		"<select><optgroup><option>a<optgroup><option>b</select>",
		strings.Repeat("<b>", 600),
	} {
		checkRoundTrip(t, src)
	}
}
