package example_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/testbrowser"
)

// recordFrames makes the tab keep every frame its socket receives, in window.__frames.
const recordFrames = `window.__frames = [], liveapp.socket.addEventListener('message', (e) => __frames.push(e.data)), 0`

// pathOf is a script that returns the child-index path from #live-root to the element
// with the given id, as ops address it.
const pathOf = `((id) => { const path = [], root = document.getElementById('live-root');
  for (let n = document.getElementById(id); n !== root; n = n.parentNode) path.unshift([...n.parentNode.childNodes].indexOf(n));
  return path; })`

func TestBrowserAComponentEventPatchesOnlyThatComponent(t *testing.T) {
	es := serveExample(t)
	tab := testbrowser.New(t)
	openLive(t, tab, es, "/components")
	eval[int](t, tab, recordFrames)
	eval[chromedp.Void](t, tab, `window.__total = document.getElementById('total'), window.__pears = document.getElementById('pears')`)
	apples := eval[[]int](t, tab, pathOf+`('apples')`)

	do(t, tab, chromedp.Click(chromedp.CSS(`#apples .inc`)))
	waitFor(t, tab, `document.querySelector('#apples .count').textContent === '1'`)
	waitFor(t, tab, `__frames.length > 0`)
	frames := eval[[]string](t, tab, `__frames`)
	if len(frames) != 1 {
		t.Fatalf("the click brought %d frames, want the reply alone: %q", len(frames), frames)
	}
	var reply struct {
		T   string            `json:"t"`
		Ops []json.RawMessage `json:"ops"`
	}
	if err := json.Unmarshal([]byte(frames[0]), &reply); err != nil || reply.T != "r" || len(reply.Ops) == 0 {
		t.Fatalf("frame %s (%v)", frames[0], err)
	}
	for _, raw := range reply.Ops {
		var op []json.RawMessage
		var path []int
		if json.Unmarshal(raw, &op) != nil || len(op) < 2 || json.Unmarshal(op[1], &path) != nil {
			t.Fatalf("op %s", raw)
		}
		if len(path) <= len(apples) || !slices.Equal(path[:len(apples)], apples) {
			t.Errorf("op %s is not inside the component at %v", raw, apples)
		}
	}
	if !eval[bool](t, tab, `document.getElementById('total') === __total && document.getElementById('pears') === __pears`) {
		t.Error("the patch replaced nodes outside the component")
	}

	// A message to the page renders the page, with both counters as they were.
	do(t, tab, chromedp.Click(chromedp.CSS(`#apples .report`)))
	waitFor(t, tab, `document.getElementById('total').textContent === '1' && document.querySelector('#apples .count').textContent === '0'`)
	do(t, tab, chromedp.Click(chromedp.ID(`double`)), chromedp.Click(chromedp.CSS(`#pears .inc`)))
	waitFor(t, tab, `document.querySelector('#pears .count').textContent === '2'`)
}
