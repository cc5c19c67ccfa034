package live_test

import (
	"bytes"
	"html/template"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
)

func TestJSChainsAreValuesAndPrintAsEscapedJSON(t *testing.T) {
	open := live.JS{}.Show("#modal", live.Transition{Classes: "fade in"})
	both := open.Focus("#modal input")
	other := open.AddClass("", "active").Push("opened", map[string]string{"id": "7"})
	if got, want := open.String(), `[["show",{"time":200,"to":"#modal","transition":["fade","in"]}]]`; got != want {
		t.Errorf("open = %s\nwant %s", got, want)
	}
	if got, want := both.String(), `[["show",{"time":200,"to":"#modal","transition":["fade","in"]}],["focus",{"to":"#modal input"}]]`; got != want {
		t.Errorf("both = %s\nwant %s", got, want)
	}
	if got, want := other.String(), `[["show",{"time":200,"to":"#modal","transition":["fade","in"]}],["add_class",{"names":["active"],"to":""}],["push",{"event":"opened","value":{"id":"7"}}]]`; got != want {
		t.Errorf("other = %s\nwant %s", got, want)
	}
	if got := (live.JS{}).String(); got != "[]" {
		t.Errorf("empty chain = %s", got)
	}
	if got := (live.JS{}).Hide("#m", live.Transition{Classes: "out", Time: 50 * time.Millisecond}).String(); got != `[["hide",{"time":50,"to":"#m","transition":["out"]}]]` {
		t.Errorf("hide = %s", got)
	}

	tpl := template.Must(template.New("").Parse(`<button live-click="{{.}}">x</button>`))
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, live.JS{}.SetAttr(`a"><script>`, "title", `"'<>`)); err != nil {
		t.Fatal(err)
	}
	want := `<button live-click="[[&#34;set_attr&#34;,{&#34;attr&#34;:[&#34;title&#34;,&#34;\&#34;&#39;\u003c\u003e&#34;],&#34;to&#34;:&#34;a\&#34;\u003e\u003cscript\u003e&#34;}]]">x</button>`
	if buf.String() != want {
		t.Errorf("rendered\n%s\nwant\n%s", buf.String(), want)
	}
}
