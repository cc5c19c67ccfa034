package live_test

// Benchmarks of what one event costs the server once its handler has run, done the way
// conn.diff does it: render the view with html/template, parse the HTML, diff the new tree
// against the last one and encode the ops into the reply frame. wire-B/op is the size of
// that frame on the socket, websocket header included. docs/performance.md has the
// figures and the targets they are held against.
//
//	go test ./live -run '^$' -bench . -benchmem

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/internal/dom"
)

var benchTemplates = template.Must(template.New("bench").Parse(`
{{define "counter"}}<section>
<h1>Counter</h1>
<p>Count: <b id="count">{{.Count}}</b></p>
<button id="inc" live-click="inc">+1</button>
<button id="dec" live-click="dec">−1</button>
</section>{{end}}

{{define "table"}}<table id="people">
<thead><tr><th>Name</th><th>Email</th><th>Score</th></tr></thead>
<tbody>
{{range .Rows}}<tr id="row-{{.ID}}"><td>{{.Name}}</td><td>{{.Email}}</td><td>{{.Score}}</td></tr>
{{end}}</tbody>
</table>{{end}}

{{define "table-memo"}}<table id="people">
<thead><tr><th>Name</th><th>Email</th><th>Score</th></tr></thead>
<tbody>
{{.RowsHTML}}</tbody>
</table>{{end}}

{{define "row"}}<tr id="row-{{.ID}}"><td>{{.Name}}</td><td>{{.Email}}</td><td>{{.Score}}</td></tr>
{{end}}

{{define "list-memo"}}<ul id="todos">
{{.ItemsHTML}}</ul>{{end}}

{{define "item"}}<li id="item-{{.ID}}"><span>{{.Title}}</span> <button live-click="done" live-value-id="{{.ID}}">done</button></li>
{{end}}

{{define "list"}}<ul id="todos">
{{range .Items}}<li id="item-{{.ID}}"><span>{{.Title}}</span> <button live-click="done" live-value-id="{{.ID}}">done</button></li>
{{end}}</ul>{{end}}
`))

// benchCounter is the example app's counter.
type benchCounter struct{ Count int64 }

func (c *benchCounter) Mount(_ context.Context, s *live.Socket) error {
	s.On("inc", func(context.Context, live.Params) error { c.Count++; return nil })
	return nil
}

func (c *benchCounter) Render(w io.Writer) error {
	return benchTemplates.ExecuteTemplate(w, "counter", c)
}

// benchTable is a 100-row, 3-column table; an event changes one cell.
type benchTable struct{ Rows []benchRow }

type benchRow struct {
	ID          int
	Name, Email string
	Score       int
}

func newBenchTable() *benchTable {
	t := &benchTable{Rows: make([]benchRow, 100)}
	for i := range t.Rows {
		t.Rows[i] = benchRow{ID: i, Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("person%d@example.com", i), Score: i * 10}
	}
	return t
}

func (t *benchTable) Mount(_ context.Context, s *live.Socket) error {
	s.On("score", func(_ context.Context, p live.Params) error {
		i, err := p.Int("row")
		if err != nil || i < 0 || int(i) >= len(t.Rows) {
			return &live.ParamError{Name: "row", Reason: "is not a row"}
		}
		t.Rows[i].Score++
		return nil
	})
	return nil
}

func (t *benchTable) Render(w io.Writer) error { return benchTemplates.ExecuteTemplate(w, "table", t) }

// benchMemoTable is benchTable rendering its rows through a live.Memo: the template runs
// only for the row that changed.
type benchMemoTable struct {
	*benchTable
	rows *live.Memo[benchRow]
}

func newBenchMemoTable() *benchMemoTable {
	return &benchMemoTable{newBenchTable(), live.NewMemo[benchRow](new(live.Socket), benchTemplates.Lookup("row"))}
}

// RowsHTML is the table's rows, for the template.
func (t *benchMemoTable) RowsHTML() (template.HTML, error) { return t.rows.Each(t.Rows) }

func (t *benchMemoTable) Render(w io.Writer) error {
	return benchTemplates.ExecuteTemplate(w, "table-memo", t)
}

// benchList is a 100-item keyed list; an event moves one item.
type benchList struct{ Items []benchItem }

type benchItem struct {
	ID    int
	Title string
}

