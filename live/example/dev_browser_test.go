package example_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/testbrowser"
	"github.com/liveapp/liveapp/live/example"
)

// These tests drive dev control (live.Runtime's Dev methods, which `liveapp dev` calls
// through package devmode) against the example app in dev mode, in headless Chromium.

// devServer is the example app in dev mode, with a stylesheet at /dev.css whose rules
// the test sets, as a developer edits static/app.css.
type devServer struct {
	*exampleServer
	css atomic.Pointer[string]
}

func serveDevExample(t *testing.T) *devServer {
	t.Helper()
	return serveDevExampleWith(t, "")
}

// strictCSP is the policy of an app made by liveapp new: nothing inline.
const strictCSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"frame-ancestors 'self'; base-uri 'self'; form-action 'self'; object-src 'none'"

// serveDevExampleWith is serveDevExample with csp, when not "", as every response's
// Content-Security-Policy.
func serveDevExampleWith(t *testing.T, csp string) *devServer {
	t.Helper()
	app, err := example.New(example.Config{Secret: []byte(strings.Repeat("browser-secret!!", 3)), Dev: true})
	if err != nil {
		t.Fatal(err)
	}
	ds := &devServer{exampleServer: &exampleServer{app: app}}
	ds.setCSS("h1 { color: rgb(1, 2, 3) }")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if csp != "" {
			w.Header().Set("Content-Security-Policy", csp)
		}
		switch r.URL.Path {
		case "/dev.css":
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = io.WriteString(w, *ds.css.Load())
			return
		case "/live/socket":
			ds.sockets.Add(1)
		}
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	ds.url = srv.URL
	return ds
}

func (ds *devServer) setCSS(rules string) { ds.css.Store(&rules) }

const h1Color = `getComputedStyle(document.querySelector('h1')).color`

func TestBrowserDevCSSSwapsTheStylesheetAndKeepsThePage(t *testing.T) {
	ds := serveDevExample(t)
	tab := testbrowser.New(t)
	openLive(t, tab, ds.exampleServer, "/form")
	// Link the stylesheet as an app's layout does.
	eval[chromedp.Void](t, tab, `(() => {
		const l = document.createElement('link');
		l.rel = 'stylesheet'; l.href = '/dev.css?v=1';
		document.head.append(l);
	})()`)
	waitFor(t, tab, h1Color+` === 'rgb(1, 2, 3)'`)

	do(t, tab, chromedp.SendKeys(chromedp.ID("name"), "Ada Lovelace"))
	waitFor(t, tab, `document.body.textContent.includes('You typed 12 characters')`)
	eval[chromedp.Void](t, tab, `document.getElementById('name').setSelectionRange(3, 3)`)
	setMarker(t, tab)

	ds.setCSS("h1 { color: rgb(4, 5, 6) }")
	ds.app.Runtime.DevCSS("/dev.css")
	waitFor(t, tab, h1Color+` === 'rgb(4, 5, 6)' && document.querySelectorAll('link[rel=stylesheet]').length === 1`)

	if !markerSurvived(t, tab) {
		t.Fatal("the page was reloaded")
	}
	checkNameField(t, tab, "Ada Lovelace", 3)
	if href := eval[string](t, tab, `document.querySelector('link[rel=stylesheet]').getAttribute('href')`); !strings.HasPrefix(href, "/dev.css?v=") || href == "/dev.css?v=1" {
		t.Errorf("stylesheet href %q, want /dev.css with a new v", href)
	}
	// The view kept its state: the server still has the name the user typed.
	do(t, tab, chromedp.SendKeys(chromedp.ID("name"), "!"))
	waitFor(t, tab, `document.body.textContent.includes('You typed 13 characters')`)
	if n := ds.sockets.Load(); n != 1 {
		t.Errorf("%d websockets, want the first one only", n)
	}
}

const overlayText = `document.getElementById('live-dev-error')?.shadowRoot.querySelector('pre').textContent ?? null`

