package client_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/testbrowser"
)

// applierHelpers run in the /applier page: fill parses HTML into an element the
// way the client does, and apply fills the root with a, applies ops, and
// reports the result with the browser's own parse of want.
const applierHelpers = `
window.fill = (el, html) => {
  const t = document.createElement('template');
  t.innerHTML = html;
  el.replaceChildren(t.content);
};
window.root = document.getElementById('live-root');
window.apply = (a, ops, want) => {
  fill(root, a);
  const ok = liveapp.applyOps(root, ops);
  const w = document.getElementById('want');
  fill(w, want);
  return {ok: ok, got: root.innerHTML, want: w.innerHTML};
};
`

// applierPage opens the applier page in a fresh tab of browser.
func applierPage(t *testing.T, browser context.Context, ps *pageServer) context.Context {
	t.Helper()
	tab := testbrowser.NewTab(t, browser)
	if err := chromedp.Do(tab, chromedp.Navigate(ps.URL+"/applier"),
		chromedp.Evaluate[chromedp.Void](applierHelpers)); err != nil {
		t.Fatal(err)
	}
	return tab
}

type applyResult struct {
	OK   bool   `json:"ok"`
	Got  string `json:"got"`
	Want string `json:"want"`
}

// applyInPage fills the root with a, applies ops (JSON), and returns the result
// beside the browser's innerHTML for want.
func applyInPage(t *testing.T, tab context.Context, a, ops, want string) applyResult {
	t.Helper()
	args, _ := json.Marshal([]any{a, json.RawMessage(ops), want})
	var res applyResult
	if err := json.Unmarshal(evalJSON(t, tab, "return apply(..."+string(args)+")"), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestApplyOps checks each op of protocol section 4 on hand-written patches.
func TestApplyOps(t *testing.T) {
	browser := testbrowser.New(t)
	tab := applierPage(t, browser, newPageServer(t))
	tests := []struct {
		name, html, ops, want string
		fails                 bool // applyOps returns false, want is what is left
	}{
		{"t sets a text node", `<p>a</p>`, `[["t",[0,0],"b"]]`, `<p>b</p>`, false},
		{"t sets a comment", `<!--a--><p></p>`, `[["t",[0],"b"]]`, `<!--b--><p></p>`, false},
		{"a sets an attribute", `<p></p>`, `[["a",[0],"class","x y"]]`, `<p class="x y"></p>`, false},
		{"a on the root itself", ``, `[["a",[],"data-x","1"]]`, ``, false},
		{"a takes a name setAttribute refuses", `<p></p>`, `[["a",[0],"a<b","1"]]`, `<p a<b="1"></p>`, false},
		{"ra removes an attribute", `<p class="x" id="y"></p>`, `[["ra",[0],"class"]]`, `<p id="y"></p>`, false},
		{"i inserts at an index", `<ul><li>a</li><li>c</li></ul>`, `[["i",[0],1,"<li>b</li>"]]`, `<ul><li>a</li><li>b</li><li>c</li></ul>`, false},
		{"i appends at the child count", `<ul><li>a</li></ul>`, `[["i",[0],1,"<li>b</li>"]]`, `<ul><li>a</li><li>b</li></ul>`, false},
		{"i into the root", `<p>a</p>`, `[["i",[],0,"<p>0</p>"]]`, `<p>0</p><p>a</p>`, false},
		{"i keeps a table row", `<table><tbody></tbody></table>`, `[["i",[0,0],0,"<tr><td>x</td></tr>"]]`, `<table><tbody><tr><td>x</td></tr></tbody></table>`, false},
		{"i inserts escaped text", `<p><b>a</b></p>`, `[["i",[0],1," &amp; &lt;b&gt;"]]`, `<p><b>a</b> &amp; &lt;b&gt;</p>`, false},
		{"i inserts a comment", `<p></p>`, `[["i",[0],0,"<!--c-->"]]`, `<p><!--c--></p>`, false},
		{"d removes a node", `<p>a</p><p>b</p>`, `[["d",[0]]]`, `<p>b</p>`, false},
		{"x replaces a node", `<p>a</p><p>b</p>`, `[["x",[1],"<div>c</div>"]]`, `<p>a</p><div>c</div>`, false},
		{"x replaces an element with text", `<p><b>a</b></p>`, `[["x",[0,0],"plain"]]`, `<p>plain</p>`, false},
		{"m moves a child forward", `<ul><li>0</li><li>1</li><li>2</li><li>3</li></ul>`, `[["m",[0],0,2]]`, `<ul><li>1</li><li>2</li><li>0</li><li>3</li></ul>`, false},
		{"m moves a child back", `<ul><li>0</li><li>1</li><li>2</li><li>3</li></ul>`, `[["m",[0],3,0]]`, `<ul><li>3</li><li>0</li><li>1</li><li>2</li></ul>`, false},
		{"m moves a child to the end", `<ul><li>0</li><li>1</li><li>2</li><li>3</li></ul>`, `[["m",[0],0,3]]`, `<ul><li>1</li><li>2</li><li>3</li><li>0</li></ul>`, false},
		{"m to the same place changes nothing", `<ul><li>0</li><li>1</li></ul>`, `[["m",[0],1,1]]`, `<ul><li>0</li><li>1</li></ul>`, false},
		{"h replaces the children", `<div><p>a</p></div>`, `[["h",[0],"<b>x</b>y"]]`, `<div><b>x</b>y</div>`, false},
		{"h on the root", `<p>a</p>`, `[["h",[],"<li>x</li><li>y</li>"]]`, `<li>x</li><li>y</li>`, false},
		{"paths enter a template's content", `<template><p>a</p></template>`, `[["t",[0,0,0],"b"],["i",[0],1,"<i></i>"]]`, `<template><p>b</p><i></i></template>`, false},
		{"each op sees the DOM the one before left", `<p>a</p><p>b</p>`, `[["d",[0]],["t",[0,0],"c"],["i",[],0,"<p>z</p>"]]`, `<p>z</p><p>c</p>`, false},
		{"an empty op list changes nothing", `<p>a</p>`, `[]`, `<p>a</p>`, false},

		{"a path past the children fails", `<p>a</p>`, `[["t",[3],"x"]]`, `<p>a</p>`, true},
		{"a path through a text node fails", `<p>a</p>`, `[["t",[0,0,0],"x"]]`, `<p>a</p>`, true},
		{"t on an element fails", `<p>a</p>`, `[["t",[0],"x"]]`, `<p>a</p>`, true},
		{"a on a text node fails", `<p>a</p>`, `[["a",[0,0],"x","1"]]`, `<p>a</p>`, true},
		{"d of the root fails", `<p>a</p>`, `[["d",[]]]`, `<p>a</p>`, true},
		{"x of the root fails", `<p>a</p>`, `[["x",[],"<p></p>"]]`, `<p>a</p>`, true},
		{"i past the child count fails", `<p>a</p>`, `[["i",[0],2,"<b></b>"]]`, `<p>a</p>`, true},
		{"m to past the end fails", `<p>a</p>`, `[["m",[],0,1]]`, `<p>a</p>`, true},
		{"m of a missing child fails", `<p>a</p>`, `[["m",[],1,0]]`, `<p>a</p>`, true},
		{"an unknown op fails", `<p>a</p>`, `[["z",[0]]]`, `<p>a</p>`, true},
		{"a malformed path fails", `<p>a</p>`, `[["t",["0",0],"x"]]`, `<p>a</p>`, true},
		{"ops stop at the first failure", `<p>a</p>`, `[["t",[0,0],"b"],["t",[9],"x"],["t",[0,0],"c"]]`, `<p>b</p>`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := applyInPage(t, tab, tt.html, tt.ops, tt.want)
			if res.OK == tt.fails {
				t.Errorf("applyOps returned %v, want %v", res.OK, !tt.fails)
			}
			if res.Got != res.Want {
				t.Errorf("root.innerHTML = %q, want %q", res.Got, res.Want)
			}
		})
	}
}

// TestApplyOpsKeepsUserState checks that patches keep what the user is doing in
// form fields (protocol section 4, "Clients and form state").
func TestApplyOpsKeepsUserState(t *testing.T) {
	browser := testbrowser.New(t)
	tab := applierPage(t, browser, newPageServer(t))
	tests := []struct{ name, script, want string }{
		{"m keeps the moved node's identity", `
			fill(root, '<ul><li id="a">A</li><li id="b">B</li><li id="c">C</li></ul>');
			for (const li of root.querySelectorAll('li')) li.tag = li.id;
			const ok = liveapp.applyOps(root, [['m', [0], 2, 0], ['m', [0], 2, 1]]);
			return {ok, order: [...root.querySelectorAll('li')].map((li) => li.id + '=' + li.tag)};`,
			`{"ok":true,"order":["c=c","b=b","a=a"]}`},
		{"m keeps the focus on a moved field", `
			fill(root, '<p>x</p><input id="i">');
			$('#i').focus();
			liveapp.applyOps(root, [['m', [], 1, 0]]);
			return document.activeElement.id;`,
			`"i"`},
		{"value on the focused input sets the attribute only and keeps the caret", `
			fill(root, '<input id="i" value="a">');
			const i = $('#i');
			i.focus(); i.value = 'typed'; i.setSelectionRange(1, 3);
			liveapp.applyOps(root, [['a', [0], 'value', 'server']]);
			return {value: i.value, attr: i.getAttribute('value'), sel: [i.selectionStart, i.selectionEnd]};`,
			`{"value":"typed","attr":"server","sel":[1,3]}`},
		{"value on a focused input of a submitting form resets it", `
			fill(root, '<form class="live-submitting"><input id="i" value="a"></form>');
			const i = $('#i');
			i.focus(); i.value = 'typed';
			liveapp.applyOps(root, [['a', [0, 0], 'value', '']]);
			return i.value;`,
			`""`},
		{"value on an unfocused input shows the server's value", `
			fill(root, '<input id="i" value="a"><input id="j" value="b">');
			$('#i').value = 'typed'; $('#j').value = 'typed';
			liveapp.applyOps(root, [['a', [0], 'value', 'server'], ['ra', [1], 'value']]);
			return [$('#i').value, $('#j').value];`,
			`["server",""]`},
		{"checked and selected set the live state", `
			fill(root, '<input type="checkbox" id="c" checked><input type="checkbox" id="d"><select id="s"><option>a</option><option selected>b</option></select>');
			$('#c').checked = false; $('#d').checked = true; $('#s').value = 'a';
			liveapp.applyOps(root, [['a', [0], 'checked', ''], ['ra', [1], 'checked'], ['ra', [2, 1], 'selected'], ['a', [2, 0], 'selected', '']]);
			return [$('#c').checked, $('#d').checked, $('#s').value];`,
			`[true,false,"a"]`},
		{"a textarea's text shows unless the user is typing in it", `
			fill(root, '<textarea id="t">a</textarea><textarea id="u">a</textarea>');
			$('#t').value = 'typed'; $('#u').value = 'typed'; $('#u').focus();
			liveapp.applyOps(root, [['t', [0, 0], 'server'], ['t', [1, 0], 'server']]);
			return [$('#t').value, $('#u').value];`,
			`["server","typed"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sameJSON(t, evalJSON(t, tab, "const $ = (s) => document.querySelector(s);\n"+tt.script), tt.want)
		})
	}
}
