package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

func TestAnonymousDeadRenderIsSentToLogIn(t *testing.T) {
	a := newApp(t)
	v := livetest.Mount(t, a.handler, "/settings")
	if v.Redirect() != "/users/log-in" {
		t.Errorf("anonymous GET /settings redirected to %q, want /users/log-in", v.Redirect())
	}
}

func TestConnectedMountOfRevokedSessionIsSentToLogIn(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", false)
	a.revokeAfterDeadRender.Store(true)
	v := c.Mount("/settings")
	if v.Redirect() != "/users/log-in" {
		t.Errorf("connected mount of a revoked session redirected to %q, want /users/log-in", v.Redirect())
	}
}

func TestLogInSetsSessionCookie(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	resp := logIn(t, c, "alice@example.com", false)
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("login redirected to %q, want /", loc)
	}
	ck := setCookie(resp, "user_session")
	if ck == nil {
		t.Fatal("login set no session cookie")
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.MaxAge != 0 {
		t.Errorf("session cookie %v: want HttpOnly, SameSite=Lax, Path=/, no Max-Age", ck)
	}
	if setCookie(resp, "user_remember_me") != nil {
		t.Error("login without remember-me set a remember-me cookie")
	}
	if !a.valid(t, ck.Value) {
		t.Error("the session cookie's token is not valid")
	}
	v := c.Mount("/settings")
	if !v.Contains("Signed in as alice@example.com") {
		t.Errorf("settings after login: %s (redirect %q)", v.HTML(), v.Redirect())
	}
}

func TestTokenChangesOnEveryLogIn(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	a.register(t, "bob@example.com")
	c := livetest.NewClient(t, a.handler)

	// An attacker plants a session of their own before the victim logs in.
	planted := livetest.NewClient(t, a.handler)
	logIn(t, planted, "bob@example.com", false)
	c.SetCookie(&http.Cookie{Name: "user_session", Value: cookie(planted, "user_session"), Path: "/"})

	logIn(t, c, "alice@example.com", false)
	first := cookie(c, "user_session")
	if first == cookie(planted, "user_session") || a.valid(t, cookie(planted, "user_session")) {
		t.Error("login kept or left valid the planted session token")
	}
	logIn(t, c, "alice@example.com", false)
	second := cookie(c, "user_session")
	if second == first || a.valid(t, first) || !a.valid(t, second) {
		t.Error("a second login did not replace the token")
	}
	logIn(t, c, "bob@example.com", false)
	if a.valid(t, second) {
		t.Error("logging in as another user left the previous session valid")
	}
	if v := c.Mount("/settings"); !v.Contains("Signed in as bob@example.com") {
		t.Errorf("settings after login as bob: %s", v.HTML())
	}
}

func TestLogOutRevokesTokenAndClosesSockets(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", true)
	token := cookie(c, "user_session")
	v := c.Mount("/settings")
	if !v.Contains("alice@example.com") {
		t.Fatalf("settings: %s", v.HTML())
	}
	resp := post(t, c, "/users/log-out")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("logout: %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code := v.AwaitClose(); code != live.CloseDisconnect {
		t.Errorf("open socket closed with %d, want %d", code, live.CloseDisconnect)
	}
	if a.valid(t, token) {
		t.Error("the token is still valid after logout")
	}
	if cookie(c, "user_session") != "" || cookie(c, "user_remember_me") != "" {
		t.Error("logout left session cookies")
	}
	// Even a browser that kept the cookie cannot use it.
	c.SetCookie(&http.Cookie{Name: "user_session", Value: token, Path: "/"})
	if v := c.Mount("/settings"); v.Redirect() != "/users/log-in" {
		t.Errorf("the old token mounted /settings (redirect %q)", v.Redirect())
	}
}

func TestRememberMeLogsInWithoutSessionCookie(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	resp := logIn(t, c, "alice@example.com", true)
	ck := setCookie(resp, "user_remember_me")
	if ck == nil || ck.MaxAge != 14*24*60*60 || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("remember-me cookie %v: want HttpOnly, SameSite=Lax, Max-Age 14 days", ck)
	}
	// The browser was closed: the session cookie is gone.
	c.SetCookie(&http.Cookie{Name: "user_session", Path: "/", MaxAge: -1})
	v := c.Mount("/settings")
	if !v.Contains("Signed in as alice@example.com") {
		t.Fatalf("remember-me did not log in: redirect %q, %s", v.Redirect(), v.HTML())
	}
	if cookie(c, "user_session") == "" {
		t.Error("the session cookie was not set again")
	}
}

func TestWithoutRememberMeClosingTheBrowserLogsOut(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", false)
	c.SetCookie(&http.Cookie{Name: "user_session", Path: "/", MaxAge: -1})
	if v := c.Mount("/settings"); v.Redirect() != "/users/log-in" {
		t.Errorf("redirect %q, want /users/log-in", v.Redirect())
	}
}

