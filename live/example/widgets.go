package example

import (
	"context"
	"html/template"
	"io"
	"strconv"

	"github.com/liveapp/liveapp/live"
)

// Widgets shows the pieces a page's own scripts build on: a bar chart that a client
// hook draws (static/hooks.js) inside an element the server never patches, fed through
// Reply and PushEvent, and a dialog that JS commands open and close with no round trip.
type Widgets struct {
	tpl    *template.Template
	Points []int
	Label  string // the name given in the dialog, shown under the chart
}

// Mount registers the page's events.
func (v *Widgets) Mount(_ context.Context, s *live.Socket) error {
	s.SetTitle("Widgets")
	v.Points = []int{3, 5, 2}
	// The chart's hook asks for the points once it is mounted.
	s.On("points", func(context.Context, live.Params) error { return s.Reply(v.Points) })
	s.On("add", func(_ context.Context, p live.Params) error {
		n, err := p.Int("value")
		if err != nil || n < 1 || n > 9 {
			return &live.ParamError{Name: "value", Reason: "must be a whole number from 1 to 9"}
		}
		v.Points = append(v.Points, int(n))
		if len(v.Points) > 12 {
			v.Points = v.Points[1:]
		}
		return s.PushEvent("points", v.Points)
	})
	s.On("rename", func(_ context.Context, p live.Params) error {
		v.Label = p.Get("label")
		return nil
	})
	return nil
}

// OpenDialog shows the dialog and moves the focus into it, in the browser.
func (v *Widgets) OpenDialog() live.JS {
	return live.JS{}.Show("#dialog", live.Transition{Classes: "fade-in"}).AddClass("#dialog", "open").
		AddClass("#page", "dimmed").Focus("#label")
}

// CloseDialog hides it again.
func (v *Widgets) CloseDialog() live.JS {
	return live.JS{}.Hide("#dialog").RemoveClass("#dialog", "open").RemoveClass("#page", "dimmed")
}

// Count is the number of points, which the server renders next to the chart.
func (v *Widgets) Count() string { return strconv.Itoa(len(v.Points)) }

// Render renders the page.
func (v *Widgets) Render(w io.Writer) error { return v.tpl.ExecuteTemplate(w, "widgets", v) }
