package dom

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var updateSeeds = flag.Bool("update-seeds", false, "rewrite testdata/fuzz/FuzzDiff from diffSeeds")

// diffSeeds are the seed corpus of FuzzDiff: pairs (before, after) of realistic
// template output. Other tests replay them in a real browser against the client's
// applier, so each must be well-formed HTML that browsers parse exactly as Parse
// does (TestFuzzDiffSeeds checks that against golang.org/x/net/html).
var diffSeeds = map[string][2]string{
	"counter-increment": {
		"<div class=\"counter\">\n  <h1>Count: <span id=\"count\">0</span></h1>\n  <button live-click=\"dec\">-</button>\n  <button live-click=\"inc\">+</button>\n</div>\n",
		"<div class=\"counter\">\n  <h1>Count: <span id=\"count\">1</span></h1>\n  <button live-click=\"dec\">-</button>\n  <button live-click=\"inc\">+</button>\n</div>\n",
	},
	"counter-limit-disables-button": {
		"<div class=\"counter\">\n  <p>9 of 10</p>\n  <button live-click=\"inc\">+</button>\n</div>\n",
		"<div class=\"counter\">\n  <p>10 of 10</p>\n  <button live-click=\"inc\" disabled>+</button>\n  <p class=\"hint\">That is the limit.</p>\n</div>\n",
	},
	"form-validation-errors-appear": {
		"<form live-submit=\"save\" live-change=\"validate\">\n  <label for=\"email\">Email</label>\n  <input type=\"email\" id=\"email\" name=\"email\" value=\"\">\n  <label for=\"name\">Name</label>\n  <input type=\"text\" id=\"name\" name=\"name\" value=\"\">\n  <button type=\"submit\">Save</button>\n</form>\n",
		"<form live-submit=\"save\" live-change=\"validate\">\n  <label for=\"email\">Email</label>\n  <input type=\"email\" id=\"email\" name=\"email\" value=\"bob@\" class=\"invalid\" aria-invalid=\"true\">\n  <p class=\"error\" id=\"email-error\">must be a valid address</p>\n  <label for=\"name\">Name</label>\n  <input type=\"text\" id=\"name\" name=\"name\" value=\"Bob\">\n  <button type=\"submit\" disabled>Save</button>\n</form>\n",
	},
	"form-errors-cleared": {
		"<form live-submit=\"save\">\n  <input name=\"title\" value=\"x\" class=\"invalid\">\n  <p class=\"error\">too short</p>\n  <textarea name=\"body\">Hello</textarea>\n</form>\n",
		"<form live-submit=\"save\">\n  <input name=\"title\" value=\"xyz\">\n  <textarea name=\"body\">Hello, world</textarea>\n</form>\n",
	},
	"select-option-changes": {
		"<label>Sort <select name=\"sort\" live-change=\"sort\">\n  <option value=\"name\" selected>Name</option>\n  <option value=\"date\">Date</option>\n  <option value=\"size\">Size</option>\n</select></label>\n",
		"<label>Sort <select name=\"sort\" live-change=\"sort\">\n  <option value=\"name\">Name</option>\n  <option value=\"date\" selected>Date</option>\n  <option value=\"size\">Size</option>\n</select></label>\n",
	},
	"checkbox-toggled": {
		"<ul class=\"todos\">\n  <li id=\"todo-1\"><input type=\"checkbox\" live-click=\"toggle\" live-value-id=\"1\"> Buy milk</li>\n  <li id=\"todo-2\"><input type=\"checkbox\" live-click=\"toggle\" live-value-id=\"2\"> Write tests</li>\n</ul>\n",
		"<ul class=\"todos\">\n  <li id=\"todo-1\" class=\"done\"><input type=\"checkbox\" live-click=\"toggle\" live-value-id=\"1\" checked> Buy milk</li>\n  <li id=\"todo-2\"><input type=\"checkbox\" live-click=\"toggle\" live-value-id=\"2\"> Write tests</li>\n</ul>\n",
	},
	"textarea-text-changes": {
		"<form>\n<textarea name=\"notes\" rows=\"4\">\nFirst line</textarea>\n<span class=\"count\">10/200</span>\n</form>\n",
		"<form>\n<textarea name=\"notes\" rows=\"4\">\nFirst line\nSecond line with &lt;tags&gt; &amp; more</textarea>\n<span class=\"count\">42/200</span>\n</form>\n",
	},
	"table-one-cell-changes": {
		"<table class=\"users\">\n  <thead><tr><th>Name</th><th>Email</th><th>Role</th></tr></thead>\n  <tbody>\n    <tr id=\"user-1\"><td>Ann</td><td>ann@example.com</td><td>admin</td></tr>\n    <tr id=\"user-2\"><td>Bob</td><td>bob@example.com</td><td>member</td></tr>\n    <tr id=\"user-3\"><td>Cat</td><td>cat@example.com</td><td>member</td></tr>\n  </tbody>\n</table>\n",
		"<table class=\"users\">\n  <thead><tr><th>Name</th><th>Email</th><th>Role</th></tr></thead>\n  <tbody>\n    <tr id=\"user-1\"><td>Ann</td><td>ann@example.com</td><td>admin</td></tr>\n    <tr id=\"user-2\"><td>Bob</td><td>bob@example.com</td><td>owner</td></tr>\n    <tr id=\"user-3\"><td>Cat</td><td>cat@example.com</td><td>member</td></tr>\n  </tbody>\n</table>\n",
	},
	"table-without-tbody-row-added": {
		"<table>\n  <tr id=\"row-1\"><td>1</td><td>one</td></tr>\n  <tr id=\"row-2\"><td>2</td><td>two</td></tr>\n</table>\n",
		"<table>\n  <tr id=\"row-1\"><td>1</td><td>one</td></tr>\n  <tr id=\"row-2\"><td>2</td><td>two</td></tr>\n  <tr id=\"row-3\"><td>3</td><td>three</td></tr>\n</table>\n",
	},
	"table-without-tbody-rows-sorted": {
		"<table>\n  <tr><th>Name</th><th>Age</th></tr>\n  <tr id=\"p-1\"><td>Zoe</td><td>31</td></tr>\n  <tr id=\"p-2\"><td>Adam</td><td>45</td></tr>\n  <tr id=\"p-3\"><td>Mia</td><td>27</td></tr>\n</table>\n",
		"<table>\n  <tr><th>Name &#9650;</th><th>Age</th></tr>\n  <tr id=\"p-2\"><td>Adam</td><td>45</td></tr>\n  <tr id=\"p-3\"><td>Mia</td><td>27</td></tr>\n  <tr id=\"p-1\"><td>Zoe</td><td>31</td></tr>\n</table>\n",
	},
	"table-row-removed": {
		"<table><tbody><tr id=\"r1\"><td>a</td></tr><tr id=\"r2\"><td>b</td></tr><tr id=\"r3\"><td>c</td></tr></tbody></table>",
		"<table><tbody><tr id=\"r1\"><td>a</td></tr><tr id=\"r3\"><td>c</td></tr></tbody></table>",
	},
	"table-empty-state": {
		"<table>\n  <tbody>\n    <tr id=\"i-1\"><td>Only item</td><td><button live-click=\"delete\" live-value-id=\"1\">Delete</button></td></tr>\n  </tbody>\n</table>\n",
		"<table>\n  <tbody>\n    <tr><td colspan=\"2\" class=\"empty\">No items yet.</td></tr>\n  </tbody>\n</table>\n",
	},
	"keyed-list-swap": {
		"<ul>\n  <li id=\"a\">Alpha</li>\n  <li id=\"b\">Beta</li>\n  <li id=\"c\">Gamma</li>\n</ul>\n",
		"<ul>\n  <li id=\"b\">Beta</li>\n  <li id=\"a\">Alpha</li>\n  <li id=\"c\">Gamma</li>\n</ul>\n",
	},
	"keyed-list-insert-middle": {
		"<ul>\n  <li id=\"m-1\">one</li>\n  <li id=\"m-2\">two</li>\n  <li id=\"m-4\">four</li>\n  <li id=\"m-5\">five</li>\n</ul>\n",
		"<ul>\n  <li id=\"m-1\">one</li>\n  <li id=\"m-2\">two</li>\n  <li id=\"m-3\">three</li>\n  <li id=\"m-4\">four</li>\n  <li id=\"m-5\">five</li>\n</ul>\n",
	},
	"keyed-list-delete": {
		"<ol class=\"queue\"><li id=\"job-7\">build</li><li id=\"job-8\">test</li><li id=\"job-9\">deploy</li></ol>",
		"<ol class=\"queue\"><li id=\"job-7\">build</li><li id=\"job-9\">deploy</li></ol>",
	},
	"keyed-list-first-to-last": {
		"<ul>\n  <li id=\"t1\">1</li>\n  <li id=\"t2\">2</li>\n  <li id=\"t3\">3</li>\n  <li id=\"t4\">4</li>\n  <li id=\"t5\">5</li>\n</ul>\n",
		"<ul>\n  <li id=\"t2\">2</li>\n  <li id=\"t3\">3</li>\n  <li id=\"t4\">4</li>\n  <li id=\"t5\">5</li>\n  <li id=\"t1\">1</li>\n</ul>\n",
	},
	"keyed-list-reverse": {
		"<ul><li id=\"r1\">1</li><li id=\"r2\">2</li><li id=\"r3\">3</li><li id=\"r4\">4</li><li id=\"r5\">5</li><li id=\"r6\">6</li></ul>",
		"<ul><li id=\"r6\">6</li><li id=\"r5\">5</li><li id=\"r4\">4</li><li id=\"r3\">3</li><li id=\"r2\">2</li><li id=\"r1\">1</li></ul>",
	},
	"keyed-list-move-with-edit": {
		"<div id=\"board\">\n  <div id=\"card-1\" class=\"card\"><h3>Design</h3><p>todo</p></div>\n  <div id=\"card-2\" class=\"card\"><h3>Build</h3><p>todo</p></div>\n  <div id=\"card-3\" class=\"card\"><h3>Ship</h3><p>todo</p></div>\n</div>\n",
		"<div id=\"board\">\n  <div id=\"card-2\" class=\"card\"><h3>Build</h3><p>todo</p></div>\n  <div id=\"card-3\" class=\"card\"><h3>Ship</h3><p>todo</p></div>\n  <div id=\"card-1\" class=\"card done\"><h3>Design</h3><p>done</p></div>\n</div>\n",
	},
	"live-key-items-reordered": {
		"<div class=\"grid\">\n  <article live-key=\"p42\"><h2>Post 42</h2></article>\n  <article live-key=\"p43\"><h2>Post 43</h2></article>\n  <article live-key=\"p44\"><h2>Post 44</h2></article>\n</div>\n",
		"<div class=\"grid\">\n  <article live-key=\"p45\"><h2>Post 45</h2></article>\n  <article live-key=\"p44\"><h2>Post 44</h2></article>\n  <article live-key=\"p42\"><h2>Post 42 (edited)</h2></article>\n</div>\n",
	},
	"nested-lists": {
		"<ul class=\"tree\">\n  <li id=\"n1\">Fruits\n    <ul>\n      <li id=\"n1-1\">Apple</li>\n      <li id=\"n1-2\">Pear</li>\n    </ul>\n  </li>\n  <li id=\"n2\">Vegetables\n    <ul>\n      <li id=\"n2-1\">Leek</li>\n    </ul>\n  </li>\n</ul>\n",
		"<ul class=\"tree\">\n  <li id=\"n2\">Vegetables\n    <ul>\n      <li id=\"n2-1\">Leek</li>\n      <li id=\"n2-2\">Kale</li>\n    </ul>\n  </li>\n  <li id=\"n1\" class=\"collapsed\">Fruits\n    <ul>\n      <li id=\"n1-2\">Pear</li>\n    </ul>\n  </li>\n</ul>\n",
	},
	"attributes-change": {
		"<nav>\n  <a href=\"/\" class=\"active\" aria-current=\"page\">Home</a>\n  <a href=\"/about\">About</a>\n  <a href=\"/blog\" data-count=\"3\">Blog</a>\n</nav>\n",
		"<nav>\n  <a href=\"/\">Home</a>\n  <a href=\"/about\" class=\"active\" aria-current=\"page\">About</a>\n  <a href=\"/blog\" data-count=\"4\" title=\"4 new posts\">Blog</a>\n</nav>\n",
	},
	"style-attribute-progress": {
		"<div class=\"progress\"><div class=\"bar\" style=\"width: 10%\" role=\"progressbar\" aria-valuenow=\"10\"></div></div>",
		"<div class=\"progress\"><div class=\"bar\" style=\"width: 75%\" role=\"progressbar\" aria-valuenow=\"75\"></div></div>",
	},
	"whitespace-changes": {
		"<div>\n  <span>a</span>\n  <span>b</span>\n</div>",
		"<div>\n    <span>a</span> <span>b</span>\n\n</div>",
	},
	"comments-change": {
		"<!-- view: index -->\n<main>\n  <!-- begin list -->\n  <p>Nothing here</p>\n</main>\n",
		"<!-- view: index (3 items) -->\n<main>\n  <!-- begin list -->\n  <p>Three things</p>\n  <!-- end list -->\n</main>\n",
	},
	"entities-in-text-and-attributes": {
		"<p title=\"Tom &amp; Jerry\">Fish &amp; chips &lt;cheap&gt; &copy; 2024&nbsp;&mdash; &quot;ok&quot;</p>\n<a href=\"/search?q=a&amp;page=1\">next &rarr;</a>",
		"<p title=\"Tom &amp; Jerry &lt;3\">Fish &amp; chips &lt;dear&gt; &copy; 2025&nbsp;&mdash; &#8220;ok&#8221;</p>\n<a href=\"/search?q=a&amp;page=2\">next &rarr;</a>",
	},
	"script-content-changes": {
		"<div id=\"chart\"></div>\n<script type=\"application/json\" id=\"chart-data\">{\"points\":[1,2,3],\"label\":\"a < b && c\"}</script>\n",
		"<div id=\"chart\"></div>\n<script type=\"application/json\" id=\"chart-data\">{\"points\":[1,2,3,5],\"label\":\"a < b && c\"}</script>\n",
	},
	"style-content-changes": {
		"<style>.theme > a { color: #333; }</style>\n<div class=\"theme\"><a href=\"#\">link</a></div>",
		"<style>.theme > a { color: #fff; background: #000; }</style>\n<div class=\"theme dark\"><a href=\"#\">link</a></div>",
	},
	"unicode-text": {
		"<ul class=\"langs\">\n  <li lang=\"ja\">日本語</li>\n  <li lang=\"he\" dir=\"rtl\">שלום</li>\n  <li>emoji 🎉</li>\n</ul>\n",
		"<ul class=\"langs\">\n  <li lang=\"ja\">日本語のテキスト</li>\n  <li lang=\"he\" dir=\"rtl\">שלום עולם</li>\n  <li>emoji 🎉🚀 – naïve café</li>\n</ul>\n",
	},
	"conditional-block-appears": {
		"<header>\n  <h1>Inbox</h1>\n</header>\n<main>\n  <p>No messages.</p>\n</main>\n",
		"<header>\n  <h1>Inbox</h1>\n  <div class=\"flash info\" role=\"alert\">\n    <p>Message sent.</p>\n    <button live-click=\"dismiss\">&times;</button>\n  </div>\n</header>\n<main>\n  <p>No messages.</p>\n</main>\n",
	},
	"empty-to-content": {
		"",
		"<section>\n  <h2>Results</h2>\n  <p>2 found</p>\n</section>\n",
	},
	"content-to-empty": {
		"<section>\n  <h2>Results</h2>\n  <p>2 found</p>\n</section>\n",
		"",
	},
	"mixed-keyed-and-unkeyed": {
		"<div class=\"feed\">\n  <h2>Today</h2>\n  <div id=\"e1\">Event one</div>\n  <hr>\n  <div id=\"e2\">Event two</div>\n  <p>Load more</p>\n</div>\n",
		"<div class=\"feed\">\n  <h2>Today</h2>\n  <div id=\"e2\">Event two</div>\n  <hr>\n  <div id=\"e3\">Event three</div>\n  <div id=\"e1\">Event one</div>\n  <p>No more</p>\n</div>\n",
	},
	"duplicate-ids": {
		"<ul>\n  <li id=\"dup\">first</li>\n  <li id=\"dup\">second</li>\n  <li id=\"x\">x</li>\n</ul>\n",
		"<ul>\n  <li id=\"x\">x</li>\n  <li id=\"dup\">second</li>\n  <li id=\"dup\">first!</li>\n</ul>\n",
	},
	"svg-icon-attribute": {
		"<button class=\"icon\"><svg viewBox=\"0 0 24 24\" width=\"24\" height=\"24\"><path d=\"M12 2L2 22h20z\"/></svg> Warn</button>",
		"<button class=\"icon\"><svg viewBox=\"0 0 24 24\" width=\"24\" height=\"24\"><path d=\"M4 12l6 6L20 6\" stroke=\"green\"/></svg> Done</button>",
	},
	"svg-structure-changes": {
		"<svg viewBox=\"0 0 100 100\" class=\"chart\">\n  <circle cx=\"50\" cy=\"50\" r=\"40\"/>\n  <g class=\"marks\"><rect x=\"10\" y=\"10\" width=\"5\" height=\"5\"/></g>\n</svg>\n",
		"<svg viewBox=\"0 0 100 100\" class=\"chart\">\n  <circle cx=\"50\" cy=\"50\" r=\"45\"/>\n  <g class=\"marks\"><rect x=\"10\" y=\"10\" width=\"5\" height=\"5\"/><rect x=\"20\" y=\"10\" width=\"5\" height=\"5\"/></g>\n  <text x=\"50\" y=\"95\">2 marks</text>\n</svg>\n",
	},
	"pre-with-leading-newline": {
		"<pre class=\"log\">\nstarting\n</pre>",
		"<pre class=\"log\">\nstarting\nready in 12ms\n</pre>",
	},
	"implied-end-tags": {
		"<ul><li>one<li>two</ul>\n<p>para one\n<p>para two\n<dl><dt>Term<dd>Definition</dl>",
		"<ul><li>one<li>two<li>three</ul>\n<p>para one\n<p>para two changed\n<dl><dt>Term<dd>Definition<dt>New<dd>More</dl>",
	},
	"element-type-changes": {
		"<p>Status: <span class=\"badge\">draft</span></p>",
		"<p>Status: <strong class=\"badge\">published</strong> <a href=\"/p/1\">view</a></p>",
	},
	"pagination": {
		"<nav class=\"pager\">\n  <a href=\"?page=1\" class=\"current\">1</a>\n  <a href=\"?page=2\">2</a>\n  <a href=\"?page=3\">3</a>\n  <a href=\"?page=2\" rel=\"next\">Next</a>\n</nav>\n",
		"<nav class=\"pager\">\n  <a href=\"?page=1\" rel=\"prev\">Prev</a>\n  <a href=\"?page=1\">1</a>\n  <a href=\"?page=2\" class=\"current\">2</a>\n  <a href=\"?page=3\">3</a>\n  <a href=\"?page=3\" rel=\"next\">Next</a>\n</nav>\n",
	},
	"chat-messages-appended": {
		"<div id=\"messages\" class=\"chat\">\n  <div id=\"msg-1\" class=\"msg\"><b>ann</b>: hi</div>\n  <div id=\"msg-2\" class=\"msg\"><b>bob</b>: hello <i>there</i></div>\n</div>\n<form live-submit=\"send\"><input name=\"body\" value=\"how are\" autocomplete=\"off\"><button>Send</button></form>\n",
		"<div id=\"messages\" class=\"chat\">\n  <div id=\"msg-1\" class=\"msg\"><b>ann</b>: hi</div>\n  <div id=\"msg-2\" class=\"msg\"><b>bob</b>: hello <i>there</i></div>\n  <div id=\"msg-3\" class=\"msg mine\"><b>you</b>: how are you?</div>\n</div>\n<form live-submit=\"send\"><input name=\"body\" value=\"\" autocomplete=\"off\"><button>Send</button></form>\n",
	},
	"void-elements-and-images": {
		"<figure>\n  <img src=\"/a.png\" alt=\"A\" width=\"100\"><br>\n  <figcaption>Picture A</figcaption>\n</figure>\n<hr>",
		"<figure>\n  <img src=\"/b.png\" alt=\"B\" width=\"120\" loading=\"lazy\"><br>\n  <figcaption>Picture B<br>with caption</figcaption>\n</figure>\n<hr class=\"thin\">",
	},
	"details-open-toggle": {
		"<details id=\"faq-1\"><summary>Why?</summary><p>Because.</p></details>",
		"<details id=\"faq-1\" open><summary>Why?</summary><p>Because it is.</p></details>",
	},
	"table-with-colgroup-and-caption": {
		"<table>\n  <caption>Scores</caption>\n  <colgroup><col class=\"name\"><col class=\"score\"></colgroup>\n  <tbody>\n    <tr id=\"s-a\"><td>Ann</td><td>10</td></tr>\n    <tr id=\"s-b\"><td>Bob</td><td>8</td></tr>\n  </tbody>\n</table>\n",
		"<table>\n  <caption>Scores (updated)</caption>\n  <colgroup><col class=\"name\"><col class=\"score wide\"></colgroup>\n  <tbody>\n    <tr id=\"s-b\"><td>Bob</td><td>12</td></tr>\n    <tr id=\"s-a\"><td>Ann</td><td>10</td></tr>\n  </tbody>\n</table>\n",
	},
}

