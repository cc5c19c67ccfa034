package example_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/testbrowser"
	"github.com/liveapp/liveapp/live/example"
)

// These tests drive the example app in headless Chromium through the real client script,
// in production mode: the websocket's Origin check accepts only the page's own origin.

// exampleServer serves a fresh example app (its own item list and members) on 127.0.0.1
// and counts the websocket upgrades it receives.
type exampleServer struct {
	app     *example.App
	url     string
	sockets atomic.Int64
	// replies holds back the writes to the websockets of a slow example (see
	// serveSlowExample) while a test holds it locked.
	replies sync.RWMutex
}

func serveExample(t *testing.T) *exampleServer {
	t.Helper()
	return serveSlowExample(t, 0)
}

// serveSlowExample is serveExample with every write to a websocket delayed by latency, so
// the server's replies reach the browser late and in order, as over a slow link. A test
// may also hold the writes back for as long as it wants, by locking es.replies.
func serveSlowExample(t *testing.T, latency time.Duration) *exampleServer {
	t.Helper()
	return serveExampleWith(t, latency, example.Config{})
}

// serveExampleWith is serveSlowExample with a Config (its Secret is set here).
func serveExampleWith(t *testing.T, latency time.Duration, cfg example.Config) *exampleServer {
	t.Helper()
	cfg.Secret = []byte(strings.Repeat("browser-secret!!", 3))
	if cfg.UploadDir == "" {
		cfg.UploadDir = t.TempDir()
	}
	app, err := example.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	es := &exampleServer{app: app}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/live/socket" {
			es.sockets.Add(1)
			if latency > 0 {
				w = slowSocket{w, latency, &es.replies}
			}
		}
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	es.url = srv.URL
	return es
}

// slowSocket hands the websocket upgrader a connection whose writes are late, and wait
// while held is locked.
type slowSocket struct {
	http.ResponseWriter
	latency time.Duration
	held    *sync.RWMutex
}

func (w slowSocket) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	return lateConn{c, w.latency, w.held}, brw, nil
}

type lateConn struct {
	net.Conn
	latency time.Duration
	held    *sync.RWMutex
}

func (c lateConn) Write(p []byte) (int, error) {
	c.held.RLock()
	defer c.held.RUnlock()
	time.Sleep(c.latency)
	return c.Conn.Write(p)
}

// do, eval and waitFor are the harness's, under short names.
func do(t *testing.T, tab context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	testbrowser.Do(t, tab, actions...)
}

func eval[T any](t *testing.T, tab context.Context, expr string) T {
	t.Helper()
	return testbrowser.Eval[T](t, tab, expr)
}

func waitFor(t *testing.T, tab context.Context, expr string) {
	t.Helper()
	testbrowser.WaitFor(t, tab, expr)
}

// connected is true once the client's socket has mounted the view.
const connected = testbrowser.Connected

// openLive loads path in tab and waits until the view is connected.
func openLive(t *testing.T, tab context.Context, es *exampleServer, path string) {
	t.Helper()
	do(t, tab, chromedp.Navigate(es.url+path))
	waitFor(t, tab, connected)
}

// setMarker marks the current document; a page load loses the mark.
func setMarker(t *testing.T, tab context.Context) {
	t.Helper()
	eval[chromedp.Void](t, tab, `window.__marker = 1`)
}

func markerSurvived(t *testing.T, tab context.Context) bool {
	t.Helper()
	return eval[bool](t, tab, `window.__marker === 1`)
}

// signInBrowser signs in as user through the /signin form, which lands on /members.
func signInBrowser(t *testing.T, tab context.Context, es *exampleServer, user string) {
	t.Helper()
	do(t, tab, chromedp.Navigate(es.url+"/signin"),
		chromedp.SendKeys(chromedp.ID("user"), user),
		chromedp.Click(chromedp.ID("signin-button")))
	waitFor(t, tab, `location.pathname === '/members' && !!document.getElementById('member')?.textContent.includes('Signed in as `+user+`')`)
}

