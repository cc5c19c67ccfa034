package live

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"reflect"
	"slices"
)

// Component is a stateful part of a view with its own state, events and HTML. A view
// mounts it with MountComponent and renders it in its template through the Mounted
// handle; the component then handles its own events, and each of them renders and diffs
// only the component: the view's Render does not run, and the patch touches only the
// component's element.
//
// A is the type of the assigns the parent passes down. Mount runs once, when the parent
// mounts the component: register the component's events there. Update runs right after
// Mount and again every time the parent calls Mounted.Update. Render writes the
// component's HTML; like a view's, it must only read state and must not block. The
// runtime wraps it in the component's element, <div id="ID" live-target="ID">, so events
// of elements inside go to the component.
//
// A component that also has an Unmount() method hears when it is unmounted: when its
// parent's render stops including it, the parent calls Mounted.Unmount, or the view
// itself unmounts.
type Component[A any] interface {
	Mount(ctx context.Context, s *ComponentSocket) error
	Update(ctx context.Context, assigns A) error
	Render(w io.Writer) error
}

// ComponentSocket is a mounted component's handle on its view's socket: it registers the
// component's events and sends messages to the parent (Notify). Like the Socket, it is
// used by one goroutine at a time.
type ComponentSocket struct {
	sock   *Socket
	id     string
	events []eventReg
}

// ID returns the component's id, unique within its view.
func (cs *ComponentSocket) ID() string { return cs.id }

// Connected reports whether the view is the connected (websocket) mount rather than the
// dead render.
func (cs *ComponentSocket) Connected() bool { return cs.sock.connected }

// Socket returns the view's socket, for what concerns the whole page: flash messages,
// pushed events, redirects, the values hooks assigned. Events registered on it are the
// view's, not the component's.
func (cs *ComponentSocket) Socket() *Socket { return cs.sock }

// On registers the handler for the component's event name. An element inside the
// component (or one whose live-target names it) sends it; no other element can, and the
// view's events are not reachable through the component. The rules and options are those
// of Socket.On: names starting with "lv:" are reserved, and registering a name again
// replaces its handler.
func (cs *ComponentSocket) On(name string, h EventHandler, opts ...EventOption) {
	cs.events = register(cs.events, name, h, opts)
}

// event returns the registration of the component's event name, or nil.
func (cs *ComponentSocket) event(name string) *eventReg { return findEvent(cs.events, name) }

// Mounted is a view's handle on one mounted component: keep it in a field of the view and
// render it in the view's template with {{.Field.HTML}}.
type Mounted[A any] struct {
	c    *component
	comp Component[A]
}

// component is what the runtime keeps of a mounted component, whatever its assigns type.
type component struct {
	cs    ComponentSocket
	view  interface{ Render(io.Writer) error }
	html  string // the element of the last render, wrapper included
	pass  uint64 // the parent render that last included it
	dirty bool   // Update ran since the last render
	whole bool   // html is known to parse as its element alone; see componentPatch
	gone  bool   // unmounted
}

// components is what a socket keeps for its mounted components; a view without any
// holds none of it.
type components struct {
	list      []*component
	notes     []note // sent by components, for the view's handlers
	handlers  []noteHandler
	pass      uint64     // parent renders so far
	rendering bool       // the parent's Render is running
	inside    *component // the component whose Render is running, if any
}

// note is one message a component sent its parent.
type note struct {
	from string
	typ  reflect.Type
	msg  any
}

type noteHandler struct {
	typ reflect.Type
	fn  func(ctx context.Context, from string, msg any) error
}

// maxComponentID bounds a component id, which the page and every event frame carry.
const maxComponentID = 64

