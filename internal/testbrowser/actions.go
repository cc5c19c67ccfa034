package testbrowser

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Timeout bounds Do, Eval and WaitFor; a passing wait returns as soon as its condition
// holds. It bounds a test that fails, not how fast a passing one must be: a loaded
// machine may take seconds over what an idle one does in milliseconds.
const Timeout = 30 * time.Second

// Do runs actions in tab and fails t on error.
func Do(t testing.TB, tab context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// Eval evaluates a JavaScript expression in tab's page.
func Eval[T any](t testing.TB, tab context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// WaitFor polls a JavaScript expression in tab until it is true, for at most Timeout. A
// poll does not survive a page load, so one that a page load ends starts again in the
// new document. On failure it reports the page's URL and body.
func WaitFor(t testing.TB, tab context.Context, expr string) {
	t.Helper()
	WaitForWithin(t, tab, expr, Timeout)
}

// WaitForWithin is WaitFor with its own bound.
func WaitForWithin(t testing.TB, tab context.Context, expr string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithDeadline(tab, deadline)
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
			chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) || errors.Is(err, chromedp.ErrPollingTimeout) {
			t.Fatalf("waiting for %s: %v\nURL %s\n%s", expr, err, evalQuiet(tab, "location.href"),
				evalQuiet(tab, "document.body?.innerHTML ?? ''"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// evalQuiet evaluates expr for a failure message.
func evalQuiet(tab context.Context, expr string) string {
	ctx, cancel := context.WithTimeout(tab, time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return s
}

// Connected is a WaitFor expression that holds once the live client's socket has mounted
// the page's view.
const Connected = `document.getElementById('live-root')?.dataset.liveState === 'connected'`
