package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/devdb"
	"github.com/liveapp/liveapp/internal/pgcluster"
	"github.com/liveapp/liveapp/internal/testbrowser"
)

// overlayText is the text of the dev error overlay the live client shows, or null.
const overlayText = `(document.getElementById('live-dev-error')?.shadowRoot.querySelector('pre')?.textContent ?? null)`

// TestDevInTheBrowser runs liveapp dev, built as a user builds it, on an app
// liveapp new made, with the zero-config database, and edits the app while
// Chromium shows it: a template, a stylesheet, Go code, then a syntax error
// and its fix. It logs how long each edit took to show, from the file's save
// to the page updated (docs/dev.md has the figures), and asserts none of it:
// how fast is the machine's business.
func TestDevInTheBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds liveapp and an app, and runs them in Chromium")
	}
	goCmd := needGo(t)
	tab := testbrowser.New(t)
	if _, err := pgcluster.FindBin(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}

	// As root, the database runs as an unprivileged user, who must reach the
	// app's directory: t.TempDir and its parent are private.
	tmp := t.TempDir()
	for _, d := range []string{tmp, filepath.Dir(tmp)} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	cli := filepath.Join(tmp, "liveapp")
	if out, err := exec.Command(goCmd, "build", "-o", cli, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	newCmd := exec.Command(cli, "new", "demo")
	newCmd.Dir = tmp
	if out, err := newCmd.CombinedOutput(); err != nil {
		t.Fatalf("liveapp new: %v\n%s", err, out)
	}
	app := filepath.Join(tmp, "demo")

	port := freePort(t)
	dev := exec.Command(cli, "dev") // on PORT
	dev.Dir = app
	dev.Env = append(withoutEnv(withoutEnv(os.Environ(), "DATABASE_URL"), "PORT"), "PORT="+strconv.Itoa(port))
	var out syncBuffer
	dev.Stdout, dev.Stderr = &out, &out
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = dev.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		if t.Failed() || testing.Verbose() {
			t.Logf("liveapp dev's output:\n%s", out.String())
		}
	})
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			dev.Process.Kill()
			<-exited
		}
	})

	waitOutput(t, &out, exited, "started demo", 10*time.Minute)
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	if !strings.Contains(out.String(), "  app       http://localhost:"+strconv.Itoa(port)+"\n") {
		t.Errorf("liveapp dev does not serve on PORT:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "  dashboard http://localhost:"+strconv.Itoa(port)+"/dev/dashboard\n") {
		t.Errorf("liveapp dev does not print the dev dashboard's URL:\n%s", out.String())
	}

	t.Run("a second liveapp dev refuses before it starts anything", func(t *testing.T) {
		second := exec.Command(cli, "dev", "--port", strconv.Itoa(freePort(t)))
		second.Dir = app
		second.Env = withoutEnv(os.Environ(), "DATABASE_URL")
		got, err := second.CombinedOutput()
		if err == nil || !strings.Contains(string(got), "another liveapp dev runs for this app") {
			t.Fatalf("%v:\n%s", err, got)
		}
		if strings.Contains(string(got), "starting") {
			t.Errorf("it said it was starting before it refused:\n%s", got)
		}
	})

	t.Run("liveapp migrate uses the development database liveapp dev runs", func(t *testing.T) {
		migrate := exec.Command(cli, "migrate")
		migrate.Dir = filepath.Join(app, "internal")
		migrate.Env = withoutEnv(os.Environ(), "DATABASE_URL")
		got, err := migrate.CombinedOutput()
		if err != nil || !strings.Contains(string(got), "migrating the development database in .liveapp/db, which runs: postgres://") {
			t.Fatalf("%v:\n%s", err, got)
		}
	})

	// A live form, with what the user typed: the server's state.
	testbrowser.Do(t, tab, chromedp.Navigate(url+"/users/register"))
	testbrowser.WaitFor(t, tab, testbrowser.Connected)
	testbrowser.Do(t, tab, chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"))
	testbrowser.Eval[chromedp.Void](t, tab, `window.__marker = 1`)
	const stateKept = `window.__marker === 1 && document.getElementById('email').value === 'ada@example.com'`

	edit := func(t *testing.T, rel, old, new string) time.Time {
		t.Helper()
		p := filepath.Join(app, filepath.FromSlash(rel))
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(src, []byte(old)) {
			t.Fatalf("%s has no %q", rel, old)
		}
		return save(t, p, bytes.Replace(src, []byte(old), []byte(new), 1))
	}
	latency := map[string]time.Duration{}

	t.Run("a template edit re-renders the page in place", func(t *testing.T) {
		saved := edit(t, "internal/web/templates/user_registration.html", "Register for an account", "Sign up for an account")
		testbrowser.WaitFor(t, tab, `document.querySelector('h1')?.textContent === 'Sign up for an account'`)
		latency["template"] = time.Since(saved)
		testbrowser.WaitFor(t, tab, stateKept+` && `+testbrowser.Connected)
	})

	t.Run("a stylesheet edit restyles the page and keeps its live state", func(t *testing.T) {
		saved := edit(t, "internal/web/static/app.css", "* { box-sizing: border-box; }", "* { box-sizing: border-box; }\nh1 { color: rgb(1, 2, 3); }")
		testbrowser.WaitFor(t, tab, `getComputedStyle(document.querySelector('h1')).color === 'rgb(1, 2, 3)'`)
		latency["stylesheet"] = time.Since(saved)
		if !testbrowser.Eval[bool](t, tab, stateKept) {
			t.Error("the page lost its state: it reloaded, or the form was emptied")
		}
		// The server still has what the user typed: a re-render shows it.
		edit(t, "internal/web/templates/user_registration.html", "Sign up for an account", "Sign up, please")
		testbrowser.WaitFor(t, tab, `document.querySelector('h1')?.textContent === 'Sign up, please'`)
		testbrowser.WaitFor(t, tab, stateKept)
	})

	// An email in the dev mailbox, sent by a registration in another tab.
	mailbox := testbrowser.NewTab(t, tab)
	testbrowser.Do(t, mailbox, chromedp.Navigate(url+"/users/register"))
	testbrowser.WaitFor(t, mailbox, testbrowser.Connected)
	testbrowser.Do(t, mailbox, chromedp.SendKeys(chromedp.ID("email"), "zed@example.com"), chromedp.Click(chromedp.ID("register")))
	testbrowser.WaitFor(t, mailbox, `location.pathname === '/users/log-in'`)
	inMailbox := func(t *testing.T) bool {
		t.Helper()
		testbrowser.Do(t, mailbox, chromedp.Navigate(url+"/dev/mailbox"))
		return testbrowser.Eval[bool](t, mailbox, `[...document.querySelectorAll('tr')].some(r => r.innerText.includes('zed@example.com'))`)
	}
	// The email leaves after the answer: load the page until it lists it.
	for deadline := time.Now().Add(testbrowser.Timeout); !inMailbox(t); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the dev mailbox lists no email to zed@example.com after %v", testbrowser.Timeout)
		}
	}

	t.Run("a Go edit rebuilds and restarts the app, and the page reconnects to it", func(t *testing.T) {
		saved := edit(t, "internal/web/user_registration.go", `title(s, "Register")`, `title(s, "Sign up")`)
		testbrowser.WaitForWithin(t, tab, `document.title.startsWith('Sign up') && `+testbrowser.Connected, buildTimeout)
		latency["Go"] = time.Since(saved)
	})

	t.Run("the dev mailbox keeps its emails across the restart", func(t *testing.T) {
		if !inMailbox(t) {
			t.Errorf("after the restart, the dev mailbox lost the email to zed@example.com")
		}
	})

	t.Run("a syntax error shows over the page; fixing it recovers", func(t *testing.T) {
		broken := filepath.Join(app, "internal", "web", "broken.go")
		save(t, broken, []byte("package web\n\nfunc broken() { x := }\n"))
		testbrowser.WaitForWithin(t, tab, overlayText+`?.includes('broken.go:3') ?? false`, buildTimeout)
		if got := testbrowser.Eval[string](t, tab, overlayText); !strings.Contains(got, "syntax error") {
			t.Errorf("overlay %q", got)
		}
		// The fix, with a change to see that the fixed code runs.
		save(t, broken, []byte("package web\n\nfunc broken() {}\n"))
		edit(t, "internal/web/user_registration.go", `title(s, "Sign up")`, `title(s, "Join")`)
		testbrowser.WaitForWithin(t, tab, `document.title.startsWith('Join') && `+overlayText+` === null && `+testbrowser.Connected, buildTimeout)
	})

	t.Run("a template that does not parse is reported alone, over the page", func(t *testing.T) {
		before := len(out.String())
		edit(t, "internal/web/templates/user_registration.html", "Sign up, please", "Sign up, {{.Nope")
		testbrowser.WaitForWithin(t, tab, overlayText+`?.includes('user_registration.html:') ?? false`, buildTimeout)
		waitOutput(t, &out, exited, "user_registration.html changed: the templates do not parse", buildTimeout)
		if said := out.String()[before:]; strings.Contains(said, "re-rendered") || strings.Contains(said, "templates kept") {
			t.Errorf("the terminal said more than the error:\n%s", said)
		}
		edit(t, "internal/web/templates/user_registration.html", "Sign up, {{.Nope", "Sign up, now")
		testbrowser.WaitFor(t, tab, `document.querySelector('h1')?.textContent === 'Sign up, now' && `+overlayText+` === null`)
	})

	t.Run("the terminal has a line per request, live mount and event, and no debug lines", func(t *testing.T) {
		said := out.String()
		for _, want := range []string{
			`msg="GET /users/register" status=200 took=`,
			`msg="live mount" view=web.Register route=/users/register took=`,
			`msg="live event" view=web.Register event=save route=/users/register took=`,
		} {
			if !strings.Contains(said, want) {
				t.Errorf("the output lacks %s", want)
			}
		}
		if strings.Contains(said, "level=DEBUG") {
			t.Errorf("the output has debug lines without --verbose")
		}
	})

	t.Logf("from save to updated page: template %v, stylesheet %v, Go %v", latency["template"], latency["stylesheet"], latency["Go"])

	t.Run("Ctrl-C stops the app, then the database", func(t *testing.T) {
		stopped = true
		dev.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
			if waitErr != nil {
				t.Errorf("liveapp dev: %v", waitErr)
			}
		case <-time.After(buildTimeout):
			dev.Process.Kill()
			t.Fatalf("liveapp dev did not exit within %v of SIGINT", buildTimeout)
		}
		if !strings.Contains(out.String(), "stopped the development database") {
			t.Errorf("the output does not say the database stopped:\n%s", out.String())
		}
		st, err := devdb.New(app, "demo").Status()
		if err != nil || st.Running || st.InUse {
			t.Errorf("after liveapp dev: database %+v, %v", st, err)
		}
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			c.Close()
			t.Error("something still accepts on the app's port")
		}
	})
}

// buildTimeout bounds a wait that includes a build of the app, or stopping it and
// its database: seconds on an idle machine, and only a broken liveapp dev takes
// this long on a loaded one.
const buildTimeout = 5 * time.Minute

// save writes a file as editors that rename a temporary file do, and returns
// when it did.
func save(t *testing.T, p string, data []byte) time.Time {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	saved := time.Now()
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
	return saved
}

// freePort returns a TCP port nothing listens on at 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func withoutEnv(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// waitOutput waits until out holds want, failing when the process exits first.
func waitOutput(t *testing.T, out *syncBuffer, exited <-chan struct{}, want string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !strings.Contains(out.String(), want) {
		select {
		case <-exited:
			t.Fatalf("liveapp dev exited before saying %q", want)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("liveapp dev did not say %q within %v", want, limit)
		}
	}
}

// syncBuffer is a bytes.Buffer for a process's output and a test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