func newBenchList() *benchList {
	l := &benchList{Items: make([]benchItem, 100)}
	for i := range l.Items {
		l.Items[i] = benchItem{ID: i, Title: fmt.Sprintf("Task number %d", i)}
	}
	return l
}

func (l *benchList) Mount(_ context.Context, s *live.Socket) error {
	s.On("move", func(_ context.Context, p live.Params) error {
		from, err1 := p.Int("from")
		to, err2 := p.Int("to")
		if err1 != nil || err2 != nil {
			return &live.ParamError{Name: "from", Reason: "is not a position"}
		}
		l.move(int(from), int(to))
		return nil
	})
	return nil
}

func (l *benchList) move(from, to int) {
	it := l.Items[from]
	l.Items = slices.Insert(slices.Delete(l.Items, from, from+1), to, it)
}

func (l *benchList) Render(w io.Writer) error { return benchTemplates.ExecuteTemplate(w, "list", l) }

// benchMemoList is benchList rendering its items through a live.Memo.
type benchMemoList struct {
	*benchList
	items *live.Memo[benchItem]
}

func newBenchMemoList() *benchMemoList {
	return &benchMemoList{newBenchList(), live.NewMemo[benchItem](new(live.Socket), benchTemplates.Lookup("item"))}
}

// ItemsHTML is the list's items, for the template.
func (l *benchMemoList) ItemsHTML() (template.HTML, error) { return l.items.Each(l.Items) }

func (l *benchMemoList) Render(w io.Writer) error {
	return benchTemplates.ExecuteTemplate(w, "list-memo", l)
}

// eventDiffer does for one view what a busy connection does after each event: render
// with a reused buffer, parse the new HTML, diff it against the tree kept from the last
// event (into the memory of the tree before it), and build the reply frame. (An idle connection keeps only the HTML and parses it
// again on its next event; BenchmarkStages/*/parse is that extra cost.)
type eventDiffer struct {
	view   live.View
	html   string
	tree   *dom.Node
	arenas [2]dom.Arena
	arena  int
	buf    bytes.Buffer
	ref    int64
}

func newEventDiffer(b *testing.B, v live.View) *eventDiffer {
	html := render(b, v)
	return &eventDiffer{view: v, html: html, tree: parse(b, html)}
}

// reply renders the view and returns the reply frame for the event with the next ref, as
// conn.after and conn.diff build it.
func (d *eventDiffer) reply(b *testing.B) []byte {
	d.buf.Reset()
	if err := d.view.Render(&d.buf); err != nil {
		b.Fatal(err)
	}
	html := d.buf.String()
	d.ref++
	var enc []byte
	if html != d.html {
		next := 1 - d.arena
		tree, err := dom.ParseIn(&d.arenas[next], html)
		if err != nil {
			b.Fatal(err)
		}
		ops := dom.Diff(d.tree, tree)
		d.html, d.tree, d.arena = html, tree, next
		if len(ops) > 0 {
			enc = dom.AppendOps(nil, ops)
		}
	}
	return replyFrame(d.ref, enc)
}

// replyFrame is the runtime's {"t":"r","ref":N,"ops":[...]} frame.
func replyFrame(ref int64, ops []byte) []byte {
	f := make([]byte, 0, 32+len(ops))
	f = append(f, `{"t":"r","ref":`...)
	f = strconv.AppendInt(f, ref, 10)
	if len(ops) > 0 {
		f = append(f, `,"ops":`...)
		f = append(f, ops...)
	}
	return append(f, '}')
}

// wireSize is the size of a server frame on the socket: server frames are unmasked, with
// a 2-byte header below 126 bytes of payload, 4 below 64 KiB, else 10.
func wireSize(payload []byte) int {
	switch n := len(payload); {
	case n < 126:
		return n + 2
	case n < 1<<16:
		return n + 4
	default:
		return n + 10
	}
}

