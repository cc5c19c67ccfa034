package live

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"sync"
)

// Memo renders a list one item at a time with a template, and remembers each item's
// output, so that a re-render executes the template only for items that changed.
//
// html/template costs about a microsecond per {{action}}, whatever the action does, so a
// 100-row table with four actions a row spends almost all of an event's time rendering
// rows that did not change. With a Memo the view renders the rows in Go, and the template
// holds one action for all of them:
//
//	{{define "rows"}}{{range .}}...{{end}}{{end}} becomes
//	{{define "row"}}<tr id="row-{{.ID}}"><td>{{.Name}}</td></tr>{{end}}
//	<tbody>{{.RowsHTML}}</tbody>
//
//	func (v *People) Mount(ctx context.Context, s *live.Socket) error {
//		v.rows = live.NewMemo[Person](s, tpl.Lookup("row"))
//		...
//	}
//	func (v *People) RowsHTML() (template.HTML, error) { return v.rows.Each(v.People) }
//
// The item's value is the cache key: T must be comparable, and the template's output must
// depend on nothing but the item (no functions reading the clock or other state), which
// is what makes reusing it correct. Each item is rendered by html/template in an HTML text
// context, exactly as {{template "row" .}} inside a {{range}} at that place would be, so
// the escaping is the same.
//
// A Memo keeps the output of the items of the last Each call only, and forgets everything
// when its socket has been idle for a ping interval, as the runtime does with its parsed
// tree. Use one Memo per list. A Memo belongs to its socket's view and, like the view, is
// used by one goroutine at a time.
//
// Outside dev mode the Memos of every socket that render with the same template also share
// what they rendered: when a change reaches a thousand tabs showing the same list, the
// changed row's template runs once, not a thousand times. The runtime keeps up to 4,096
// rows and 4 MiB of their output per template for this, and starts afresh past that. It also keeps the last list
// rendered with the template (up to 1,024 items) with its output, so that the other tabs
// take the whole list's HTML as it is, without looking up or joining its rows.
type Memo[T comparable] struct {
	rt        *Runtime // nil outside a runtime (tests)
	tpl       *template.Template
	cur, prev map[T]string // this call's items, the last call's
	shared    *memoRows[T] // rows any socket rendered with tpl lately; nil in dev mode
	buf       bytes.Buffer
	size      int // length of the last Each output, to size the next
}

// NewMemo returns a Memo that renders items with tpl (typically a named template of the
// view's set, found with Lookup) for the view mounted on s.
func NewMemo[T comparable](s *Socket, tpl *template.Template) *Memo[T] {
	m := &Memo[T]{rt: s.rt}
	m.SetTemplate(tpl)
	s.memos = append(s.memos, m)
	return m
}

// SetTemplate makes the Memo render with tpl from now on, forgetting what it rendered with
// another template. An app that reloads its templates while it runs (in dev mode, after
// an edit) calls it before Each with the current template; with the same one it costs a
// comparison.
func (m *Memo[T]) SetTemplate(tpl *template.Template) {
	if tpl == m.tpl {
		return
	}
	m.tpl = tpl
	m.forget()
	m.shared = nil
	if m.rt != nil && !m.rt.cfg.Dev && tpl != nil {
		m.shared = sharedRows[T](m.rt, tpl)
	}
}

// memoRows is the output of one template for the items that the Memos of all sockets
// rendered lately.
type memoRows[T comparable] struct {
	mu    sync.RWMutex
	rows  map[T]string
	bytes int // the length of the outputs in rows
	// The last list a Memo rendered, and its output: in a fan-out every socket renders
	// the same list, and all but the first take the output whole, without building it.
	last     []T
	lastHTML string
}

// maxSharedList bounds the items of the list kept whole.
const maxSharedList = 1024

// maxSharedRows and maxSharedBytes bound the rows kept per template, in number and in the
// length of their output; past either, the map starts afresh.
const (
	maxSharedRows  = 4096
	maxSharedBytes = 4 << 20
)

