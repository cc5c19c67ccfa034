package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
)

// streamEvent is the pushed event that carries stream operations; names starting with
// "lv:" are the runtime's own (see PushEvent).
const streamEvent = "lv:stream"

// Stream shows a collection that the server does not keep: a chat log, a feed, a table
// of ten thousand rows. The view inserts, updates and deletes items; the runtime renders
// each one once, sends it, and forgets it, and the browser keeps the rows.
//
//	{{define "message"}}<li id="msg-{{.ID}}">{{.Text}}</li>{{end}}
//	<ul id="messages" live-update="stream">{{.Messages.HTML}}</ul>
//
//	func (v *Chat) Mount(ctx context.Context, s *live.Socket) error {
//		v.Messages = live.NewStream(s, "messages", tpl.Lookup("message"),
//			func(m Message) string { return fmt.Sprintf("msg-%d", m.ID) })
//		return v.Messages.Reset(v.store.Latest(ctx, 50))
//	}
//
// The container has the id given to NewStream and live-update="stream": the server never
// diffs its children, and patches around it leave its rows in place. Each item's template
// renders one element whose id is the item's key; inserting an item whose key is already
// shown replaces that row in place, which is how an update is sent.
//
// A dead render shows the items inserted so far, inline. The connected view renders the
// container empty and sends its items as stream operations with the frame, so the socket
// keeps none of them, not even in the HTML it diffs against. When the socket reconnects,
// Mount runs again and its inserts are the stream's new content.
//
// A Stream belongs to its socket's view and, like it, is used by one goroutine at a time.
type Stream[T any] struct {
	s     *Socket
	id    string
	tpl   *template.Template
	key   func(T) string
	limit int
	dead  []T // the dead render's items, for HTML
	buf   bytes.Buffer
}

// NewStream returns an empty stream shown in the element with id container, rendering
// items with tpl (typically a named template of the view's set), keyed by key.
func NewStream[T any](s *Socket, container string, tpl *template.Template, key func(T) string) *Stream[T] {
	return &Stream[T]{s: s, id: container, tpl: tpl, key: key}
}

// Limit keeps at most n rows in the browser (0, the default, for no limit): an insert at
// the end drops rows from the start past n, and an insert at the start drops them from
// the end. The dead render shows the last n items.
func (st *Stream[T]) Limit(n int) { st.limit = max(n, 0) }

// Insert adds item at the end, or replaces the row with its key in place.
func (st *Stream[T]) Insert(item T) error { return st.InsertAt(item, -1) }

// InsertAt adds item before the row at index at (0 is the start, -1 the end), or
// replaces the row with its key in place.
func (st *Stream[T]) InsertAt(item T, at int) error {
	if !st.s.connected {
		st.insertDead(item, at)
		return nil
	}
	html, err := st.render(item)
	if err != nil {
		return err
	}
	return st.push([]any{st.id, "i", st.key(item), html, at, st.limit})
}

// Delete removes the row of item.
func (st *Stream[T]) Delete(item T) error { return st.DeleteKey(st.key(item)) }

// DeleteKey removes the row with the DOM id key.
func (st *Stream[T]) DeleteKey(key string) error {
	if !st.s.connected {
		for i, it := range st.dead {
			if st.key(it) == key {
				st.dead = append(st.dead[:i], st.dead[i+1:]...)
				break
			}
		}
		return nil
	}
	return st.push([]any{st.id, "d", key})
}

// Reset removes every row, then inserts items in order.
func (st *Stream[T]) Reset(items []T) error {
	if !st.s.connected {
		st.dead = st.dead[:0]
	} else if err := st.push([]any{st.id, "r"}); err != nil {
		return err
	}
	for _, it := range items {
		if err := st.Insert(it); err != nil {
			return err
		}
	}
	return nil
}

// HTML is what the template puts inside the container: the items, in a dead render, and
// nothing in the connected view, whose rows come as stream operations.
func (st *Stream[T]) HTML() (template.HTML, error) {
	if st.s.connected || len(st.dead) == 0 {
		return "", nil
	}
	var out bytes.Buffer
	for _, it := range st.dead {
		h, err := st.render(it)
		if err != nil {
			return "", err
		}
		out.WriteString(h)
	}
	return template.HTML(out.String()), nil
}

func (st *Stream[T]) render(item T) (string, error) {
	if st.tpl == nil {
		return "", fmt.Errorf("live: stream %q has no template", st.id)
	}
	st.buf.Reset()
	if err := st.tpl.Execute(&st.buf, item); err != nil {
		return "", fmt.Errorf("live: stream %q: %w", st.id, err)
	}
	h := st.buf.String()
	if st.buf.Cap() > 64<<10 {
		st.buf = bytes.Buffer{}
	}
	return h, nil
}

// push queues one operation for the next frame, as a pushed event the client applies
// after the frame's patches.
func (st *Stream[T]) push(op []any) error {
	b, err := json.Marshal(op)
	if err != nil {
		return fmt.Errorf("live: stream %q: %w", st.id, err)
	}
	st.s.pushes = append(st.s.pushes, pushed{event: streamEvent, payload: b})
	return nil
}

// insertDead does what InsertAt's operation does in a browser, to the dead render's items.
func (st *Stream[T]) insertDead(item T, at int) {
	key := st.key(item)
	for i, it := range st.dead {
		if st.key(it) == key {
			st.dead[i] = item
			return
		}
	}
	if at < 0 || at >= len(st.dead) {
		st.dead = append(st.dead, item)
	} else {
		st.dead = append(st.dead, item)
		copy(st.dead[at+1:], st.dead[at:])
		st.dead[at] = item
	}
	if st.limit > 0 && len(st.dead) > st.limit {
		if at == 0 {
			st.dead = st.dead[:st.limit]
		} else {
			st.dead = st.dead[len(st.dead)-st.limit:]
		}
	}
}