func TestBrowserPageWorksWithoutJavaScript(t *testing.T) {
	es := serveExample(t)
	tab := testbrowser.New(t)
	if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	do(t, tab, chromedp.Navigate(es.url+"/"))
	if got := eval[string](t, tab, `document.getElementById('count')?.textContent ?? ''`); got != "0" {
		t.Errorf("count = %q, want 0", got)
	}
	links := eval[string](t, tab, `[...document.querySelectorAll('nav a')].map(a => a.getAttribute('href')).join(' ')`)
	if links != "/ /form /items /clock /widgets /photos /activity /components /members" {
		t.Errorf("nav links = %q", links)
	}

	// The nav link is an ordinary link, and the form an ordinary GET form.
	do(t, tab, chromedp.Click(chromedp.CSS(`nav a[href="/form"]`)))
	waitFor(t, tab, `location.pathname === '/form' && document.getElementById('signup')?.localName === 'form'`)
	do(t, tab,
		chromedp.SendKeys(chromedp.ID("name"), "Ada"),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.Click(chromedp.ID("save")))
	waitFor(t, tab, `location.search.includes('name=Ada') && document.getElementById('name')?.getAttribute('value') === 'Ada'`)

	if state := eval[string](t, tab, `document.getElementById('live-root').dataset.liveState ?? 'none'`); state != "none" {
		t.Errorf("#live-root data-live-state = %q without JavaScript", state)
	}
	if n := es.sockets.Load(); n != 0 {
		t.Errorf("%d websocket upgrades without JavaScript", n)
	}
}

func TestBrowserClicksAndFormsUpdateThePageThroughPatches(t *testing.T) {
	es := serveExample(t)
	tab := testbrowser.New(t)

	openLive(t, tab, es, "/")
	setMarker(t, tab)
	for range 3 {
		do(t, tab, chromedp.Click(chromedp.ID("inc")))
	}
	waitFor(t, tab, `document.getElementById('count').textContent === '3'`)
	if !markerSurvived(t, tab) {
		t.Error("the counter page was reloaded")
	}

	openLive(t, tab, es, "/form")
	setMarker(t, tab)
	do(t, tab,
		chromedp.SendKeys(chromedp.ID("name"), " "),
		chromedp.SendKeys(chromedp.ID("email"), "nope"))
	waitFor(t, tab, `document.getElementById('name-err')?.textContent === "can't be blank" &&
		document.getElementById('email-err')?.textContent === 'must look like an email address'`)

	eval[chromedp.Void](t, tab, `(() => { const el = document.getElementById('name'); el.focus(); el.select(); })()`)
	do(t, tab, chromedp.SendKeys(chromedp.ID("name"), "Ada"))
	eval[chromedp.Void](t, tab, `(() => { const el = document.getElementById('email'); el.focus(); el.select(); })()`)
	do(t, tab,
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.Click(chromedp.ID("save")))
	waitFor(t, tab, `document.getElementById('saved')?.textContent === 'Saved Ada <ada@example.com>.' &&
		!!document.querySelector('#live-flash .flash-info')?.textContent.includes('Thanks, Ada!')`)
	if n := eval[int](t, tab, `document.querySelectorAll('.err').length`); n != 0 {
		t.Errorf("%d errors still shown after a valid submit", n)
	}
	if !markerSurvived(t, tab) {
		t.Error("the form page was reloaded")
	}
}

func TestBrowserTypingInAnInputIsNotDisturbedByReRenders(t *testing.T) {
	es := serveExample(t)
	tab := testbrowser.New(t)
	openLive(t, tab, es, "/form")
	eval[chromedp.Void](t, tab, `document.getElementById('name').__tag = 'original'`)

	// Past 40 characters the server also inserts an error beside the field.
	const typed = "The quick brown fox jumps over the lazy dog 0123456789"
	for _, r := range typed {
		do(t, tab, chromedp.SendKeys(chromedp.ID("name"), string(r)))
	}
	waitFor(t, tab, fmt.Sprintf(`document.body.textContent.includes('You typed %d characters') && !!document.getElementById('name-err')`, len(typed)))
	checkNameField(t, tab, typed, len(typed))

	// Typing with the caret in the middle inserts there.
	eval[chromedp.Void](t, tab, `document.getElementById('name').setSelectionRange(10, 10)`)
	do(t, tab, chromedp.SendKeys(chromedp.ID("name"), "XYZ"))
	want := typed[:10] + "XYZ" + typed[10:]
	waitFor(t, tab, fmt.Sprintf(`document.body.textContent.includes('You typed %d characters')`, len(want)))
	checkNameField(t, tab, want, 13)
	if !eval[bool](t, tab, `document.getElementById('name').__tag === 'original'`) {
		t.Error("the focused input was replaced; a narrower patch was possible")
	}
}

