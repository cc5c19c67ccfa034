package live

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live/internal/dom"
)

// fixedHTML is a component whose Render writes the HTML it is given.
type fixedHTML struct{ html string }

func (f *fixedHTML) Render(w io.Writer) error { _, err := io.WriteString(w, f.html); return err }

// FuzzComponentPatch: for a page holding a component, and any two renders of that
// component, the patch of the component alone turns the page into what a render of the
// whole view would be, and every op lies inside the component's element; or the runtime
// falls back to the whole view (errComponentMoved). The page may keep its parsed tree
// (a busy socket) or not.
func FuzzComponentPatch(f *testing.F) {
	for _, seed := range [][4]string{
		{"<main><h1>Board</h1>", "</main>", "<p>1</p><button live-click=inc>+</button>", "<p>2</p><button live-click=inc>+</button>"},
		{"<ul><li>a</li>", "<li>b</li></ul>", "<b>x</b>", "<i>y</i><i>z</i>"},
		{"<table><tr><td>", "</td></tr></table>", "text", "<table><tr><td>cell</td></tr></table>"},
		{"<p>before", "after</p>", "<span>s</span>", "<div>d</div>"},
		{"", "", "<div id=inner live-update=ignore>kept</div>", "<div id=inner live-update=ignore>new</div><p>x</p>"},
		{"<main>", "</main>", "<p>x</p>", "</div><p>escaped</p>"},
		{"<div live-update=ignore>", "</div>", "a", "b"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3], true)
	}
	f.Fuzz(func(t *testing.T, before, after, first, second string, busy bool) {
		if len(before)+len(after)+len(first)+len(second) > 4096 {
			return
		}
		rt, err := New(Config{Secret: []byte(strings.Repeat("k", 32)), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		s := &Socket{rt: rt}
		s.parts = &components{}
		view := &fixedHTML{html: first}
		m := &component{cs: ComponentSocket{sock: s, id: "c"}, view: view, dirty: true}
		s.parts.list = append(s.parts.list, m)
		if err := m.render(); err != nil {
			t.Fatal(err)
		}
		s.html = before + m.html + after
		oldHTML := s.html
		page, err := dom.Parse(s.html)
		if err != nil {
			return // too large
		}
		if busy {
			s.hot = &hotState{tree: page}
			if page, err = dom.Parse(s.html); err != nil {
				t.Fatal(err)
			}
		}
		c := &conn{rt: rt, sock: s}
		view.html = second
		p, err := c.componentPatch(m)
		if err == errComponentMoved {
			return
		}
		if err != nil {
			return // a render too large to parse
		}
		want, _ := dom.Parse(s.html) // the whole view as it would render now
		if wantWhole, _ := dom.Parse(before + m.html + after); !dom.Equal(want, wantWhole) {
			t.Fatalf("the socket's HTML is not the page with the new render:\n%s", s.html)
		}
		ops, err := dom.DecodeOps(p.ops)
		if err != nil && p.ops != nil {
			t.Fatal(err)
		}
		_, _, at := findElement(page, "c", nil)
		for _, op := range ops {
			if len(op.Path) < len(at) || !slices.Equal(op.Path[:len(at)], at) {
				t.Fatalf("op %+v is outside the component at %v", op, at)
			}
		}
		if err := dom.Apply(page, ops); err != nil {
			t.Fatalf("apply: %v", err)
		}
		// What the whole view's patch makes of the page: the same, ignored regions
		// (which both leave alone) included.
		whole, _ := dom.Parse(oldHTML)
		if err := dom.Apply(whole, dom.Diff(mustParse(t, oldHTML), want)); err != nil {
			t.Fatal(err)
		}
		if !dom.Equal(page, whole) {
			t.Fatalf("patched page\n%s\nwant\n%s", dom.AppendHTML(nil, page), dom.AppendHTML(nil, whole))
		}
		if busy && !dom.Equal(s.hot.tree, want) {
			t.Fatalf("the kept tree\n%s\nwant\n%s", dom.AppendHTML(nil, s.hot.tree), dom.AppendHTML(nil, want))
		}
	})
}

func mustParse(t *testing.T, html string) *dom.Node {
	t.Helper()
	n, err := dom.Parse(html)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
