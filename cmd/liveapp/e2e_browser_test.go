package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"

	"github.com/liveapp/liveapp/internal/testbrowser"
	"github.com/liveapp/liveapp/pgtest"
)

// TestGeneratedAppInABrowser stamps out an app with liveapp new, builds it, serves it on
// 127.0.0.1 in dev mode with a fresh database, and drives it in Chromium as two users:
// sign up and confirm through the dev mailbox, create a project, watch the dev dashboard
// refresh itself, fail to reach the project as the other user (by URL and by a crafted
// event), and log out in one tab of a session while another tab of it is open. Then it runs the same binary in production (checkProduction).
func TestGeneratedAppInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves a generated app")
	}
	goCmd := needGo(t)
	dir := t.TempDir()
	t.Chdir(dir)
	if _, err := run(t, "new", "shop"); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "shop-server")
	build := exec.Command(goCmd, "build", "-o", bin, "./cmd/shop")
	build.Dir = filepath.Join(dir, "shop")
	build.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dbURL := pgtest.URL(t)
	base := serveApp(t, bin, filepath.Join(dir, "shop"), dbURL)

	alice := testbrowser.New(t)
	// The app's Content-Security-Policy allows nothing inline: no page, nor the live
	// client in dev mode, may need it.
	violations := testbrowser.RecordCSPViolations(t, alice)
	signUp(t, alice, base, "alice@example.com")

	// Alice creates a project.
	testbrowser.Do(t, alice, chromedp.Navigate(base+"/projects/new"))
	testbrowser.WaitFor(t, alice, testbrowser.Connected)
	testbrowser.Do(t, alice, chromedp.SendKeys(chromedp.ID("name"), "Secret plans"), chromedp.Click(chromedp.ID("save")))
	testbrowser.WaitFor(t, alice, `/^\/projects\/\d+$/.test(location.pathname) && document.body.innerText.includes('Secret plans')`)
	projectPath := testbrowser.Eval[string](t, alice, `location.pathname`)
	var id int64
	if _, err := fmt.Sscanf(projectPath, "/projects/%d", &id); err != nil {
		t.Fatal(err)
	}

	// The dev dashboard, a live view, shows this process and refreshes itself.
	dash := testbrowser.NewTab(t, alice)
	testbrowser.Do(t, dash, chromedp.Navigate(base+"/dev/dashboard"))
	testbrowser.WaitFor(t, dash, testbrowser.Connected+` && document.getElementById('dash-sockets').innerText.includes('web.Dashboard')`)
	for _, id := range []string{"dash-events", "dash-pubsub", "dash-memory", "dash-db", "dash-slowest"} {
		if !testbrowser.Eval[bool](t, dash, fmt.Sprintf(`!!document.getElementById(%q)`, id)) {
			t.Errorf("the dev dashboard has no #%s", id)
		}
	}
	updated := testbrowser.Eval[string](t, dash, `document.getElementById('dash-updated').textContent`)
	testbrowser.WaitFor(t, dash, fmt.Sprintf(`document.getElementById('dash-updated').textContent !== %q`, updated))

	// Bob, in another browser context, cannot see it, open it, or delete it.
	bob := testbrowser.NewIncognito(t, alice)
	signUp(t, bob, base, "bob@example.com")
	testbrowser.Do(t, bob, chromedp.Navigate(base+"/projects"))
	testbrowser.WaitFor(t, bob, testbrowser.Connected)
	if testbrowser.Eval[bool](t, bob, `document.body.innerText.includes('Secret plans')`) {
		t.Fatal("bob's project list shows alice's project")
	}
	testbrowser.Do(t, bob, chromedp.Navigate(base+projectPath))
	testbrowser.WaitFor(t, bob, `document.readyState === 'complete'`)
	if testbrowser.Eval[bool](t, bob, `document.body.innerText.includes('Secret plans')`) {
		t.Fatalf("bob opened alice's project at %s", projectPath)
	}
	// A crafted event: a delete button for alice's project, added to bob's page.
	testbrowser.Do(t, bob, chromedp.Navigate(base+"/projects"))
	testbrowser.WaitFor(t, bob, testbrowser.Connected)
	testbrowser.Eval[chromedp.Void](t, bob, fmt.Sprintf(`(() => {
		const b = document.createElement('button');
		b.id = 'crafted'; b.setAttribute('live-click', 'delete'); b.setAttribute('live-value-id', '%d');
		document.getElementById('live-root').prepend(b);
	})()`, id))
	testbrowser.Do(t, bob, chromedp.Click(chromedp.ID("crafted")))
	testbrowser.WaitFor(t, bob, `document.body.innerText.includes('Project not found')`)
	if n := countProjects(t, dbURL, id); n != 1 {
		t.Fatalf("after bob's crafted delete, alice's project exists %d times", n)
	}

	// The sessions page on a phone, 390 px wide: each date on one line, and the
	// table inside the card's padding, with nothing to scroll sideways.
	phone := testbrowser.NewTab(t, alice)
	testbrowser.Do(t, phone, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/users/sessions"))
	testbrowser.WaitFor(t, phone, testbrowser.Connected+` && !!document.querySelector('#sessions tr')`)
	layout := testbrowser.Eval[string](t, phone, sessionsLayout)
	if layout != "" {
		t.Errorf("the sessions page at 390 px: %s", layout)
	}

	// The components: inputs at phone width, the delete confirmation modal, and an
	// avatar on the settings page.
	checkPhoneLayouts(t, alice, base)
	checkDeleteModal(t, alice, base, dbURL, id)
	checkAvatar(t, alice, base)

	// Logging out in one tab closes the socket of the session's other tab (a disconnect
	// broadcast, 4000), whose client reconnects at once rather than after its backoff,
	// and so lands on the login page by itself.
	other := testbrowser.NewTab(t, alice)
	testbrowser.Do(t, other, chromedp.Navigate(base+"/projects"))
	testbrowser.WaitFor(t, other, testbrowser.Connected)
	closed := testbrowser.RecordClose(t, other)
	testbrowser.Do(t, alice, chromedp.Navigate(base+"/"))
	testbrowser.WaitFor(t, alice, testbrowser.Connected)
	start := time.Now()
	testbrowser.Do(t, alice, chromedp.Click(chromedp.ID("log-out")))
	testbrowser.WaitFor(t, other, `location.pathname === '/users/log-in'`)
	t.Logf("the other tab reached the login page %v after the logout click", time.Since(start).Round(time.Millisecond))
	if c := closed(); c.Code != 4000 || !c.ReconnectedAtOnce {
		t.Errorf("the other tab's socket closed with %d, reconnected at once: %v; want 4000, true", c.Code, c.ReconnectedAtOnce)
	}
	testbrowser.NoCSPViolations(t, violations)

	t.Run("in production", func(t *testing.T) { checkProduction(t, bin) })
}

