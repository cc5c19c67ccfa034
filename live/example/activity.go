package example

import (
	"context"
	"fmt"
	"html/template"
	"io"

	"github.com/liveapp/liveapp/live"
)

// ActivityRows is how many rows the activity page starts with.
const ActivityRows = 1000

// Activity is a long list through a live.Stream: the page starts with a thousand rows
// that the browser keeps and the server forgets once sent; new rows go on top, and any
// row can be deleted.
type Activity struct {
	tpl   *template.Template
	Rows  *live.Stream[ActivityRow]
	Count int // rows added or deleted by this tab, shown above the list
	next  int
}

// ActivityRow is one row of the activity page.
type ActivityRow struct {
	ID   int
	Text string
}

// DOMID is the row's element id.
func (r ActivityRow) DOMID() string { return fmt.Sprintf("act-%d", r.ID) }

// Mount sends the first thousand rows.
func (v *Activity) Mount(_ context.Context, s *live.Socket) error {
	s.SetTitle("Activity")
	v.Rows = live.NewStream(s, "activity", v.tpl.Lookup("activity-row"), ActivityRow.DOMID)
	for v.next = 1; v.next <= ActivityRows; v.next++ {
		if err := v.Rows.Insert(ActivityRow{v.next, fmt.Sprintf("event %d", v.next)}); err != nil {
			return err
		}
	}
	s.On("add", func(context.Context, live.Params) error {
		v.Count++
		v.next++
		return v.Rows.InsertAt(ActivityRow{v.next - 1, fmt.Sprintf("event %d", v.next-1)}, 0)
	})
	s.On("delete", func(_ context.Context, p live.Params) error {
		id, err := p.Int("id")
		if err != nil {
			return err
		}
		v.Count++
		return v.Rows.Delete(ActivityRow{ID: int(id)})
	})
	return nil
}

// Render renders the page.
func (v *Activity) Render(w io.Writer) error { return v.tpl.ExecuteTemplate(w, "activity", v) }