// MountComponent mounts c in the view of s under id, runs its Mount and then its Update
// with assigns, and returns the handle the view renders it with. Call it from the view's
// Mount or its handlers.
//
// id must be 1 to 64 letters, digits, '-', '_' or ':', and unique among the components
// the view has mounted: it is also the id of the component's element in the page, so it
// must not clash with the page's other ids either. A component stays mounted while the
// view's renders include it: the first render of the view that leaves it out unmounts it,
// and its id is free again.
func MountComponent[A any](ctx context.Context, s *Socket, id string, c Component[A], assigns A) (*Mounted[A], error) {
	if err := checkComponentID(id); err != nil {
		return nil, err
	}
	if s.parts == nil {
		s.parts = &components{}
	}
	if s.parts.find(id) != nil {
		return nil, fmt.Errorf("live: component id %q is already mounted in this view: ids are unique per view", id)
	}
	m := &component{cs: ComponentSocket{sock: s, id: id}, view: c, dirty: true}
	if err := c.Mount(ctx, &m.cs); err != nil {
		return nil, fmt.Errorf("live: mount component %q: %w", id, err)
	}
	if cap(m.cs.events) > len(m.cs.events) {
		// Kept as long as the component: exactly as many as Mount registered, not the
		// room append left for more.
		m.cs.events = slices.Clone(m.cs.events)
	}
	if err := c.Update(ctx, assigns); err != nil {
		return nil, fmt.Errorf("live: update component %q: %w", id, err)
	}
	s.parts.list = append(s.parts.list, m)
	return &Mounted[A]{c: m, comp: c}, nil
}

func checkComponentID(id string) error {
	if id == "" || len(id) > maxComponentID {
		return fmt.Errorf("live: component id %q: must be 1 to %d characters", truncate(id, maxComponentID), maxComponentID)
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_' || b == ':') {
			return fmt.Errorf("live: component id %q: only letters, digits, '-', '_' and ':' are allowed", id)
		}
	}
	return nil
}

// ID returns the component's id.
func (m *Mounted[A]) ID() string { return m.c.cs.id }

// Component returns the mounted component, for the parent to read its state.
func (m *Mounted[A]) Component() Component[A] { return m.comp }

// Update hands the component new assigns: its Update runs now, and the view's next render
// renders the component again. It fails on an unmounted component.
func (m *Mounted[A]) Update(ctx context.Context, assigns A) error {
	if m.c.gone {
		return fmt.Errorf("live: update component %q: it is unmounted", m.c.cs.id)
	}
	m.c.dirty = true
	if err := m.comp.Update(ctx, assigns); err != nil {
		return fmt.Errorf("live: update component %q: %w", m.c.cs.id, err)
	}
	return nil
}

// HTML returns the component's element for the view's template. It runs the component's
// Render only when the component changed since its last render (an Update); otherwise it
// returns the HTML it last rendered. Within one render of the view a component may appear
// once: a second time is an error, as is rendering an unmounted component.
func (m *Mounted[A]) HTML() (template.HTML, error) {
	c := m.c
	if c.gone {
		return "", fmt.Errorf("live: render component %q: it is unmounted (a render of the view left it out); mount it again", c.cs.id)
	}
	set := c.cs.sock.parts
	if set != nil && set.inside != nil {
		return "", fmt.Errorf("live: render component %q: it is inside component %q, and components do not nest; render both from the view", c.cs.id, set.inside.cs.id)
	}
	if set != nil && set.rendering {
		if c.pass == set.pass {
			return "", fmt.Errorf("live: render component %q: it appears twice in one render; a component's id is unique in the page", c.cs.id)
		}
		c.pass = set.pass
	}
	if c.dirty || c.html == "" {
		if err := c.render(); err != nil {
			return "", err
		}
	}
	return template.HTML(c.html), nil
}

// Unmount unmounts the component at once, before the view's next render leaves it out:
// its events stop, its Unmount method runs, and its id is free for another component.
func (m *Mounted[A]) Unmount() {
	if set := m.c.cs.sock.parts; set != nil && !m.c.gone {
		set.remove(m.c)
	}
}

// render renders the component into its element.
func (c *component) render() error {
	var b bytes.Buffer
	b.Grow(len(c.html) + 64)
	b.WriteString(`<div id="`)
	b.WriteString(c.cs.id) // checkComponentID allows nothing that needs escaping
	b.WriteString(`" live-target="`)
	b.WriteString(c.cs.id)
	b.WriteString(`">`)
	if set := c.cs.sock.parts; set != nil {
		set.inside = c
		defer func() { set.inside = nil }()
	}
	if err := c.view.Render(&b); err != nil {
		return fmt.Errorf("live: render component %q: %w", c.cs.id, err)
	}
	b.WriteString(`</div>`)
	c.html, c.dirty, c.whole = b.String(), false, false
	return nil
}

// unmount releases the component: it takes no more events, and its Unmount method runs.
func (c *component) unmount() {
	c.gone = true
	c.cs.events = nil
	c.html = ""
	if u, ok := c.view.(interface{ Unmount() }); ok {
		u.Unmount()
	}
}