// checkNameField checks the value, caret and focus of the form's name input.
func checkNameField(t *testing.T, tab context.Context, value string, caret int) {
	t.Helper()
	got := eval[struct {
		Value  string `json:"value"`
		Caret  int    `json:"caret"`
		Active string `json:"active"`
	}](t, tab, `(() => { const el = document.getElementById('name');
		return {value: el.value, caret: el.selectionStart, active: document.activeElement.id}; })()`)
	if got.Value != value {
		t.Errorf("value = %q, want %q", got.Value, value)
	}
	if got.Caret != caret {
		t.Errorf("caret at %d, want %d", got.Caret, caret)
	}
	if got.Active != "name" {
		t.Errorf("focused element #%s, want #name", got.Active)
	}
}

func TestBrowserKeyedListReorderKeepsTheSameNodes(t *testing.T) {
	es := serveExample(t)
	tab := testbrowser.New(t)
	openLive(t, tab, es, "/items")

	const order = `[...document.querySelectorAll('#items > li')].map(li => li.id).join(' ')`
	if got := eval[string](t, tab, order); got != "item-1 item-2 item-3" {
		t.Fatalf("order = %q", got)
	}
	eval[chromedp.Void](t, tab, `document.querySelectorAll('#items > li').forEach(li => { li.__tag = li.id; })`)
	do(t, tab, chromedp.Click(chromedp.CSS(`#item-1 button.down`)))
	waitFor(t, tab, order+` === 'item-2 item-1 item-3'`)
	lost := eval[string](t, tab, `[...document.querySelectorAll('#items > li')].filter(li => li.__tag !== li.id).map(li => li.id).join(' ')`)
	if lost != "" {
		t.Errorf("list items recreated instead of moved: %s", lost)
	}
}

func TestBrowserPubSubKeepsTwoTabsInSync(t *testing.T) {
	es := serveExample(t)
	tab1 := testbrowser.New(t)
	tab2 := testbrowser.NewTab(t, tab1)
	openLive(t, tab1, es, "/items")
	openLive(t, tab2, es, "/items")
	setMarker(t, tab2)

	do(t, tab1,
		chromedp.SendKeys(chromedp.ID("item-name"), "Dates"),
		chromedp.Click(chromedp.CSS(`#new-item button`)))
	const shown = `[...document.querySelectorAll('#items > li')].some(li => li.textContent.includes('Dates'))`
	waitFor(t, tab2, shown)
	waitFor(t, tab1, shown)
	if !markerSurvived(t, tab2) {
		t.Error("the second tab was reloaded")
	}
}

func TestBrowserLiveNavigationKeepsThePageWithinASessionAndLoadsItAcross(t *testing.T) {
	es := serveExample(t)
	tab := testbrowser.New(t)
	openLive(t, tab, es, "/")
	setMarker(t, tab)

	do(t, tab, chromedp.Click(chromedp.CSS(`nav a[href="/form"]`)))
	waitFor(t, tab, `location.pathname === '/form' && !!document.getElementById('signup')`)
	if !markerSurvived(t, tab) {
		t.Error("live navigation to /form reloaded the page")
	}
	if title := eval[string](t, tab, `document.title`); title != "Form" {
		t.Errorf("title after live navigation = %q, want Form", title)
	}
	do(t, tab, chromedp.NavigateBack())
	waitFor(t, tab, `location.pathname === '/' && !!document.getElementById('count')`)
	if !markerSurvived(t, tab) {
		t.Error("the back button reloaded the page")
	}

	// /members is in another live session: following its link is a page load.
	signInBrowser(t, tab, es, "ada")
	openLive(t, tab, es, "/")
	setMarker(t, tab)
	do(t, tab, chromedp.Click(chromedp.CSS(`nav a[href="/members"]`)))
	waitFor(t, tab, `location.pathname === '/members' && !!document.getElementById('member')?.textContent.includes('Signed in as ada')`)
	if eval[bool](t, tab, `window.__marker !== undefined`) {
		t.Error("navigating to another live session did not load the page")
	}
	waitFor(t, tab, connected+` && document.getElementById('live-root').dataset.liveSession === 'members'`)
}

func TestBrowserDisconnectBroadcastRemountsAndRedirectsTheTab(t *testing.T) {
	es := serveExample(t)
	tab := testbrowser.New(t)
	signInBrowser(t, tab, es, "ada")
	waitFor(t, tab, connected)
	before := es.sockets.Load()
	closed := testbrowser.RecordClose(t, tab)

	start := time.Now()
	es.app.SignOutAll(t.Context())
	waitFor(t, tab, `location.pathname === '/signin' && !!document.getElementById('signin')`)
	t.Logf("signed-out tab reached /signin in %v", time.Since(start).Round(time.Millisecond))
	// The client reconnected at once, rather than after its backoff, and the hook
	// redirected it; a page reload would not open a socket.
	if c := closed(); c.Code != 4000 || !c.ReconnectedAtOnce {
		t.Errorf("the socket closed with %d, reconnected at once: %v; want 4000, true", c.Code, c.ReconnectedAtOnce)
	}
	if n := es.sockets.Load() - before; n < 1 {
		t.Errorf("%d websocket upgrades after the disconnect, want a remount", n)
	}
}

