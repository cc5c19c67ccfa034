package example_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/liveapp/liveapp/internal/testbrowser"
)

func TestBrowserAHookDrawsAChartThatSurvivesPatches(t *testing.T) {
	es := serveExample(t)
	tab := testbrowser.New(t)
	openLive(t, tab, es, "/widgets")
	// mounted asked for the points (pushEvent, answered by Reply) and drew them.
	waitFor(t, tab, `document.getElementById('chart').dataset.drawn === '3'`)
	eval[chromedp.Void](t, tab, `window.__firstBar = document.querySelector('#chart .bar')`)

	// A click re-renders the page around the chart and pushes the new points to the hook.
	do(t, tab, chromedp.Click(chromedp.ID("add-big")))
	waitFor(t, tab, `document.getElementById('count').textContent === '4 points'`)
	waitFor(t, tab, `document.getElementById('chart').dataset.drawn === '4'`)
	if h := eval[string](t, tab, `document.querySelector('#chart .bar[data-i="3"]').style.height`); h != "90px" {
		t.Errorf("the new bar is %s high, want 90px", h)
	}
	// The hook redrew its bars; the server did not replace the chart element.
	if !eval[bool](t, tab, `document.getElementById('chart').isConnected && !document.body.contains(window.__firstBar)`) {
		t.Error("the hook did not redraw its own children")
	}
}

func TestBrowserADialogOpenedWithJSCommandsStaysOpenAcrossPatches(t *testing.T) {
	es := serveExample(t)
	tab := testbrowser.New(t)
	openLive(t, tab, es, "/widgets")
	shown := `getComputedStyle(document.getElementById('dialog')).display !== 'none'`
	if eval[bool](t, tab, shown) {
		t.Fatal("the dialog shows before it is opened")
	}
	sockets := es.sockets.Load()
	frames := eval[int](t, tab, `window.__sent = 0, (() => { const s = liveapp.socket, send = s.send.bind(s); s.send = (d) => { __sent++; send(d); }; return 0; })()`)
	do(t, tab, chromedp.Click(chromedp.ID("open")))
	waitFor(t, tab, shown)
	if got := eval[int](t, tab, `__sent`); got != frames {
		t.Errorf("opening the dialog sent %d frames", got)
	}
	if !eval[bool](t, tab, `document.activeElement.id === 'label' && document.getElementById('page').classList.contains('dimmed')`) {
		t.Error("the dialog did not take the focus, or the page is not dimmed")
	}

	// Renaming re-renders the page; the dialog stays open.
	do(t, tab, chromedp.SendKeys(chromedp.ID("label"), "Sales"), chromedp.Click(chromedp.ID("save")))
	waitFor(t, tab, `document.getElementById('count').textContent === '3 points, named Sales'`)
	// The patch rewrote the dialog's class attribute (it is "named" now); the class the
	// commands added is still there.
	if !eval[bool](t, tab, shown) || eval[string](t, tab, `document.getElementById('dialog').className`) != "dialog named open" {
		t.Errorf("after a patch the dialog shows %v, class %q", eval[bool](t, tab, shown), eval[string](t, tab, `document.getElementById('dialog').className`))
	}
	// Escape, anywhere in the window, closes it without a round trip.
	do(t, tab, chromedp.KeyEvent(kb.Escape))
	waitFor(t, tab, `!(`+shown+`)`)
	if eval[bool](t, tab, `document.getElementById('page').classList.contains('dimmed')`) {
		t.Error("closing left the page dimmed")
	}
	if es.sockets.Load() != sockets {
		t.Error("the socket reconnected")
	}
}
