package live_test

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

type memoRow struct {
	ID   int
	Name string
}

// memoTemplates renders a list of rows twice: with a plain {{range}}, and through a Memo.
// Every execution of "row" bumps runs.
func memoTemplates(runs *atomic.Int64) *template.Template {
	return template.Must(template.New("memo").Funcs(template.FuncMap{
		"count": func() string { runs.Add(1); return "" },
	}).Parse(`
{{define "row"}}{{count}}<li id="r{{.ID}}" title="{{.Name}}">{{.Name}}</li>{{end}}
{{define "plain"}}<ul>{{range .Rows}}{{template "row" .}}{{end}}</ul>{{end}}
{{define "memo"}}<ul>{{.RowsHTML}}</ul>{{end}}`))
}

type memoView struct {
	tpl  *template.Template
	Rows []memoRow
	memo *live.Memo[memoRow]
}

func (v *memoView) Mount(_ context.Context, s *live.Socket) error {
	v.memo = live.NewMemo[memoRow](s, v.tpl.Lookup("row"))
	v.Rows = []memoRow{{1, "Ada"}, {2, "Grace"}, {3, "Edsger"}}
	s.On("rename", func(_ context.Context, p live.Params) error {
		id, err := p.Int("id")
		if err != nil {
			return err
		}
		for i := range v.Rows {
			if v.Rows[i].ID == int(id) {
				v.Rows[i].Name = p.Get("name")
			}
		}
		return nil
	})
	s.On("drop", func(context.Context, live.Params) error { v.Rows = v.Rows[1:]; return nil })
	return nil
}

func (v *memoView) RowsHTML() (template.HTML, error) { return v.memo.Each(v.Rows) }

func (v *memoView) Render(w io.Writer) error { return v.tpl.ExecuteTemplate(w, "memo", v) }

func TestMemoRendersLikeRangeAndOnlyWhatChanged(t *testing.T) {
	var runs atomic.Int64
	tpl := memoTemplates(&runs)
	v := &memoView{tpl: tpl}
	if err := v.Mount(context.Background(), new(live.Socket)); err != nil {
		t.Fatal(err)
	}
	v.Rows = append(v.Rows, memoRow{4, `<script>alert("x")</script>`}, memoRow{5, `" onmouseover="x`})
	same := func() {
		t.Helper()
		var plain, memo bytes.Buffer
		if err := tpl.ExecuteTemplate(&plain, "plain", v); err != nil {
			t.Fatal(err)
		}
		if err := v.Render(&memo); err != nil {
			t.Fatal(err)
		}
		if plain.String() != memo.String() {
			t.Fatalf("memo output differs from {{range}}:\n memo  %s\n range %s", memo.String(), plain.String())
		}
	}
	same() // 5 runs for the range, 5 for the memo
	if got := runs.Swap(0); got != 10 {
		t.Fatalf("first render ran the row template %d times, want 10", got)
	}
	v.Rows[2].Name = "Barbara"
	same()
	if got := runs.Swap(0); got != 5+1 {
		t.Errorf("after one change the memo ran the row template %d times, want 1", got-5)
	}
	same()
	if got := runs.Swap(0); got != 5 {
		t.Errorf("with nothing changed the memo ran the row template %d times, want 0", got-5)
	}
	// A value that left the list is forgotten: bringing it back renders it again.
	v.Rows[2].Name = "Edsger"
	same()
	if got := runs.Swap(0); got != 5+1 {
		t.Errorf("a value dropped two renders ago was rendered %d times, want 1", got-5)
	}
}

func TestMemoReportsTemplateErrors(t *testing.T) {
	tpl := template.Must(template.New("row").Parse(`{{.Missing}}`))
	m := live.NewMemo[memoRow](new(live.Socket), tpl)
	_, err := m.Each([]memoRow{{1, "a"}})
	if err == nil || !strings.Contains(err.Error(), `memo "row"`) {
		t.Fatalf("Each with a failing template: err = %v, want one naming the template", err)
	}
}