func TestBrowserDevErrorOverlay(t *testing.T) {
	ds := serveDevExample(t)
	tab := testbrowser.New(t)
	openLive(t, tab, ds.exampleServer, "/")
	msg := "main.go:12:2: undefined: <img src=x onerror=\"window.__xss = 1\"> & co\n\tsecond line"
	ds.app.Runtime.DevError(msg)
	waitFor(t, tab, overlayText+` !== null`)

	if got := eval[string](t, tab, overlayText); got != msg {
		t.Errorf("overlay text %q, want %q", got, msg)
	}
	if eval[bool](t, tab, `document.getElementById('live-dev-error').shadowRoot.querySelector('img') !== null || window.__xss === 1`) {
		t.Error("the message was parsed as HTML")
	}

	// Renders leave the overlay alone.
	eval[chromedp.Void](t, tab, `document.getElementById('inc').click()`)
	waitFor(t, tab, `document.getElementById('count').textContent === '1'`)
	if eval[string](t, tab, overlayText) != msg {
		t.Error("a render took the overlay down")
	}

	// A page that opens while the error stands shows it too.
	tab2 := testbrowser.NewTab(t, tab)
	openLive(t, tab2, ds.exampleServer, "/items")
	waitFor(t, tab2, overlayText+` !== null`)

	ds.app.Runtime.DevClearError()
	waitFor(t, tab, overlayText+` === null`)
	waitFor(t, tab2, overlayText+` === null`)

	// The user can dismiss it.
	ds.app.Runtime.DevError("again")
	waitFor(t, tab, overlayText+` === 'again'`)
	do(t, tab, chromedp.Click(chromedp.JSPath(`document.getElementById('live-dev-error').shadowRoot.querySelector('button')`)))
	waitFor(t, tab, overlayText+` === null`)
}

// The overlay and the stylesheet swap work under a policy that allows nothing inline,
// such as the one apps made by liveapp new send, and cause no violation.
func TestBrowserDevToolsUnderAStrictCSP(t *testing.T) {
	ds := serveDevExampleWith(t, strictCSP)
	tab := testbrowser.New(t)
	violations := testbrowser.RecordCSPViolations(t, tab)
	openLive(t, tab, ds.exampleServer, "/")

	ds.app.Runtime.DevError("main.go:1:1: expected 'package'")
	waitFor(t, tab, overlayText+` !== null`)
	// The overlay's own styles apply: its host covers the page.
	if pos := eval[string](t, tab, `getComputedStyle(document.getElementById('live-dev-error')).position`); pos != "fixed" {
		t.Errorf("the overlay's position is %q, want fixed: its styles were blocked", pos)
	}
	ds.app.Runtime.DevClearError()
	waitFor(t, tab, overlayText+` === null`)

	ds.app.Runtime.DevCSS("/dev.css")
	eval[chromedp.Void](t, tab, `document.getElementById('inc').click()`)
	waitFor(t, tab, `document.getElementById('count').textContent === '1'`)
	// The example's layout has a <style> of its own, which the policy blocks too: only
	// the client's violations count here.
	for _, v := range violations() {
		if strings.Contains(v, "/live/client-") {
			t.Errorf("the live client caused a CSP violation: %s", v)
		}
	}
}

func TestBrowserDevReload(t *testing.T) {
	ds := serveDevExample(t)
	tab := testbrowser.New(t)
	// The tab counts its reloads: the navigate event fires as location.reload() is
	// called, and sessionStorage outlives the page.
	if _, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		navigation.addEventListener('navigate', (e) => {
			if (e.navigationType === 'reload') sessionStorage.setItem('reloads', Number(sessionStorage.getItem('reloads')) + 1);
		});`}); err != nil {
		t.Fatal(err)
	}
	openLive(t, tab, ds.exampleServer, "/")
	eval[chromedp.Void](t, tab, `document.getElementById('inc').click()`)
	waitFor(t, tab, `document.getElementById('count').textContent === '1'`)
	setMarker(t, tab)

	ds.app.Runtime.DevReload()
	waitFor(t, tab, `window.__marker === undefined && `+connected+` && document.getElementById('count').textContent === '0'`)
	// The new page was rendered after the reload: it stays. The server tells a stale
	// page to reload before its first render, so a second reload would be counted by
	// now, however slow the machine.
	if n := eval[int](t, tab, `Number(sessionStorage.getItem('reloads'))`); n != 1 {
		t.Errorf("the tab reloaded %d times, want once", n)
	}
	if n := ds.sockets.Load(); n != 2 {
		t.Errorf("%d websockets, want 2: one before the reload, one after", n)
	}

	t.Run("a page that was away during the reload loads again when it reconnects", func(t *testing.T) {
		setMarker(t, tab)
		eval[chromedp.Void](t, tab, `liveapp.disconnect()`)
		ds.app.Runtime.DevReload()
		eval[chromedp.Void](t, tab, `liveapp.connect()`)
		waitFor(t, tab, `window.__marker === undefined && `+connected)
	})
}