func TestBrowserAFieldTheUserLeftKeepsItsValueWhileStaleRepliesArrive(t *testing.T) {
	const latency = 150 * time.Millisecond
	es := serveSlowExample(t, latency)
	tab := testbrowser.New(t)
	openLive(t, tab, es, "/form")

	// Every change to the page once the user has left the name field notes the count
	// the page shows and the field's value: a reply applied at any moment is seen.
	eval[chromedp.Void](t, tab, `(() => {
		const name = document.getElementById('name');
		window.__afterLeaving = [];
		new MutationObserver(() => {
			if (document.activeElement === name) return;
			const typed = document.body.textContent.match(/You typed (\d+) characters/)?.[1];
			__afterLeaving.push({typed, value: name.value});
		}).observe(document.getElementById('live-root'), {subtree: true, childList: true, characterData: true, attributes: true});
	})()`)

	// Three keystrokes send three validations; their replies, held back until the user
	// has moved on to the email field, then arrive 150 ms apart, the first carrying
	// value="A".
	es.replies.Lock()
	do(t, tab,
		chromedp.SendKeys(chromedp.ID("name"), "Ada"),
		chromedp.Focus(chromedp.ID("email")))
	es.replies.Unlock()
	waitFor(t, tab, `document.body.textContent.includes('You typed 3 characters')`)
	seen := eval[[]struct {
		Typed string `json:"typed"`
		Value string `json:"value"`
	}](t, tab, `__afterLeaving`)
	replyToFirst := false
	for _, s := range seen {
		replyToFirst = replyToFirst || s.Typed == "1"
		if s.Value != "Ada" {
			t.Errorf("while the page said %s characters, the name field held %q, want %q", s.Typed, s.Value, "Ada")
		}
	}
	t.Logf("after leaving the field: %+v", seen)
	if !replyToFirst {
		t.Errorf("the page never showed the reply to the first keystroke on its own: %+v", seen)
	}
	// A submit now sends what the user typed.
	do(t, tab,
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.Click(chromedp.ID("save")))
	waitFor(t, tab, `!!document.getElementById('saved')`)
	if got := eval[string](t, tab, `document.getElementById('saved').textContent`); got != "Saved Ada <ada@example.com>." {
		t.Errorf("saved %q, want %q", got, "Saved Ada <ada@example.com>.")
	}
	if got := eval[string](t, tab, `document.getElementById('name').value`); got != "Ada" {
		t.Errorf("in the end the name field holds %q, want %q", got, "Ada")
	}
}

func TestBrowserHeartbeatsKeepAnIdleTabConnected(t *testing.T) {
	// The server closes sockets silent for 6 s; the page tells the client to send a
	// heartbeat every 3 s, and the client gives up on a socket whose server has not
	// answered the last one by the next. A heartbeat or its answer may be 3 s late
	// before the tab drops its socket: room for a busy machine. (The idle time is
	// the scenario, not a wait for an event: the tab must outlast the timeout.)
	es := serveExampleWith(t, 0, example.Config{HeartbeatTimeout: 6 * time.Second})
	tab := testbrowser.New(t)
	openLive(t, tab, es, "/")
	before := es.sockets.Load()
	time.Sleep(9 * time.Second) // idle for one and a half timeouts
	if n := es.sockets.Load() - before; n != 0 {
		t.Fatalf("the idle tab opened %d new sockets: its heartbeats did not keep it open", n)
	}
	do(t, tab, chromedp.Click(chromedp.ID("inc")))
	waitFor(t, tab, `document.getElementById('count').textContent === '1'`)
}

func TestBrowserClockTicksAndThePanelLoadsItself(t *testing.T) {
	es := serveExampleWith(t, 0, example.Config{})
	tab := testbrowser.New(t)
	openLive(t, tab, es, "/clock")
	waitFor(t, tab, `document.getElementById('summary-state').textContent.includes('items in the shared list')`)
	first := testbrowser.Eval[string](t, tab, `document.getElementById('clock').textContent`)
	waitFor(t, tab, `document.getElementById('clock').textContent !== `+strconv.Quote(first))
	do(t, tab, chromedp.Click(chromedp.ID("reload")))
	waitFor(t, tab, `document.getElementById('summary-state').textContent.includes('items in the shared list')`)
}
