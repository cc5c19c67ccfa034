package testbrowser

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// cspBinding is the function the pages of a watched tab call for each violation.
const cspBinding = "testbrowserCSPViolation"

// reportViolations runs in every document the tab loads, before the page's own
// scripts. It listens in the capture phase on the window, where violations of the
// document and of its shadow roots arrive (the event is composed).
const reportViolations = `window.addEventListener('securitypolicyviolation', (e) => {
	` + cspBinding + `(JSON.stringify([e.effectiveDirective, e.blockedURI, e.sourceFile + ':' + e.lineNumber, e.sample]));
}, true);`

// RecordCSPViolations watches tab, from the next page it loads on, for
// Content-Security-Policy violations (the browser's securitypolicyviolation events),
// and returns a function that lists those seen so far: the directive, the blocked URL
// and where it happened. Call it before navigating.
func RecordCSPViolations(t testing.TB, tab context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	record := func(_ context.Context, v string) (chromedp.Void, error) {
		mu.Lock()
		seen = append(seen, v)
		mu.Unlock()
		return chromedp.Void{}, nil
	}
	if err := chromedp.Do(tab, chromedp.ExposeFunc(cspBinding, record)); err != nil {
		t.Fatalf("testbrowser: watch for CSP violations: %v", err)
	}
	if _, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: reportViolations}); err != nil {
		t.Fatalf("testbrowser: watch for CSP violations: %v", err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// NoCSPViolations fails t when violations, as RecordCSPViolations returns them, is
// not empty.
func NoCSPViolations(t testing.TB, violations func() []string) {
	t.Helper()
	if v := violations(); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %s", fmt.Sprint(v))
	}
}
