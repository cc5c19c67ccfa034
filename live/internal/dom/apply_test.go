package dom

import (
	"strings"
	"testing"
)

func TestApply(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		ops     string
		want    string // HTML after the ops
		wantErr string
	}{
		{"text", `<p>a</p>`, `[["t",[0,0],"b"]]`, `<p>b</p>`, ""},
		{"set and remove attributes", `<p class="a" id="x">a</p>`, `[["a",[0],"class","b"],["a",[0],"title","t"],["ra",[0],"id"],["ra",[0],"nope"]]`,
			`<p class="b" title="t">a</p>`, ""},
		{"insert appends when the index is the child count", `<ul><li>a</li></ul>`, `[["i",[0],1,"<li>b</li>"],["i",[0],0,"<li>z</li>"]]`,
			`<ul><li>z</li><li>a</li><li>b</li></ul>`, ""},
		{"insert of a tr keeps it (template context)", `<table><tbody></tbody></table>`, `[["i",[0,0],0,"<tr><td>x</td></tr>"]]`,
			`<table><tbody><tr><td>x</td></tr></tbody></table>`, ""},
		{"remove, replace", `<p>a</p><p>b</p>`, `[["d",[0]],["x",[0],"<div>c</div>"]]`, `<div>c</div>`, ""},
		{"move forward removes first", `<i>0</i><i>1</i><i>2</i>`, `[["m",[],0,2]]`, `<i>1</i><i>2</i><i>0</i>`, ""},
		{"move backward", `<i>0</i><i>1</i><i>2</i>`, `[["m",[],2,0]]`, `<i>2</i><i>0</i><i>1</i>`, ""},
		{"inner", `<div><b>x</b></div>`, `[["h",[0],"a<i>b</i>"]]`, `<div>a<i>b</i></div>`, ""},
		{"inner of the root", `<div></div>`, `[["h",[],"x"]]`, `x`, ""},
		{"inner of a script is raw text", `<script></script>`, `[["h",[0],"a<b>&amp;"]]`, `<script>a<b>&amp;</script>`, ""},
		{"inner of a textarea is text", `<textarea></textarea>`, `[["h",[0],"a&lt;b&gt;"]]`, `<textarea>a&lt;b&gt;</textarea>`, ""},
		{"path out of range", `<p>a</p>`, `[["t",[1],"b"]]`, "", "out of range"},
		{"path through a text node", `<p>a</p>`, `[["t",[0,0,0],"b"]]`, "", "out of range"},
		{"text op on an element", `<p>a</p>`, `[["t",[0],"b"]]`, "", "not a text or comment node"},
		{"attribute on a text node", `<p>a</p>`, `[["a",[0,0],"x","y"]]`, "", "not an element"},
		{"insert index past the end", `<p>a</p>`, `[["i",[0],2,"<b></b>"]]`, "", "out of range"},
		{"insert of two nodes", `<p>a</p>`, `[["i",[0],0,"<b></b><i></i>"]]`, "", "parses to 2 nodes"},
		{"replace with nothing", `<p>a</p>`, `[["x",[0],""]]`, "", "parses to 0 nodes"},
		{"remove the root", `<p>a</p>`, `[["d",[]]]`, "", "root"},
		{"move from out of range", `<p>a</p>`, `[["m",[],1,0]]`, "", "out of range"},
		{"move to out of range", `<p>a</p><p>b</p>`, `[["m",[],0,2]]`, "", "out of range"},
		{"ops before an error stay applied", `<p>a</p>`, `[["t",[0,0],"b"],["d",[5]]]`, `<p>b</p>`, "op 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := mustParse(t, tt.src)
			ops, err := DecodeOps([]byte(tt.ops))
			if err != nil {
				t.Fatal(err)
			}
			err = Apply(root, ops)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" {
				if got := string(AppendHTML(nil, root)); got != tt.want {
					t.Errorf("HTML = %s, want %s", got, tt.want)
				}
			}
		})
	}
	if err := Apply(nil, nil); err == nil {
		t.Error("Apply(nil) succeeded")
	}
	if err := Apply(&Node{Type: ElementNode}, []Op{{Kind: 42}}); err == nil {
		t.Error("unknown op kind applied")
	}
}