// sharedRows returns the runtime's shared rows for tpl, or nil when tpl is already shared
// by Memos of another item type.
func sharedRows[T comparable](rt *Runtime, tpl *template.Template) *memoRows[T] {
	v, ok := rt.memoRows.Load(tpl)
	if !ok {
		v, _ = rt.memoRows.LoadOrStore(tpl, &memoRows[T]{rows: make(map[T]string)})
	}
	r, _ := v.(*memoRows[T])
	return r
}

func (r *memoRows[T]) get(it T) (string, bool) {
	r.mu.RLock()
	h, ok := r.rows[it]
	r.mu.RUnlock()
	return h, ok
}

// list returns the output of items when they are the last list rendered.
func (r *memoRows[T]) list(items []T) (string, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock() // == panics on an item that cannot be compared; see Each
	if len(items) != len(r.last) || len(items) == 0 {
		return "", false
	}
	for i := range items {
		if items[i] != r.last[i] {
			return "", false
		}
	}
	return r.lastHTML, true
}

// putList remembers the output of items as the last list rendered.
func (r *memoRows[T]) putList(items []T, h string) {
	if len(items) > maxSharedList {
		return
	}
	r.mu.Lock()
	r.last = append(r.last[:0], items...)
	r.lastHTML = h
	r.mu.Unlock()
}

func (r *memoRows[T]) put(it T, h string) {
	r.mu.Lock()
	if len(r.rows) >= maxSharedRows || r.bytes+len(h) > maxSharedBytes {
		clear(r.rows)
		r.bytes = 0
	}
	if _, ok := r.rows[it]; !ok {
		r.bytes += len(h)
	}
	r.rows[it] = h
	r.mu.Unlock()
}

// Each returns the concatenated output of the template for every item, in order,
// executing the template only for items it did not render in the previous call.
//
// An item whose value cannot be a map key at run time (an interface field holding a slice
// or a map) makes Each return an error instead of panicking.
func (m *Memo[T]) Each(items []T) (html template.HTML, err error) {
	if m.tpl == nil {
		return "", fmt.Errorf("live: memo has no template")
	}
	defer func() {
		if r := recover(); r != nil {
			m.cur, m.prev = nil, nil
			html, err = "", fmt.Errorf("live: memo %q: an item cannot be a cache key: %v", m.tpl.Name(), r)
		}
	}()
	if m.shared != nil {
		if h, ok := m.shared.list(items); ok {
			m.size = len(h)
			return template.HTML(h), nil
		}
	}
	if m.cur == nil {
		m.cur = make(map[T]string, len(items))
	}
	var out strings.Builder
	out.Grow(m.size)
	for _, it := range items {
		h, ok := m.cur[it]
		if !ok {
			if h, ok = m.prev[it]; !ok {
				if h, err = m.render(it); err != nil {
					clear(m.cur)
					return "", err
				}
			}
			m.cur[it] = h
		}
		out.WriteString(h)
	}
	// Keep what this call used; drop what it did not.
	clear(m.prev)
	m.prev, m.cur = m.cur, m.prev
	m.size = out.Len()
	if m.buf.Cap() > 64<<10 {
		m.buf = bytes.Buffer{}
	}
	if m.shared != nil {
		m.shared.putList(items, out.String())
	}
	return template.HTML(out.String()), nil
}

// render renders one item, or takes its output from the rows other sockets rendered.
func (m *Memo[T]) render(it T) (string, error) {
	if m.shared != nil {
		if h, ok := m.shared.get(it); ok {
			return h, nil
		}
	}
	m.buf.Reset()
	if err := m.tpl.Execute(&m.buf, it); err != nil {
		return "", fmt.Errorf("live: memo %q: %w", m.tpl.Name(), err)
	}
	h := m.buf.String()
	if m.shared != nil {
		m.shared.put(it, h)
	}
	return h, nil
}

// forget drops every remembered output; the runtime calls it when the socket goes idle.
func (m *Memo[T]) forget() {
	m.cur, m.prev, m.size = nil, nil, 0
	m.buf = bytes.Buffer{}
}

// forgetter is what a Socket keeps of its Memos.
type forgetter interface{ forget() }
