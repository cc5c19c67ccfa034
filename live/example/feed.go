package example

import (
	"context"
	"html/template"
	"io"
	"sync"

	"github.com/liveapp/liveapp/live"
)

// The feed is a list of rows that only the server changes. Each update rewrites one row
// and bumps the feed's version, and is published on its own on feedTopic, so every tab
// showing /feed re-reads the rows. Nothing in the app updates the feed by itself:
// UpdateFeed does, and the example binary calls it from a load-only endpoint
// (-feed-control) that cmd/liveload's fanout and burst scenarios drive. Every row says
// which update last changed it, so a client can tell from the rows alone which updates it
// has seen.

// FeedRows is the number of rows of the feed.
const FeedRows = 25

const feedTopic = "example:feed"

// FeedRow is one row of the feed.
type FeedRow struct {
	ID      int
	Version int64 // the update that last changed the row; 0 before any
}

type feedStore struct {
	rt      *live.Runtime
	mu      sync.Mutex
	version int64
	rows    [FeedRows]FeedRow
}

func newFeedStore(rt *live.Runtime) *feedStore {
	f := &feedStore{rt: rt}
	for i := range f.rows {
		f.rows[i].ID = i + 1
	}
	return f
}

// snapshot copies the feed; the rows are an array so that a copy costs no allocation,
// which matters when thousands of views re-read the feed after every update.
func (f *feedStore) snapshot() (int64, [FeedRows]FeedRow) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.version, f.rows
}

// UpdateFeed applies n updates to the feed one after the other, each changing one row
// (update v changes row (v-1) mod FeedRows + 1) and published on its own, and returns the
// version after the last. It stops at the first failed publish.
func (a *App) UpdateFeed(ctx context.Context, n int) (int64, error) {
	f := a.feed
	var v int64
	for range n {
		f.mu.Lock()
		f.version++
		v = f.version
		f.rows[(v-1)%FeedRows].Version = v
		f.mu.Unlock()
		if err := f.rt.PubSub().Publish(ctx, feedTopic, nil); err != nil {
			return v, err
		}
	}
	return v, nil
}

// Feed shows the feed and keeps it current. Its rows go through a live.Memo, so that an
// update renders one row, not all of them.
type Feed struct {
	tpl     *template.Template
	store   *feedStore
	memo    *live.Memo[FeedRow]
	Version int64
	Rows    [FeedRows]FeedRow
}

// Mount loads the feed and subscribes to its updates.
func (v *Feed) Mount(_ context.Context, s *live.Socket) error {
	s.SetTitle("Feed")
	v.memo = live.NewMemo[FeedRow](s, v.tpl.Lookup("feed-row"))
	v.Version, v.Rows = v.store.snapshot()
	return s.Subscribe(feedTopic, func(context.Context, string, []byte) error {
		v.Version, v.Rows = v.store.snapshot()
		return nil
	})
}

// RowsHTML renders the rows.
func (v *Feed) RowsHTML() (template.HTML, error) { return v.memo.Each(v.Rows[:]) }

// Render renders the feed.
func (v *Feed) Render(w io.Writer) error { return v.tpl.ExecuteTemplate(w, "feed", v) }