// sessionsLayout checks the layout of the sessions page and returns what is
// wrong with it, or "": each date cell's text on one line, the table within the
// card's padding, and the page no wider than the window.
const sessionsLayout = `(() => {
	const problems = [];
	const lines = el => {
		const r = document.createRange();
		r.selectNodeContents(el);
		return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size;
	};
	for (const row of document.querySelectorAll('#sessions tr')) {
		for (const td of [...row.cells].slice(2, 4)) {
			const n = lines(td);
			if (n !== 1) problems.push('the date "' + td.innerText + '" takes ' + n + ' lines');
		}
	}
	const card = document.querySelector('.card');
	const table = card.querySelector('table');
	const c = card.getBoundingClientRect(), tb = table.getBoundingClientRect(), st = getComputedStyle(card);
	const left = c.left + parseFloat(st.borderLeftWidth) + parseFloat(st.paddingLeft);
	const right = c.right - parseFloat(st.borderRightWidth) - parseFloat(st.paddingRight);
	if (tb.left < left - 0.5 || tb.right > right + 0.5) {
		problems.push('the table spans ' + tb.left + '..' + tb.right + ' px, the card\'s padding box ' + left + '..' + right);
	}
	if (card.scrollWidth > card.clientWidth) problems.push('the card scrolls sideways');
	if (document.documentElement.scrollWidth > innerWidth) {
		problems.push('the page is ' + document.documentElement.scrollWidth + ' px wide in a ' + innerWidth + ' px window');
	}
	return problems.join('; ');
})()`

// serveApp starts the app binary bin in dev mode on a free 127.0.0.1 port, from the app's
// directory, with the database dbURL, and returns its base URL once it answers.
func serveApp(t *testing.T, bin, dir, dbURL string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	env := append(os.Environ(), "APP_ENV=dev", "DATABASE_URL="+dbURL, fmt.Sprint("PORT=", port), "PUBLIC_URL="+base)
	startApp(t, exec.Command(bin), dir, env, base, http.DefaultClient)
	return base
}

// signUp registers email in tab, follows the confirmation link from the dev mailbox and
// confirms, which logs the browser in.
func signUp(t *testing.T, tab context.Context, base, email string) {
	t.Helper()
	testbrowser.Do(t, tab, chromedp.Navigate(base+"/users/register"))
	testbrowser.WaitFor(t, tab, testbrowser.Connected)
	testbrowser.Do(t, tab, chromedp.SendKeys(chromedp.ID("email"), email), chromedp.Click(chromedp.ID("register")))
	testbrowser.WaitFor(t, tab, `location.pathname === '/users/log-in'`)

	// The email leaves through the accounts outbox, after the answer: a loaded machine
	// may send it after the mailbox page was served, and the page does not update, so
	// load it until it lists the email.
	listed := fmt.Sprintf(`[...document.querySelectorAll('tr')].some(r => r.innerText.includes(%q))`, email)
	for deadline := time.Now().Add(testbrowser.Timeout); ; time.Sleep(50 * time.Millisecond) {
		testbrowser.Do(t, tab, chromedp.Navigate(base+"/dev/mailbox"))
		if testbrowser.Eval[bool](t, tab, listed) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dev mailbox lists no email to %s after %v", email, testbrowser.Timeout)
		}
	}
	testbrowser.Eval[chromedp.Void](t, tab, fmt.Sprintf(
		`[...document.querySelectorAll('tr')].find(r => r.innerText.includes(%q)).querySelector('a').click()`, email))
	testbrowser.WaitFor(t, tab, `!!document.querySelector('pre a')`)
	link := testbrowser.Eval[string](t, tab, `document.querySelector('pre a').href`)
	if !strings.HasPrefix(link, base+"/users/log-in/") {
		t.Fatalf("the confirmation email links to %q", link)
	}
	testbrowser.Do(t, tab, chromedp.Navigate(link))
	// Wait for the page's socket before using the link: a connected mount that came
	// after the login would find the token used and send the tab to the login page.
	testbrowser.WaitFor(t, tab, `!!document.getElementById('remember') && `+testbrowser.Connected)
	testbrowser.Do(t, tab, chromedp.Click(chromedp.ID("remember")))
	testbrowser.WaitFor(t, tab, fmt.Sprintf(`location.pathname === '/' && document.body.innerText.includes(%q)`, email))
}

// countProjects returns how many projects with id exist.
func countProjects(t *testing.T, dbURL string, id int64) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var n int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM projects WHERE id = $1", id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
