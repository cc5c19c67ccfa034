package live_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// chart is a view whose chart a client hook draws: the hook asks for points and the
// server answers them with Reply; the chart's children are the hook's.
type chart struct {
	points []int
	title  string
}

func (v *chart) Mount(_ context.Context, s *live.Socket) error {
	v.points, v.title = []int{1, 2}, "Sales"
	s.On("points", func(_ context.Context, p live.Params) error {
		n, err := p.Int("more")
		if err != nil {
			return err
		}
		for i := range n {
			v.points = append(v.points, int(i)+3)
		}
		return s.Reply(map[string]any{"points": v.points})
	})
	s.On("rename", func(_ context.Context, p live.Params) error {
		v.title = p.Get("title")
		return nil
	})
	return nil
}

func (v *chart) Render(w io.Writer) error {
	_, err := fmt.Fprintf(w, `<h1>%s</h1><div id="chart" live-hook="Chart" live-update="ignore" data-n="%d"><svg>%d points</svg></div>`,
		v.title, len(v.points), len(v.points))
	return err
}

func TestHookEventsGetTheHandlersReplyAndIgnoredChildrenAreNotPatched(t *testing.T) {
	app := newTestApp(t, nil)
	lv := livetest.Mount(t, app.h, "/chart")

	rep, err := lv.PushHook("#chart", "points", map[string]string{"more": "2"})
	if err != nil {
		t.Fatal(err)
	}
	if string(rep) != `{"points":[1,2,3,4]}` {
		t.Errorf("reply value %s", rep)
	}
	// The attribute follows the server; the children stay as the client had them.
	if !lv.Contains(`data-n="4"`) || !lv.Contains(`<svg>2 points</svg>`) {
		t.Errorf("after the event:\n%s", lv.HTML())
	}
	rep, err = lv.PushHook("#chart", "rename", map[string]string{"title": "Costs"})
	if err != nil || rep != nil {
		t.Errorf("an event without Reply answered %s, %v", rep, err)
	}
	if !lv.Contains(`<h1>Costs</h1>`) {
		t.Errorf("after rename:\n%s", lv.HTML())
	}
	if _, err := lv.PushHook("#chart", "points", map[string]string{"more": "x"}); err == nil {
		t.Error("a bad parameter gave no error")
	}
}
