package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/accounts/web"
	"github.com/liveapp/liveapp/live/livetest"
)

// reauthAgo sets the authentication time of the session of cookie value v to d before
// the store's now.
func (a *app) reauthAgo(t *testing.T, v string, d time.Duration) {
	t.Helper()
	token, err := decode(v)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(token)
	if _, err := a.db.Exec(t.Context(),
		"UPDATE users_tokens SET authenticated_at = $2 WHERE token = $1",
		sum[:], a.clock.Now().Add(-d)); err != nil {
		t.Fatal(err)
	}
}

func TestSudoModeLastsTenMinutesInBothPipelines(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", false)

	if v := c.Mount("/sudo/settings"); !v.Contains("Signed in as alice@example.com") {
		t.Fatalf("a fresh login is not in sudo mode: %s (redirect %q)", v.HTML(), v.Redirect())
	}

	// Nine minutes later it still is; eleven minutes later it is not.
	a.reauthAgo(t, cookie(c, "user_session"), 9*time.Minute)
	if v := c.Mount("/sudo/settings"); v.Redirect() != "" {
		t.Fatalf("9 minutes after login: redirected to %q", v.Redirect())
	}
	a.reauthAgo(t, cookie(c, "user_session"), 11*time.Minute)
	status, loc, _ := c.Get("/sudo/settings")
	if status != http.StatusSeeOther || loc != "/users/log-in" {
		t.Fatalf("dead render 11 minutes after login: %d to %q, want 303 to /users/log-in", status, loc)
	}
	if got := cookie(c, "user_return_to"); got == "" {
		t.Error("the middleware did not remember the page to return to")
	}

	// Logging in again, posting the return_to the hook gave, lands back on the page.
	form := url.Values{"email": {"alice@example.com"}, "password": {password}, "return_to": {"/sudo/settings"}}
	c2 := livetest.NewClient(t, a.handler)
	resp, err := c2.HTTP().PostForm(c2.URL("/users/log-in"), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/sudo/settings" {
		t.Errorf("login with return_to went to %q, want /sudo/settings", loc)
	}
	form.Set("return_to", "https://evil.example/")
	resp, err = c2.HTTP().PostForm(c2.URL("/users/log-in"), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("login with a foreign return_to went to %q, want /", loc)
	}
}

func TestRequireSudoHookSendsTheUserToLogInWithTheWayBack(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", false)
	// Logged in 9m58s ago: the mount passes, and two seconds later sudo mode is over
	// for the socket, whose scope keeps the session's authentication time.
	a.reauthAgo(t, cookie(c, "user_session"), 10*time.Minute-2*time.Second)
	v := c.Mount("/sudo/settings")
	if v.Redirect() != "" {
		t.Fatalf("redirected to %q", v.Redirect())
	}
	a.clock.Advance(2 * time.Second)
	// Live navigation runs the hooks but not the middleware.
	if err := v.Navigate("/sudo/settings?tab=email"); err != nil {
		t.Fatal(err)
	}
	want := "/users/log-in?return_to=" + url.QueryEscape("/sudo/settings?tab=email")
	if v.Redirect() != want {
		t.Errorf("hook halted to %q, want %q", v.Redirect(), want)
	}
}

func TestLogInWithTokenKeepsTheGivenSessionAndEndsTheOldOne(t *testing.T) {
	a := newApp(t)
	alice := a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", false)
	old := cookie(c, "user_session")

	token, err := a.store.CreateSessionToken(t.Context(), alice, accounts.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequestWithContext(t.Context(), "POST", "/", nil)
	r.AddCookie(&http.Cookie{Name: "user_session", Value: old})
	w := httptest.NewRecorder()
	if err := a.auth.LogInWithToken(w, r, token, true); err != nil {
		t.Fatal(err)
	}
	resp := w.Result()
	ck, rem := setCookie(resp, "user_session"), setCookie(resp, "user_remember_me")
	if ck == nil || rem == nil || ck.Value != base64.RawURLEncoding.EncodeToString(token) || rem.Value != ck.Value {
		t.Fatalf("cookies %v and %v, want both set to the given token", ck, rem)
	}
	if a.valid(t, old) || !a.valid(t, ck.Value) {
		t.Error("the old session survived, or the given one did not")
	}
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("redirected to %q", loc)
	}
}

func TestSessionFromSocketIsTheCookiesSession(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", false)
	token, err := decode(cookie(c, "user_session"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(token)
	want := "<p id=\"session\">" + base64.RawURLEncoding.EncodeToString(sum[:8]) + "</p>"
	if v := c.Mount("/settings"); !v.Contains(want) {
		t.Errorf("the socket's session is not the cookie's: %s", v.HTML())
	}
}

func TestLogInAndLogOutRenewTheCSRFSecret(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	c.Mount("/users/log-in") // the dead render sets the CSRF cookie
	before := cookie(c, "_live_csrf")
	if before == "" {
		t.Fatal("no CSRF cookie after a page load")
	}
	logIn(t, c, "alice@example.com", false)
	afterLogIn := cookie(c, "_live_csrf")
	if afterLogIn == "" || afterLogIn == before {
		t.Errorf("login kept the CSRF secret")
	}
	post(t, c, "/users/log-out")
	if after := cookie(c, "_live_csrf"); after == "" || after == afterLogIn {
		t.Errorf("logout kept the CSRF secret")
	}
}

func TestAnEventThatRequiresSudoIsRefusedOnceSudoModeHasPassed(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", false)
	a.reauthAgo(t, cookie(c, "user_session"), 10*time.Minute-2*time.Second)
	v := c.Mount("/sudo/settings")
	if v.Redirect() != "" {
		t.Fatalf("redirected to %q", v.Redirect())
	}
	if err := v.Click("change_email", "email", "bob@example.com"); err != nil {
		t.Fatalf("in sudo mode: %v", err)
	}
	v.Await("Signed in as bob@example.com")

	// The page stays open; its events are checked each time they are called.
	a.clock.Advance(2 * time.Second)
	err := v.Click("change_email", "email", "mallory@example.com")
	var ee *livetest.EventError
	if !errors.As(err, &ee) || ee.Message != "not allowed" {
		t.Fatalf("after sudo mode: %v, want the reply \"not allowed\"", err)
	}
	if v.Contains("mallory") || v.Contains(web.SudoMessage) {
		t.Errorf("the refused event changed the page:\n%s", v.HTML())
	}
	if v.Redirect() != "" {
		t.Errorf("a refused event redirected to %q", v.Redirect())
	}
}

func TestRequirementsAreNamedForTheRouteTable(t *testing.T) {
	a := newApp(t)
	for _, r := range a.rt.RouteTable() {
		if r.Pattern == "/sudo/settings" && !slices.Equal(r.Requires, []string{"user", "sudo"}) {
			t.Errorf("/sudo/settings requires %q, want user then sudo", r.Requires)
		}
	}
}