// find returns the mounted component id, or nil. set may be nil.
func (set *components) find(id string) *component {
	if set == nil {
		return nil
	}
	for _, c := range set.list {
		if c.cs.id == id {
			return c
		}
	}
	return nil
}

// remove unmounts c and forgets it.
func (set *components) remove(c *component) {
	for i, x := range set.list {
		if x == c {
			set.list = slices.Delete(set.list, i, i+1)
			break
		}
	}
	c.unmount()
}

// beginRender marks the start of a render of the view, so that each component can tell
// whether this render includes it.
func (s *Socket) beginRender() {
	if s.parts != nil {
		s.parts.pass++
		s.parts.rendering = true
	}
}

// endRender unmounts the components a successful render of the view left out. A failed
// render unmounts nothing: the page still shows the last one.
func (s *Socket) endRender(ok bool) {
	set := s.parts
	if set == nil {
		return
	}
	set.rendering = false
	if !ok {
		return
	}
	kept := set.list[:0]
	for _, c := range set.list {
		if c.pass == set.pass {
			kept = append(kept, c)
		} else {
			c.unmount()
		}
	}
	clear(set.list[len(kept):])
	set.list = kept
}

// staleComponents makes every component render again with the view's next render.
func (s *Socket) staleComponents() {
	if s.parts != nil {
		for _, c := range s.parts.list {
			c.dirty = true
		}
	}
}

// unmountComponents unmounts every component, as the view unmounts.
func (s *Socket) unmountComponents() {
	if s.parts == nil {
		return
	}
	for _, c := range s.parts.list {
		c.unmount()
	}
	s.parts = nil
}

// eventFor returns the registration of the event name for target: the view's own events
// when target is "", else those of the component with that id. It returns nil when there
// is no such component or event, and the component the event belongs to, if any.
func (s *Socket) eventFor(target, name string) (*eventReg, *component) {
	if target == "" {
		return s.event(name), nil
	}
	c := s.parts.find(target)
	if c == nil {
		return nil, nil
	}
	return c.cs.event(name), c
}

// Notify sends msg from the component to its view, which handles it with the handler
// registered for M by OnNotify. The message is delivered after the component's event
// handler returns (or, sent from Mount, after the view's Mount), and then the view
// renders as after its own events. A message of a type the view has no handler for is an
// error of the event.
func Notify[M any](cs *ComponentSocket, msg M) {
	set := cs.sock.parts
	if set == nil {
		return // the view has unmounted
	}
	set.notes = append(set.notes, note{from: cs.id, typ: reflect.TypeFor[M](), msg: msg})
}

// OnNotify registers the view's handler for the messages of type M its components send
// with Notify; from is the sending component's id. Registering M again replaces its
// handler.
func OnNotify[M any](s *Socket, h func(ctx context.Context, from string, msg M) error) {
	if h == nil {
		panic("live: OnNotify with a nil handler")
	}
	if s.parts == nil {
		s.parts = &components{}
	}
	nh := noteHandler{typ: reflect.TypeFor[M](), fn: func(ctx context.Context, from string, msg any) error {
		return h(ctx, from, msg.(M))
	}}
	for i := range s.parts.handlers {
		if s.parts.handlers[i].typ == nh.typ {
			s.parts.handlers[i] = nh
			return
		}
	}
	s.parts.handlers = append(s.parts.handlers, nh)
}

// deliverNotes hands the messages components sent to the view's handlers, and reports
// whether there were any. It returns the first error, a handler's or a message without
// one; the other messages are delivered all the same.
func (s *Socket) deliverNotes(ctx context.Context) (bool, error) {
	set := s.parts
	if set == nil || len(set.notes) == 0 {
		return false, nil
	}
	var first error
	for len(set.notes) > 0 { // a handler may Update a component, which may Notify again
		n := set.notes[0]
		set.notes = set.notes[1:]
		err := fmt.Errorf("live: component %q sent a %v, which the view has no OnNotify handler for", n.from, n.typ)
		for _, h := range set.handlers {
			if h.typ == n.typ {
				err = h.fn(ctx, n.from, n.msg)
				break
			}
		}
		if first == nil {
			first = err
		}
	}
	set.notes = nil
	return true, first
}