func TestMemoInALiveViewIsForgottenWhenIdle(t *testing.T) {
	var runs atomic.Int64
	tpl := memoTemplates(&runs)
	rt, err := live.New(live.Config{Secret: testSecret, Dev: true})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("memo", live.SessionOptions{}).Live("/memo", func() live.View { return &memoView{tpl: tpl} })
	mux := http.NewServeMux()
	rt.Register(mux)

	lv := livetest.Mount(t, mux, "/memo")
	runs.Store(0)
	if err := lv.Click("rename", "id", "2", "name", "Hopper"); err != nil {
		t.Fatal(err)
	}
	contains(t, lv.HTML(), `<li id="r2" title="Hopper">Hopper</li>`)
	if got := runs.Swap(0); got != 1 {
		t.Errorf("an event changing one row ran the row template %d times, want 1", got)
	}
	if err := lv.Click("drop"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(lv.HTML(), `id="r1"`) || runs.Swap(0) != 0 {
		t.Errorf("dropping a row: html %s, or rows were rendered again", lv.HTML())
	}
	for range 2 { // two heartbeats without an event: the idle socket forgets
		if err := lv.Heartbeat(); err != nil {
			t.Fatal(err)
		}
	}
	if err := lv.Click("rename", "id", "3", "name", "Dijkstra"); err != nil {
		t.Fatal(err)
	}
	contains(t, lv.HTML(), `<li id="r3" title="Dijkstra">Dijkstra</li>`)
	if got := runs.Swap(0); got != 2 {
		t.Errorf("the first event after idling ran the row template %d times, want 2 (all rows)", got)
	}
}

func TestMemoReportsItemsThatCannotBeKeys(t *testing.T) {
	type item struct{ V any }
	tpl := template.Must(template.New("item").Parse(`{{.V}}`))
	m := live.NewMemo[item](new(live.Socket), tpl)
	if _, err := m.Each([]item{{V: 1}, {V: []int{2}}}); err == nil || !strings.Contains(err.Error(), "cannot be a cache key") {
		t.Fatalf("Each with a slice inside an interface: err = %v, want a clear error", err)
	}
	if html, err := m.Each([]item{{V: 1}}); err != nil || html != "1" {
		t.Fatalf("the Memo does not work after the error: %q, %v", html, err)
	}
}

func TestMemosOfAllSocketsShareTheRowsTheyRendered(t *testing.T) {
	var runs atomic.Int64
	tpl := memoTemplates(&runs)
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("s", live.SessionOptions{}).Live("/memo", func() live.View { return &memoView{tpl: tpl} })
	mux := http.NewServeMux()
	rt.Register(mux)
	c := livetest.NewClient(t, mux)
	first := c.Mount("/memo") // the dead render and the connected mount render three rows
	if got := runs.Swap(0); got != 3 {
		t.Fatalf("the first tab ran the row template %d times, want 3", got)
	}
	second := c.Mount("/memo")
	if got := runs.Swap(0); got != 0 {
		t.Fatalf("another tab with the same rows ran the row template %d times, want 0", got)
	}
	for _, tab := range []*livetest.View{first, second} {
		if err := tab.Click("rename", "id", "2", "name", "Hopper"); err != nil {
			t.Fatal(err)
		}
		contains(t, tab.HTML(), `<li id="r2" title="Hopper">Hopper</li>`)
	}
	if got := runs.Swap(0); got != 1 {
		t.Fatalf("the same change in two tabs ran the row template %d times, want 1", got)
	}
}

func TestMemoRendersWithTheTemplateItIsGiven(t *testing.T) {
	old := template.Must(template.New("row").Parse(`<li>{{.Name}}</li>`))
	edited := template.Must(template.New("row").Parse(`<li class="new">{{.Name}}</li>`))
	m := live.NewMemo[memoRow](new(live.Socket), old)
	rows := []memoRow{{1, "a"}}
	if html, err := m.Each(rows); err != nil || html != `<li>a</li>` {
		t.Fatalf("Each = %q, %v", html, err)
	}
	m.SetTemplate(old) // the same: nothing changes
	m.SetTemplate(edited)
	if html, err := m.Each(rows); err != nil || html != `<li class="new">a</li>` {
		t.Fatalf("Each after SetTemplate = %q, %v; want the row rendered again with the new template", html, err)
	}
}
