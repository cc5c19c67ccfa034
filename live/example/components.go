package example

import (
	"context"
	"html/template"
	"io"

	"github.com/liveapp/liveapp/live"
)

// Components is a page of two counters, each a live component: a click on a counter's +
// renders and patches that counter alone, without the page's Render. "Add to total"
// sends the page a typed message (Added), and "Double steps" hands both counters new
// assigns (Tally) through Update.
type Components struct {
	tpl    *template.Template
	Apples *live.Mounted[Tally]
	Pears  *live.Mounted[Tally]
	Total  int64
	Step   int64
}

// Tally is what the page gives a counter: its label and how much a click adds.
type Tally struct {
	Label string
	Step  int64
}

// Added is the message a counter sends the page when its count goes to the total.
type Added struct{ N int64 }

// Mount mounts the two counters and handles their messages.
func (v *Components) Mount(ctx context.Context, s *live.Socket) error {
	s.SetTitle("Components")
	v.Step = 1
	var err error
	if v.Apples, err = live.MountComponent(ctx, s, "apples", &TallyCard{tpl: v.tpl}, Tally{Label: "Apples", Step: v.Step}); err != nil {
		return err
	}
	if v.Pears, err = live.MountComponent(ctx, s, "pears", &TallyCard{tpl: v.tpl}, Tally{Label: "Pears", Step: v.Step}); err != nil {
		return err
	}
	live.OnNotify(s, func(_ context.Context, _ string, m Added) error {
		v.Total += m.N
		return nil
	})
	s.On("double", func(ctx context.Context, _ live.Params) error {
		v.Step *= 2
		if err := v.Apples.Update(ctx, Tally{Label: "Apples", Step: v.Step}); err != nil {
			return err
		}
		return v.Pears.Update(ctx, Tally{Label: "Pears", Step: v.Step})
	})
	return nil
}

// Render renders the page around the counters, whose last HTML it reuses.
func (v *Components) Render(w io.Writer) error { return v.tpl.ExecuteTemplate(w, "components", v) }

// TallyCard is one counter of the components page.
type TallyCard struct {
	tpl   *template.Template
	Label string
	Step  int64
	Count int64
}

// Mount registers the counter's own events.
func (c *TallyCard) Mount(_ context.Context, s *live.ComponentSocket) error {
	s.On("inc", func(context.Context, live.Params) error { c.Count += c.Step; return nil })
	s.On("report", func(context.Context, live.Params) error {
		live.Notify(s, Added{N: c.Count})
		c.Count = 0
		return nil
	})
	return nil
}

// Update takes the page's assigns; the count stays.
func (c *TallyCard) Update(_ context.Context, t Tally) error {
	c.Label, c.Step = t.Label, t.Step
	return nil
}

// Render renders the counter.
func (c *TallyCard) Render(w io.Writer) error { return c.tpl.ExecuteTemplate(w, "tally", c) }