func TestRevalidationClosesSocketOfDeletedSession(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", false)
	v := c.Mount("/settings")
	if !v.Contains("alice@example.com") {
		t.Fatalf("settings: %s", v.HTML())
	}
	token, _ := decode(cookie(c, "user_session"))
	// Deleted without a Disconnect broadcast, as by an admin in the database.
	if err := a.store.DeleteSessionToken(t.Context(), token); err != nil {
		t.Fatal(err)
	}
	if code := v.AwaitClose(); code != live.CloseRevalidation {
		t.Errorf("socket closed with %d, want %d", code, live.CloseRevalidation)
	}
}

func TestLogInReturnsToLocalPathsOnly(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")

	c := livetest.NewClient(t, a.handler)
	if v := c.Mount("/settings?tab=email"); v.Redirect() != "/users/log-in" {
		t.Fatalf("redirect %q", v.Redirect())
	}
	if loc := logIn(t, c, "alice@example.com", false).Header.Get("Location"); loc != "/settings?tab=email" {
		t.Errorf("login redirected to %q, want the remembered /settings?tab=email", loc)
	}
	if loc := logIn(t, c, "alice@example.com", false).Header.Get("Location"); loc != "/" {
		t.Errorf("second login redirected to %q, want / (the return-to path is used once)", loc)
	}

	for _, to := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "evil"} {
		t.Run(to, func(t *testing.T) {
			c := livetest.NewClient(t, a.handler)
			c.SetCookie(&http.Cookie{Name: "user_return_to", Value: url.QueryEscape(to), Path: "/"})
			if loc := logIn(t, c, "alice@example.com", false).Header.Get("Location"); loc != "/" {
				t.Errorf("login redirected to %q, want /", loc)
			}
		})
	}
}

func TestLoggedInUserIsSentAwayFromLogIn(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	if v := c.Mount("/users/log-in"); !v.Contains("Log in") {
		t.Fatalf("anonymous login page: redirect %q", v.Redirect())
	}
	logIn(t, c, "alice@example.com", false)
	if v := c.Mount("/users/log-in"); v.Redirect() != "/" {
		t.Errorf("logged-in GET /users/log-in redirected to %q, want /", v.Redirect())
	}
}

func TestOldSessionIsReissued(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", true)
	old := cookie(c, "user_session")
	v := c.Mount("/settings")
	a.age(t, old, 8*24*time.Hour)

	status, _, _ := c.Get("/settings")
	if status != http.StatusOK {
		t.Fatalf("GET /settings: %d", status)
	}
	fresh := cookie(c, "user_session")
	if fresh == old || a.valid(t, old) || !a.valid(t, fresh) {
		t.Error("an old session was not replaced by a new token")
	}
	if cookie(c, "user_remember_me") != fresh {
		t.Error("the remember-me cookie was not rewritten with the new token")
	}
	if code := v.AwaitClose(); code != live.CloseDisconnect {
		t.Errorf("socket of the replaced token closed with %d, want %d", code, live.CloseDisconnect)
	}
	if v := c.Mount("/settings"); !v.Contains("alice@example.com") {
		t.Errorf("settings with the new token: redirect %q", v.Redirect())
	}
}

func TestSecureCookiesUseHostPrefix(t *testing.T) {
	a := newApp(t)
	a.auth.SecureCookies = true
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	resp := logIn(t, c, "alice@example.com", true)
	for _, name := range []string{"__Host-user_session", "__Host-user_remember_me"} {
		ck := setCookie(resp, name)
		if ck == nil || !ck.Secure || !ck.HttpOnly || ck.Path != "/" || ck.Domain != "" {
			t.Errorf("%s: %v, want Secure, HttpOnly, Path=/, host-only", name, ck)
		}
	}
	if setCookie(resp, "user_session") != nil {
		t.Error("an unprefixed session cookie was set")
	}

	// A cookie without the prefix, which a sibling subdomain could set, is ignored.
	other := livetest.NewClient(t, a.handler)
	value := setCookie(resp, "__Host-user_session").Value
	other.SetCookie(&http.Cookie{Name: "user_session", Value: value, Path: "/"})
	if v := other.Mount("/settings"); v.Redirect() != "/users/log-in" {
		t.Errorf("an unprefixed cookie logged in (redirect %q)", v.Redirect())
	}
}

func TestLogOutOfSessionDueForReissueLeavesNoToken(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := livetest.NewClient(t, a.handler)
	logIn(t, c, "alice@example.com", true)
	a.age(t, cookie(c, "user_session"), 8*24*time.Hour)
	// FetchCurrentUser reissues the token in the logout request itself.
	post(t, c, "/users/log-out")
	var n int
	if err := a.db.QueryRow(t.Context(), "SELECT count(*) FROM users_tokens").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d session tokens left after logout, want 0", n)
	}
}
