package client_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/internal/testbrowser"
	"github.com/liveapp/liveapp/live/internal/dom"
)

// diffPair is an old and a new view HTML.
type diffPair struct{ name, a, b string }

// fuzzSeeds reads the FuzzDiff seed corpus of the dom package: Go fuzz files of
// a "go test fuzz v1" line and two string("...") lines.
func fuzzSeeds(t *testing.T) []diffPair {
	t.Helper()
	files, err := filepath.Glob("../internal/dom/testdata/fuzz/FuzzDiff/*")
	if err != nil {
		t.Fatal(err)
	}
	var pairs []diffPair
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) != 3 || strings.TrimSpace(lines[0]) != "go test fuzz v1" {
			t.Fatalf("%s: not a two-string fuzz seed", f)
		}
		var args [2]string
		for i, line := range lines[1:] {
			line = strings.TrimSpace(line)
			inner, ok := strings.CutPrefix(line, "string(")
			if !ok {
				inner, ok = strings.CutPrefix(line, "[]byte(")
			}
			inner, ok2 := strings.CutSuffix(inner, ")")
			if !ok || !ok2 {
				t.Fatalf("%s: line %d is not string(...): %s", f, i+2, line)
			}
			if args[i], err = strconv.Unquote(inner); err != nil {
				t.Fatalf("%s: line %d: %v", f, i+2, err)
			}
		}
		pairs = append(pairs, diffPair{filepath.Base(f), args[0], args[1]})
	}
	return pairs
}

// morePairs are cases the client cares about beyond the dom package's seeds.
var morePairs = []diffPair{
	{"keyed rows reordered and one inserted",
		`<ul><li id="a">A</li><li id="b">B</li><li id="c">C</li></ul>`,
		`<ul><li id="c">C</li><li id="n">N</li><li id="a">A</li><li id="b">B</li></ul>`},
	{"live-key rows reversed",
		`<div><p live-key="1">1</p><p live-key="2">2</p><p live-key="3">3</p></div>`,
		`<div><p live-key="3">3</p><p live-key="2">2</p><p live-key="1">1</p></div>`},
	{"table rows", `<table><tbody><tr><td>1</td></tr></tbody></table>`,
		`<table><tbody><tr><td>1</td></tr><tr><td>2</td></tr></tbody></table>`},
	{"whitespace and comments", "<p>\n  a <!-- c --> b\n</p>", "<p>\n  a <!-- d --> b c\n</p>"},
	{"a form's fields", `<form><input name="a" value="1"><input type="checkbox" name="b" checked><textarea name="t">x</textarea></form>`,
		`<form><input name="a" value="2"><input type="checkbox" name="b"><textarea name="t">y</textarea></form>`},
	{"everything replaced", `<p>a</p><p>b</p>`, `<section><h1>t</h1></section>`},
	{"to nothing", `<p>a</p>`, ``},
	{"from nothing", ``, `<p>a</p>text`},
}

// TestApplyOpsMatchesDiff applies, in Chromium, the ops the dom package computes
// from a to b, and checks that the root then serializes as the browser's own
// parse of b does.
func TestApplyOpsMatchesDiff(t *testing.T) {
	pairs := append(fuzzSeeds(t), morePairs...)
	browser := testbrowser.New(t)
	tab := applierPage(t, browser, newPageServer(t))
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			ops := diffOps(t, p.a, p.b)
			res := applyInPage(t, tab, p.a, ops, p.b)
			if !res.OK || res.Got != res.Want {
				t.Errorf("a:   %q\nb:   %q\nops: %s\napplyOps returned %v\ngot  %q\nwant %q", p.a, p.b, ops, res.OK, res.Got, res.Want)
			}
		})
	}
	t.Run("a keyed move keeps the nodes", func(t *testing.T) { keyedMoveKeepsNodes(t, tab) })
}

// diffOps returns the JSON ops of the dom package's diff from a to b. Every pair
// must parse: the dom package's FuzzDiff fails on a seed that does not, so one
// that does not here is a broken test, not a case to pass over.
func diffOps(t *testing.T, a, b string) string {
	t.Helper()
	old, err := dom.Parse(a)
	if err != nil {
		t.Fatalf("dom.Parse(a): %v", err)
	}
	new, err := dom.Parse(b)
	if err != nil {
		t.Fatalf("dom.Parse(b): %v", err)
	}
	return string(dom.AppendOps(nil, dom.Diff(old, new)))
}

// keyedMoveKeepsNodes checks that the nodes of a reordered keyed list are moved,
// not rebuilt: each keeps a JavaScript property set before the patch.
func keyedMoveKeepsNodes(t *testing.T, tab context.Context) {
	a := `<ul><li id="a">A</li><li id="b">B</li><li id="c">C</li><li id="d">D</li></ul>`
	b := `<ul><li id="d">D</li><li id="b">B</li><li id="n">N</li><li id="a">A</li><li id="c">C!</li></ul>`
	ops := diffOps(t, a, b)
	args, _ := json.Marshal([]any{a, json.RawMessage(ops), b})
	sameJSON(t, evalJSON(t, tab, `
		const [a, ops, b] = `+string(args)+`;
		fill(root, a);
		for (const li of root.querySelectorAll('li')) li.tag = li.id;
		const ok = liveapp.applyOps(root, ops);
		const want = document.getElementById('want');
		fill(want, b);
		return {ok, same: root.innerHTML === want.innerHTML,
			tags: [...root.querySelectorAll('li')].map((li) => li.id + '=' + (li.tag || 'new'))};`),
		`{"ok":true,"same":true,"tags":["d=d","b=b","n=new","a=a","c=c"]}`)
}
