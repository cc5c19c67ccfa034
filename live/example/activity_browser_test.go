package example_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/testbrowser"
	"github.com/liveapp/liveapp/live/example"
)

func TestBrowserAStreamOfAThousandRowsTakesInsertsAndDeletes(t *testing.T) {
	es := serveExample(t)
	tab := testbrowser.New(t)
	openLive(t, tab, es, "/activity")
	count := `document.querySelectorAll('#activity > li').length`
	waitFor(t, tab, fmt.Sprintf(`%s === %d`, count, example.ActivityRows))
	eval[chromedp.Void](t, tab, `window.__row500 = document.getElementById('act-500')`)

	do(t, tab, chromedp.Click(chromedp.ID("add")))
	waitFor(t, tab, `document.getElementById('changes').textContent.startsWith('1 ')`)
	if got := eval[string](t, tab, `document.querySelector('#activity > li').id`); got != fmt.Sprintf("act-%d", example.ActivityRows+1) {
		t.Errorf("the new row is not on top: first row %s", got)
	}
	do(t, tab, chromedp.Click(chromedp.CSS(`#act-2 button`)))
	waitFor(t, tab, `document.getElementById('changes').textContent.startsWith('2 ')`)
	if n := eval[int](t, tab, count); n != example.ActivityRows {
		t.Errorf("%d rows after one insert and one delete, want %d", n, example.ActivityRows)
	}
	if eval[bool](t, tab, `!!document.getElementById('act-2')`) {
		t.Error("the deleted row is still there")
	}
	// Rows the changes did not touch are the same nodes.
	if !eval[bool](t, tab, `document.getElementById('act-500') === window.__row500`) {
		t.Error("row 500 was replaced")
	}
}