// seedFile renders a FuzzDiff corpus file in the format of go test -fuzz.
func seedFile(a, b string) string {
	return "go test fuzz v1\nstring(" + strconv.Quote(a) + ")\nstring(" + strconv.Quote(b) + ")\n"
}

// readSeedFile parses a two-string corpus file.
func readSeedFile(data string) (a, b string, err error) {
	lines := strings.Split(strings.TrimSpace(data), "\n")
	if len(lines) != 3 || lines[0] != "go test fuzz v1" {
		return "", "", fmt.Errorf("not a two-string corpus file")
	}
	var vals [2]string
	for i, l := range lines[1:] {
		if !strings.HasPrefix(l, "string(") || !strings.HasSuffix(l, ")") {
			return "", "", fmt.Errorf("line %d is not string(...)", i+2)
		}
		if vals[i], err = strconv.Unquote(l[len("string(") : len(l)-1]); err != nil {
			return "", "", fmt.Errorf("line %d: %v", i+2, err)
		}
	}
	return vals[0], vals[1], nil
}

// TestFuzzDiffSeeds checks the seed corpus: the files match diffSeeds (run with
// -update-seeds to rewrite them), every pair is browser-realistic (both sides parse
// as golang.org/x/net/html parses them), differs, and diffs correctly.
func TestFuzzDiffSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDiff")
	if *updateSeeds {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, p := range diffSeeds {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(seedFile(p[0], p[1])), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if len(names) < 30 {
		t.Errorf("%d seeds, want at least 30", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			a, b, err := readSeedFile(string(data))
			if err != nil {
				t.Fatal(err)
			}
			if p, ok := diffSeeds[name]; !ok || p != [2]string{a, b} {
				t.Fatalf("file does not match diffSeeds[%q]; run go test -run TestFuzzDiffSeeds -update-seeds", name)
			}
			checkLikeBrowser(t, a)
			checkLikeBrowser(t, b)
			if Equal(mustParse(t, a), mustParse(t, b)) {
				t.Fatal("the pair does not differ")
			}
			checkDiff(t, a, b)
		})
	}
	for name := range diffSeeds {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("seed %q has no file; run go test -run TestFuzzDiffSeeds -update-seeds", name)
		}
	}
}
