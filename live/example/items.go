package example

import (
	"context"
	"errors"
	"html/template"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/liveapp/liveapp/live"
)

// Item is one entry of the shared list.
type Item struct {
	ID   int64
	Name string
}

// itemStore is the shared list. Every change is published on the "items" topic so that
// every tab showing the list reloads it.
type itemStore struct {
	rt    *live.Runtime
	mu    sync.Mutex
	next  int64
	items []Item
}

const itemsTopic = "example:items"

func newItemStore(rt *live.Runtime) *itemStore {
	s := &itemStore{rt: rt}
	for _, n := range []string{"Apples", "Bread", "Coffee"} {
		s.next++
		s.items = append(s.items, Item{ID: s.next, Name: n})
	}
	return s
}

func (s *itemStore) list() []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.items)
}

func (s *itemStore) changed(ctx context.Context) error {
	return s.rt.PubSub().Publish(ctx, itemsTopic, nil)
}

var errNoItem = errors.New("no such item")

func (s *itemStore) add(ctx context.Context, name string) error {
	s.mu.Lock()
	s.next++
	s.items = append(s.items, Item{ID: s.next, Name: name})
	s.mu.Unlock()
	return s.changed(ctx)
}

// edit runs fn on the index of id under the lock.
func (s *itemStore) edit(ctx context.Context, id int64, fn func(i int)) error {
	s.mu.Lock()
	i := slices.IndexFunc(s.items, func(it Item) bool { return it.ID == id })
	if i < 0 {
		s.mu.Unlock()
		return errNoItem
	}
	fn(i)
	s.mu.Unlock()
	return s.changed(ctx)
}

func (s *itemStore) move(ctx context.Context, id int64, by int) error {
	return s.edit(ctx, id, func(i int) {
		j := i + by
		if j >= 0 && j < len(s.items) {
			s.items[i], s.items[j] = s.items[j], s.items[i]
		}
	})
}

func (s *itemStore) remove(ctx context.Context, id int64) error {
	return s.edit(ctx, id, func(i int) { s.items = slices.Delete(s.items, i, i+1) })
}

// Items shows the shared list and keeps it current.
type Items struct {
	tpl   *template.Template
	store *itemStore
	Items []Item
}

// Mount loads the list, subscribes to its changes and registers the list's events.
func (v *Items) Mount(_ context.Context, s *live.Socket) error {
	s.SetTitle("Items")
	v.Items = v.store.list()
	if err := s.Subscribe(itemsTopic, func(context.Context, string, []byte) error {
		v.Items = v.store.list()
		return nil
	}); err != nil {
		return err
	}
	s.On("create", func(ctx context.Context, p live.Params) error {
		name := strings.TrimSpace(p.Get("name"))
		if name == "" || len(name) > 60 {
			s.PutFlash("error", "An item needs a name of 1 to 60 characters.")
			return nil
		}
		return v.store.add(ctx, name)
	})
	byID := func(fn func(ctx context.Context, id int64) error) live.EventHandler {
		return func(ctx context.Context, p live.Params) error {
			id, err := p.Int("id")
			if err != nil {
				return err
			}
			return fn(ctx, id)
		}
	}
	s.On("up", byID(func(ctx context.Context, id int64) error { return v.store.move(ctx, id, -1) }))
	s.On("down", byID(func(ctx context.Context, id int64) error { return v.store.move(ctx, id, 1) }))
	s.On("delete", byID(v.store.remove))
	return nil
}

// Render renders the list.
func (v *Items) Render(w io.Writer) error { return v.tpl.ExecuteTemplate(w, "items", v) }
