package live_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

func TestDeadRender(t *testing.T) {
	app := newTestApp(t, nil)
	c := livetest.NewClient(t, app.h)
	status, _, body := c.Get("/counter?label=x")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{`<p id="count">0</p>`, `data-live-token="`, `<meta name="live-csrf" content="`, `<script defer src="/live/client-`, "Counter x"} {
		contains(t, body, want)
	}
	t.Run("unknown path is not a live route", func(t *testing.T) {
		if status, _, _ := c.Get("/nope"); status != http.StatusNotFound {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("a halting hook redirects the dead render", func(t *testing.T) {
		status, loc, _ := c.Get("/guarded")
		if status != http.StatusSeeOther || loc != "/login" {
			t.Fatalf("status %d location %q", status, loc)
		}
	})
}

func TestEvents(t *testing.T) {
	app := newTestApp(t, nil)
	lv := livetest.Mount(t, app.h, "/counter")
	t.Run("a click patches the count", func(t *testing.T) {
		if err := lv.Click("inc"); err != nil {
			t.Fatal(err)
		}
		contains(t, lv.HTML(), `<p id="count">1</p>`)
	})
	t.Run("parameters reach the handler decoded", func(t *testing.T) {
		if err := lv.Click("add", "by", "41"); err != nil {
			t.Fatal(err)
		}
		contains(t, lv.HTML(), `<p id="count">42</p>`)
	})
	t.Run("a parameter that does not decode is a clear error", func(t *testing.T) {
		err := lv.Click("add", "by", "lots")
		if err == nil || !strings.Contains(err.Error(), `parameter "by" is not a whole number`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("PushEvent sends an explicit payload", func(t *testing.T) {
		if err := lv.Click("push"); err != nil {
			t.Fatal(err)
		}
		p := lv.Pushes()
		if len(p) != 1 || p[0].Event != "saved" || string(p[0].Payload) != `{"n":42}` {
			t.Fatalf("pushes %+v", p)
		}
	})
	t.Run("flash is rendered and dismissable", func(t *testing.T) {
		_ = lv.Click("flash")
		contains(t, lv.HTML(), `Saved!`)
		_ = lv.Click("lv:clear-flash")
		if lv.Contains("Saved!") {
			t.Fatal("flash not cleared")
		}
	})
	t.Run("SetTitle updates the title", func(t *testing.T) {
		_ = lv.Click("title")
		if lv.Title() != "New title" {
			t.Fatalf("title %q", lv.Title())
		}
	})
	t.Run("a PubSub message re-renders the view", func(t *testing.T) {
		if err := app.rt.PubSub().Publish(livetest.Context(t), "counter:bump", nil); err != nil {
			t.Fatal(err)
		}
		lv.Await(`<p id="count">142</p>`)
	})
	t.Run("Patch changes params without a remount", func(t *testing.T) {
		if err := lv.Click("page", "label", "two"); err != nil {
			t.Fatal(err)
		}
		contains(t, lv.HTML(), "Counter two")
		contains(t, lv.HTML(), `<p id="count">142</p>`)
		if lv.URL() != "/counter?label=two" {
			t.Fatalf("url %q", lv.URL())
		}
	})
	t.Run("Redirect sends the browser away", func(t *testing.T) {
		_ = lv.Click("away")
		if lv.Redirect() != "/elsewhere" {
			t.Fatalf("redirect %q", lv.Redirect())
		}
	})
}

func TestNavigation(t *testing.T) {
	app := newTestApp(t, nil)
	t.Run("inside a live session it mounts the new view in place", func(t *testing.T) {
		lv := livetest.Mount(t, app.h, "/counter")
		if err := lv.Navigate("/other"); err != nil {
			t.Fatal(err)
		}
		contains(t, lv.HTML(), "other view")
		if lv.Redirect() != "" || lv.URL() != "/other" {
			t.Fatalf("redirect %q url %q", lv.Redirect(), lv.URL())
		}
	})
	t.Run("across live sessions it is a full page load", func(t *testing.T) {
		lv := livetest.Mount(t, app.h, "/counter")
		if err := lv.Navigate("/b"); err != nil {
			t.Fatal(err)
		}
		if lv.Redirect() != "/b" {
			t.Fatalf("redirect %q", lv.Redirect())
		}
	})
	t.Run("a server-side Navigate follows the same rule", func(t *testing.T) {
		lv := livetest.Mount(t, app.h, "/counter")
		_ = lv.Click("go", "to", "/other")
		contains(t, lv.HTML(), "other view")
		_ = lv.Click("nothing")
	})
	t.Run("navigation re-runs the hooks", func(t *testing.T) {
		c := livetest.NewClient(t, app.h)
		c.SetCookie(&http.Cookie{Name: "user", Value: "mallory"})
		lv := c.Mount("/counter")
		_ = lv.Navigate("/guarded")
		if lv.Redirect() != "/login" {
			t.Fatalf("hooks did not run on navigation: redirect %q, html %s", lv.Redirect(), lv.HTML())
		}
	})
	t.Run("an off-site navigation is refused", func(t *testing.T) {
		lv := livetest.Mount(t, app.h, "/counter")
		err := lv.Navigate("https://evil.example/")
		if err == nil || lv.Redirect() != "" {
			t.Fatalf("err %v, redirect %q", err, lv.Redirect())
		}
	})
}

func TestHooksAndRevocation(t *testing.T) {
	app := newTestApp(t, nil)
	t.Run("hooks run on both mounts and assign once per mount", func(t *testing.T) {
		c := livetest.NewClient(t, app.h)
		c.SetCookie(&http.Cookie{Name: "user", Value: "alice"})
		before := app.mounts.Load()
		lv := c.Mount("/guarded")
		contains(t, lv.DeadHTML(), "alice")
		contains(t, lv.HTML(), "alice")
		if n := app.mounts.Load() - before; n != 2 {
			t.Fatalf("hook ran %d times, want 2 (HTTP and websocket)", n)
		}
	})
	t.Run("Disconnect closes every socket with the id", func(t *testing.T) {
		c := livetest.NewClient(t, app.h)
		c.SetCookie(&http.Cookie{Name: "user", Value: "alice"})
		tab1, tab2 := c.Mount("/guarded"), c.Mount("/guarded")
		other := livetest.Mount(t, app.h, "/counter")
		if err := app.rt.Disconnect(livetest.Context(t), "user:alice"); err != nil {
			t.Fatal(err)
		}
		if code := tab1.AwaitClose(); code != 4000 {
			t.Fatalf("tab1 closed with %d", code)
		}
		if code := tab2.AwaitClose(); code != 4000 {
			t.Fatalf("tab2 closed with %d", code)
		}
		if err := other.Click("inc"); err != nil {
			t.Fatalf("an unrelated socket was affected: %v", err)
		}
		// The client remounts; with the session revoked, the hook redirects.
		app.revoke("alice")
		again := c.Mount("/guarded")
		if again.Redirect() != "/login" {
			t.Fatalf("remount after revocation: redirect %q", again.Redirect())
		}
		app.valid.Store(map[string]bool{"alice": true})
	})
	t.Run("revalidation closes a socket whose session was revoked", func(t *testing.T) {
		app.valid.Store(map[string]bool{"alice": true, "bob": true})
		c := livetest.NewClient(t, app.h)
		c.SetCookie(&http.Cookie{Name: "user", Value: "bob"})
		lv := c.Mount("/g")
		contains(t, lv.HTML(), "bob")
		app.revoke("bob")
		if code := lv.AwaitClose(); code != 4001 {
			t.Fatalf("closed with %d, want 4001", code)
		}
	})
}

func TestFlashSurvivesRedirectAndConnect(t *testing.T) {
	app := newTestApp(t, nil)
	c := livetest.NewClient(t, app.h)
	if status, loc, _ := c.Get("/setflash"); status != http.StatusSeeOther || loc != "/counter" {
		t.Fatalf("status %d location %q", status, loc)
	}
	lv := c.Mount("/counter")
	contains(t, lv.DeadHTML(), "Welcome back")
	contains(t, lv.HTML(), "Welcome back")
	if again := c.Mount("/counter"); strings.Contains(again.DeadHTML(), "Welcome back") {
		t.Fatal("the flash was shown twice")
	}
}

func TestFormParams(t *testing.T) {
	app := newTestApp(t, nil)
	lv := livetest.Mount(t, app.h, "/counter")
	if err := lv.Submit("add", url.Values{"by": {"3"}}); err != nil {
		t.Fatal(err)
	}
	contains(t, lv.HTML(), `<p id="count">3</p>`)
}

func TestPatchesStayCorrectWhenIdleSocketsDropTheirTree(t *testing.T) {
	app := newTestApp(t, nil)
	lv := livetest.Mount(t, app.h, "/counter")
	for i := 1; i <= 3; i++ {
		for range 2 { // two heartbeats without an event: the socket drops its parsed tree
			if err := lv.Heartbeat(); err != nil {
				t.Fatal(err)
			}
		}
		if err := lv.Click("inc"); err != nil {
			t.Fatal(err)
		}
		contains(t, lv.HTML(), fmt.Sprintf(`<p id="count">%d</p>`, i))
	}
}

// TestPatchesStayCorrectAsSocketsTurnHotAndCold: a busy socket keeps its last two
// renders in buffers it reuses, and an idle one shares renders and diffs with other
// sockets through the diff cache. Renders of changing sizes, events (hot), heartbeats
// (cold) and broadcasts to both tabs (the diff cache) in turn must leave every tab
// showing exactly what its view renders.
func TestPatchesStayCorrectAsSocketsTurnHotAndCold(t *testing.T) {
	app := newTestApp(t, nil)
	tabs := []*livetest.View{livetest.Mount(t, app.h, "/counter"), livetest.Mount(t, app.h, "/counter")}
	n := 0
	check := func(step string) {
		t.Helper()
		want := fmt.Sprintf(`<p id="count">%d</p>`, n)
		for i, lv := range tabs {
			lv.AwaitFunc(want, func(html string) bool { return strings.Contains(html, want) })
			if got := lv.HTML(); !strings.Contains(got, want) {
				t.Fatalf("%s: tab %d shows %s, want %s", step, i, got, want)
			}
		}
	}
	for round, by := range []int{1, 99999, -99990, 7, 1234567, -1234000, 3} {
		for _, lv := range tabs { // events: both sockets hot, each twice
			for range 2 {
				if err := lv.Submit("add", url.Values{"by": {strconv.Itoa(by)}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		n += 2 * by
		check(fmt.Sprintf("round %d, events", round))
		for _, lv := range tabs { // two heartbeats without an event: both turn cold
			for range 2 {
				if err := lv.Heartbeat(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := app.rt.PubSub().Publish(context.Background(), "counter:bump", nil); err != nil {
			t.Fatal(err)
		}
		n += 100
		check(fmt.Sprintf("round %d, broadcast", round))
	}
}

func TestHeartbeatsKeepASocketOpenAndSilenceClosesIt(t *testing.T) {
	app := newTestApp(t, func(c *live.Config) { c.HeartbeatTimeout = time.Second })
	lv := livetest.Mount(t, app.h, "/counter")
	// Heartbeats for twice the timeout keep the socket open. Time passing is the point
	// here, not a stand-in for synchronization; a beat every 100 ms leaves a busy machine
	// 900 ms of slack.
	for range 20 {
		time.Sleep(100 * time.Millisecond)
		if err := lv.Heartbeat(); err != nil {
			t.Fatal(err)
		}
	}
	if err := lv.Click("inc"); err != nil {
		t.Fatal(err)
	}
	if code := lv.AwaitClose(); code != live.CloseHeartbeat {
		t.Fatalf("a silent socket closed with %d, want %d", code, live.CloseHeartbeat)
	}
}

// formView renders a plain-HTTP form with the socket's CSRF token and the client address.
type formView struct{ csrf, ip string }

func (v *formView) Mount(_ context.Context, s *live.Socket) error {
	v.csrf, v.ip = s.CSRFToken(), s.ClientIP().String()
	return nil
}

func (v *formView) Render(w io.Writer) error {
	_, err := fmt.Fprintf(w, `<form method="post" action="/save"><input type="hidden" name="_csrf" value="%s"></form><p id="ip">%s</p>`, v.csrf, v.ip)
	return err
}

func TestSocketGivesFormsACSRFTokenAndKnowsTheClientAddress(t *testing.T) {
	rt, err := live.New(live.Config{Secret: testSecret, Dev: true,
		ClientIP: func(*http.Request) netip.Addr { return netip.MustParseAddr("203.0.113.7") }})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("s", live.SessionOptions{}).Live("/form", func() live.View { return new(formView) })
	mux := http.NewServeMux()
	rt.Register(mux)
	mux.HandleFunc("POST /save", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "saved") })
	h := rt.ProtectForms(mux)

	c := livetest.NewClient(t, h)
	lv := c.Mount("/form")
	for name, html := range map[string]string{"dead render": lv.DeadHTML(), "connected": lv.HTML()} {
		if !strings.Contains(html, `<p id="ip">203.0.113.7</p>`) {
			t.Errorf("%s: ClientIP did not come from Config.ClientIP: %s", name, html)
		}
		m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(html)
		if m == nil {
			t.Fatalf("%s: no CSRF token in %s", name, html)
		}
		req, _ := http.NewRequest("POST", c.URL("/save"), strings.NewReader(url.Values{"_csrf": {m[1]}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.HTTP().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != "saved" {
			t.Errorf("%s: posting the socket's CSRF token: %d %s", name, resp.StatusCode, body)
		}
	}
}

// leavingView publishes to its own topic and navigates away in one event; its message
// handler, if it ran after the navigation, would redirect the new view.
type leavingView struct{ rt *live.Runtime }

func (v *leavingView) Mount(_ context.Context, s *live.Socket) error {
	s.On("leave", func(ctx context.Context, _ live.Params) error {
		if err := v.rt.PubSub().Publish(ctx, "leaving", nil); err != nil {
			return err
		}
		return s.Navigate("/next")
	})
	return s.Subscribe("leaving", func(context.Context, string, []byte) error { return s.Redirect("/away") })
}

func (v *leavingView) Render(w io.Writer) error {
	_, err := io.WriteString(w, `<p>leaving</p>`)
	return err
}

func TestMessagesForAReplacedViewAreDropped(t *testing.T) {
	rt, err := live.New(live.Config{Secret: testSecret, Dev: true})
	if err != nil {
		t.Fatal(err)
	}
	s := rt.Session("s", live.SessionOptions{})
	s.Live("/leave", func() live.View { return &leavingView{rt: rt} })
	s.Live("/next", func() live.View { return &static{text: "next view"} })
	mux := http.NewServeMux()
	rt.Register(mux)

	lv := livetest.Mount(t, mux, "/leave")
	if err := lv.Click("leave"); err != nil {
		t.Fatal(err)
	}
	contains(t, lv.HTML(), "next view")
	// The message was queued before the navigation ran; let it through the worker.
	if err := lv.Heartbeat(); err != nil {
		t.Fatal(err)
	}
	if lv.Redirect() != "" || lv.URL() != "/next" {
		t.Fatalf("the old view's message handler ran on the new view: redirect %q, url %q", lv.Redirect(), lv.URL())
	}
}

// secureView shows Socket.Secure.
type secureView struct{ secure bool }

func (v *secureView) Mount(_ context.Context, s *live.Socket) error {
	v.secure = s.Secure()
	return nil
}
func (v *secureView) Render(w io.Writer) error {
	_, err := fmt.Fprintf(w, "<p>secure=%v</p>", v.secure)
	return err
}

func TestSocketSecureFollowsTLSOrSecureCookies(t *testing.T) {
	for _, secureCookies := range []bool{false, true} {
		rt, err := live.New(live.Config{Secret: testSecret, Dev: true, SecureCookies: secureCookies})
		if err != nil {
			t.Fatal(err)
		}
		rt.Session("s", live.SessionOptions{}).Live("/", func() live.View { return new(secureView) })
		mux := http.NewServeMux()
		rt.Register(mux)
		want := fmt.Sprintf("secure=%v", secureCookies)
		if secureCookies {
			// The CSRF cookie is then Secure, and a plain-HTTP client cannot connect:
			// check the dead render.
			_, _, body := livetest.NewClient(t, mux).Get("/")
			contains(t, body, want)
			continue
		}
		lv := livetest.Mount(t, mux, "/")
		contains(t, lv.DeadHTML(), want)
		contains(t, lv.HTML(), want)
	}
}

func TestProtectFormsTellsAnOversizeOrMalformedFormFromABadToken(t *testing.T) {
	rt, err := live.New(live.Config{Secret: testSecret, Dev: true})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("s", live.SessionOptions{}).Live("/form", func() live.View { return new(formView) })
	mux := http.NewServeMux()
	rt.Register(mux)
	mux.HandleFunc("POST /save", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "saved") })
	c := livetest.NewClient(t, rt.ProtectForms(mux))
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(c.Mount("/form").HTML())
	if m == nil {
		t.Fatal("no CSRF token on the page")
	}
	token := m[1]
	big := strings.Repeat("x", live.MaxFormBytes)

	var multi bytes.Buffer
	mw := multipart.NewWriter(&multi)
	mw.WriteField("_csrf", token)
	mw.WriteField("notes", big)
	mw.Close()

	tests := []struct {
		name, contentType, body string
		status                  int
		answer                  string
	}{
		{"a form within the limit is let through", "application/x-www-form-urlencoded",
			url.Values{"_csrf": {token}, "notes": {"short"}}.Encode(), http.StatusOK, "saved"},
		{"an oversize form is too large, not a bad token", "application/x-www-form-urlencoded",
			url.Values{"_csrf": {token}, "notes": {big}}.Encode(), http.StatusRequestEntityTooLarge, "request too large\n"},
		{"an oversize multipart form too", mw.FormDataContentType(),
			multi.String(), http.StatusRequestEntityTooLarge, "request too large\n"},
		{"a malformed form is a bad request", "application/x-www-form-urlencoded",
			"_csrf=" + url.QueryEscape(token) + "&notes=%zz", http.StatusBadRequest, "malformed form\n"},
		{"a form without the token is still refused", "application/x-www-form-urlencoded",
			"notes=short", http.StatusForbidden, "invalid CSRF token: reload the page and try again\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", c.URL("/save"), strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			resp, err := c.HTTP().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || string(body) != tt.answer {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tt.status, tt.answer)
			}
		})
	}
}
