// Package testbrowser starts headless Chromium for the repository's browser tests.
//
// New starts one browser for a test and returns the context of its first tab;
// chromedp actions run in that context. NewTab opens another tab of the same
// browser (the same cookies: the same user in a second tab), and NewIncognito
// opens a tab in a fresh browser context (its own cookies and storage: another
// user). Everything is closed by the test's cleanup.
//
// The browser is /usr/bin/chromium, or the file $CHROMIUM names. When it is
// missing the test is skipped, except in CI (CI=true), where it fails: CI must
// install it with `apt-get install -y chromium`.
//
// The browser's console messages and uncaught exceptions are written to the
// test log, so a failing test shows what the page said.
package testbrowser

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// DefaultPath is where the browser is looked for when $CHROMIUM is empty.
const DefaultPath = "/usr/bin/chromium"

// flags are the browser's command-line flags. chromedp adds the debugging pipe,
// about:blank, and a fresh temporary --user-data-dir that it removes at the end.
var flags = []string{
	"headless", "no-sandbox", "disable-gpu", "disable-background-networking",
	"no-first-run", "disable-component-update", "disable-sync", "disable-quic",
}

// New starts a headless Chromium for t and returns the context of its first tab.
// The browser stops, and its profile directory is removed, when t's cleanup runs.
// New skips t when the browser is missing, or fails it when CI=true.
func New(t testing.TB) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = DefaultPath
	}
	if _, err := exec.LookPath(path); err != nil {
		msg := "testbrowser: no Chromium at " + path + " (install it with `apt-get install -y chromium`, or set CHROMIUM)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path)}
	for _, f := range flags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	return open(t, allocCtx, cancelAlloc)
}

// NewTab opens another tab in the browser of ctx, which must come from New. The
// tab shares the browser's cookies and storage. It is closed by t's cleanup.
func NewTab(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	return open(t, ctx, nil)
}

// NewIncognito opens a tab in a new browser context of the browser of ctx, which
// must come from New: a second user, with cookies and storage of its own. The tab
// and its browser context are disposed of by t's cleanup.
func NewIncognito(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	return open(t, ctx, nil, chromedp.WithNewBrowserContext())
}

// open makes a tab context under parent, starts it, and registers its cleanup.
func open(t testing.TB, parent context.Context, after context.CancelFunc, opts ...chromedp.ContextOption) context.Context {
	t.Helper()
	log := &testLog{t: t}
	ctx, cancel := chromedp.NewContext(parent, append(opts, chromedp.WithListener(log.event))...)
	t.Cleanup(func() {
		cancel()
		log.stop()
		if after != nil {
			after()
		}
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("testbrowser: start a tab: %v", err)
	}
	return ctx
}

// testLog writes a tab's console messages and exceptions to the test log until
// the tab is closed; testing panics on a log call after the test has ended.
type testLog struct {
	t       testing.TB
	mu      sync.Mutex
	stopped bool
}

func (l *testLog) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
}

func (l *testLog) event(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		args := make([]string, len(ev.Args))
		for i, a := range ev.Args {
			args[i] = describe(a)
		}
		line = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		line = "uncaught: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			line += " " + d.Exception.Description
		}
	default:
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf("browser %s", line)
	}
}

// describe renders a console argument: strings as themselves, other values as
// JSON, objects by their description.
func describe(o *runtime.RemoteObject) string {
	if len(o.Value) > 0 {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
		return string(o.Value)
	}
	if o.Description != "" {
		return o.Description
	}
	return string(o.Type)
}
