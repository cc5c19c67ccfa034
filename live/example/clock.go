package example

import (
	"context"
	"html/template"
	"io"
	"time"

	"github.com/liveapp/liveapp/live"
)

// Clock is a view that updates itself: a clock that ticks every second with
// Socket.SendAfter, and a summary panel loaded in the background with live.StartAsync,
// which shows a loading state first and can be reloaded.
type Clock struct {
	tpl     *template.Template
	store   *itemStore
	delay   time.Duration
	Now     time.Time
	Summary live.Async[Summary]
}

// Summary is what the clock page's panel loads: a stand-in for a slow query.
type Summary struct {
	Items    int
	LoadedAt time.Time
}

// Mount starts the clock and the panel's load. Both happen only once the browser has
// connected: the dead render shows the time of the request and the loading state.
func (c *Clock) Mount(_ context.Context, s *live.Socket) error {
	s.SetTitle("Clock")
	c.Now = time.Now()
	var tick func(context.Context) error
	tick = func(context.Context) error {
		c.Now = time.Now()
		s.SendAfter(untilNextSecond(c.Now), tick)
		return nil
	}
	s.SendAfter(untilNextSecond(c.Now), tick)
	s.On("reload", func(context.Context, live.Params) error {
		live.StartAsync(s, &c.Summary, c.load)
		return nil
	})
	live.StartAsync(s, &c.Summary, c.load)
	return nil
}

// untilNextSecond is how long until the wall clock's next whole second, so that the
// page's seconds change when a clock's would.
func untilNextSecond(now time.Time) time.Duration {
	return now.Truncate(time.Second).Add(time.Second).Sub(now)
}

// load counts the shared list's items after a pause, as a slow query would; it gives up
// when the view goes away.
func (c *Clock) load(ctx context.Context) (Summary, error) {
	select {
	case <-time.After(c.delay):
	case <-ctx.Done():
		return Summary{}, ctx.Err()
	}
	return Summary{Items: len(c.store.list()), LoadedAt: time.Now()}, nil
}

// Render renders the page.
func (c *Clock) Render(w io.Writer) error { return c.tpl.ExecuteTemplate(w, "clock", c) }