func render(b *testing.B, v live.View) string {
	var buf bytes.Buffer
	if err := v.Render(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.String()
}

func parse(b *testing.B, html string) *dom.Node {
	tree, err := dom.Parse(html)
	if err != nil {
		b.Fatal(err)
	}
	return tree
}

// benchPage is a view and the change one event makes to it.
type benchPage struct {
	name   string
	view   live.View
	change func(i int)
}

// benchPages returns fresh views of the three pages.
func benchPages() []benchPage {
	c, t, l := &benchCounter{}, newBenchTable(), newBenchList()
	mt, ml := newBenchMemoTable(), newBenchMemoList()
	return []benchPage{
		{"counter", c, func(int) { c.Count++ }},
		{"table-one-cell", t, func(i int) { t.Rows[i%len(t.Rows)].Score++ }},
		{"list-move", l, func(int) { l.move(90, 10) }},
		{"table-one-cell-memo", mt, func(i int) { mt.Rows[i%len(mt.Rows)].Score++ }},
		{"list-move-memo", ml, func(int) { ml.move(90, 10) }},
	}
}

// BenchmarkEvent measures render + parse + diff + encode for one event on each page.
// wire-B/op is the mean reply frame on the socket.
func BenchmarkEvent(b *testing.B) {
	for _, p := range benchPages() {
		b.Run(p.name, func(b *testing.B) {
			d := newEventDiffer(b, p.view)
			var wire, n int
			b.ReportAllocs()
			for b.Loop() {
				p.change(n)
				frame := d.reply(b)
				wire += wireSize(frame)
				n++
			}
			b.ReportMetric(float64(wire)/float64(n), "wire-B/op")
		})
	}
}

// BenchmarkStages splits an event into its stages: html/template alone (render), the
// parse of its output (parse), and the diff of two parsed trees with the encoding of
// the ops (diff).
func BenchmarkStages(b *testing.B) {
	for _, p := range benchPages() {
		b.Run(p.name+"/render", func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := p.view.Render(&buf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "html-B/op")
		})
		b.Run(p.name+"/parse", func(b *testing.B) {
			html := render(b, p.view)
			b.ReportAllocs()
			for b.Loop() {
				parse(b, html)
			}
		})
		b.Run(p.name+"/diff", func(b *testing.B) {
			trees := [2]*dom.Node{parse(b, render(b, p.view)), nil}
			p.change(42)
			trees[1] = parse(b, render(b, p.view))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				ops := dom.Diff(trees[i&1], trees[(i+1)&1])
				_ = dom.AppendOps(nil, ops)
				i++
			}
		})
	}
}

// BenchmarkTableFields renders the table with the same template over rows that expose
// their values three ways: as int and string fields (the benchTable view), as methods,
// and as fields already formatted as strings.
func BenchmarkTableFields(b *testing.B) {
	t := newBenchTable()
	methods := make([]rowMethods, len(t.Rows))
	strs := make([]rowStrings, len(t.Rows))
	for i, r := range t.Rows {
		methods[i] = rowMethods{r}
		strs[i] = rowStrings{strconv.Itoa(r.ID), r.Name, r.Email, strconv.Itoa(r.Score)}
	}
	for _, c := range []struct {
		name string
		data any
	}{
		{"fields", t},
		{"methods", struct{ Rows []rowMethods }{methods}},
		{"string-fields", struct{ Rows []rowStrings }{strs}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := benchTemplates.ExecuteTemplate(&buf, "table", c.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type rowMethods struct{ r benchRow }

func (m rowMethods) ID() int       { return m.r.ID }
func (m rowMethods) Name() string  { return m.r.Name }
func (m rowMethods) Email() string { return m.r.Email }
func (m rowMethods) Score() int    { return m.r.Score }

type rowStrings struct{ ID, Name, Email, Score string }

// BenchmarkKeptTree reports the memory a connected view keeps between events for its
// last rendered tree (kept-B/view): the parsed tree and the HTML it points into.
func BenchmarkKeptTree(b *testing.B) {
	for _, p := range benchPages() {
		b.Run(p.name, func(b *testing.B) {
			var kept []*dom.Node
			before := liveHeap()
			for b.Loop() {
				var buf bytes.Buffer
				buf.Grow(4096) // as conn.sendRender and conn.diff do
				if err := p.view.Render(&buf); err != nil {
					b.Fatal(err)
				}
				kept = append(kept, parse(b, buf.String()))
			}
			b.StopTimer()
			b.ReportMetric(float64(liveHeap()-before)/float64(len(kept))-8, "kept-B/view")
			runtime.KeepAlive(kept)
		})
	}
}

// liveHeap returns the bytes of live heap objects after a GC.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
