package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live"

	"github.com/liveapp/liveapp/template/internal/web"
)

func TestNavShowsTheCurrentUser(t *testing.T) {
	a := newApp(t)
	c := a.browser(t)
	_, _, body := c.Get("/")
	if !strings.Contains(body, `href="/users/register"`) || !strings.Contains(body, `href="/users/log-in"`) {
		t.Errorf("anonymous nav has no Register and Log in links:\n%s", body)
	}
	c, _ = a.loggedIn(t, "alice@example.com")
	_, _, body = c.Get("/")
	for _, want := range []string{`<span class="nav-user" id="nav-user">alice@example.com</span>`, `href="/users/settings"`, `action="/users/log-out"`} {
		if !strings.Contains(body, want) {
			t.Errorf("logged-in nav lacks %s:\n%s", want, body)
		}
	}
}

func TestLogInAndOut(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := a.browser(t)

	redirected(t, logIn(t, c, "alice@example.com", "wrong password!", false), "/users/log-in?email=alice%40example.com")
	if v := c.Mount("/users/log-in?email=alice%40example.com"); !v.Contains("Invalid email or password.") {
		t.Errorf("a wrong password shows no error: %s", v.HTML())
	}
	redirected(t, logIn(t, c, "nobody@example.com", password, false), "/users/log-in?email=nobody%40example.com")

	redirected(t, logIn(t, c, "alice@example.com", password, false), "/")
	home := c.Mount("/")
	if !home.Contains("Welcome back!") || !home.Contains("alice@example.com") {
		t.Errorf("home after login: %s", home.HTML())
	}
	// liveapp:projects begin
	projects := c.Mount("/projects")
	if projects.Redirect() != "" {
		t.Fatalf("a logged-in user was sent to %s", projects.Redirect())
	}
	// liveapp:projects else
	// tab := c.Mount("/users/sessions")
	// if tab.Redirect() != "" {
	// 	t.Fatalf("a logged-in user was sent to %s", tab.Redirect())
	// }
	// liveapp:projects end

	resp := postForm(t, c, "/", "/users/log-out", url.Values{})
	redirected(t, resp, "/")
	// liveapp:projects begin
	if code := projects.AwaitClose(); code != live.CloseDisconnect {
		// liveapp:projects else
		// if code := tab.AwaitClose(); code != live.CloseDisconnect {
		// liveapp:projects end
		t.Errorf("logging out closed the open tab with %d, want %d", code, live.CloseDisconnect)
	}
	if v := c.Mount("/"); !v.Contains("Logged out successfully.") || v.Contains("alice@example.com") {
		t.Errorf("home after logout: %s", v.HTML())
	}
	// liveapp:projects begin
	if v := c.Mount("/projects"); v.Redirect() != "/users/log-in" {
		t.Errorf("after logout, /projects redirected to %q", v.Redirect())
	}
	// liveapp:projects else
	// if v := c.Mount("/users/sessions"); v.Redirect() != "/users/log-in" {
	// 	t.Errorf("after logout, /users/sessions redirected to %q", v.Redirect())
	// }
	// liveapp:projects end
}

func TestLoggedInUsersAreSentAwayFromRegistration(t *testing.T) {
	a := newApp(t)
	c, _ := a.loggedIn(t, "alice@example.com")
	if v := c.Mount("/users/register"); v.Redirect() != "/" {
		t.Errorf("GET /users/register: redirect %q, want /", v.Redirect())
	}
}

func TestFormsNeedACSRFToken(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := a.browser(t)
	for _, path := range []string{"/users/log-in", "/users/log-out", "/users/log-in/magic-link", "/users/update-password"} {
		resp := post(t, c, path, url.Values{"email": {"alice@example.com"}, "password": {password}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d, want 403", path, resp.StatusCode)
		}
	}
}

func TestRevokedSessionIsSentToLogIn(t *testing.T) {
	a := newApp(t, func(c *web.Config) { c.RevalidateEvery = 50 * time.Millisecond })
	c, user := a.loggedIn(t, "alice@example.com")
	// liveapp:projects begin
	v := c.Mount("/projects")
	// liveapp:projects else
	// v := c.Mount("/users/sessions")
	// liveapp:projects end
	// Delete the session behind the app's back, as another node or an admin
	// might: revalidation closes the socket, and the remount is refused.
	sessions, err := a.Accounts.ListSessions(t.Context(), accounts.Scope{User: user})
	if err != nil || len(sessions) != 1 {
		t.Fatalf("sessions: %v (%v)", sessions, err)
	}
	if _, err := a.db.Exec(t.Context(), "DELETE FROM users_tokens WHERE id = $1", sessions[0].ID); err != nil {
		t.Fatal(err)
	}
	if code := v.AwaitClose(); code != live.CloseRevalidation {
		t.Errorf("socket closed with %d, want %d", code, live.CloseRevalidation)
	}
	// liveapp:projects begin
	if v := c.Mount("/projects"); v.Redirect() != "/users/log-in" {
		t.Errorf("after revocation: redirect %q, want /users/log-in", v.Redirect())
	}
	// liveapp:projects else
	// if v := c.Mount("/users/sessions"); v.Redirect() != "/users/log-in" {
	// 	t.Errorf("after revocation: redirect %q, want /users/log-in", v.Redirect())
	// }
	// liveapp:projects end
}

func TestTooManyLogInAttempts(t *testing.T) {
	a := newApp(t, func(cfg *web.Config) {
		cfg.Accounts.RateLimits.PerIPAndEmail = accounts.Limit{Max: 2, Window: time.Minute}
	})
	a.register(t, "alice@example.com")
	c := a.browser(t)
	for range 2 {
		logIn(t, c, "alice@example.com", "wrong password!", false)
	}
	redirected(t, logIn(t, c, "alice@example.com", password, false), "/users/log-in?email=alice%40example.com")
	if v := c.Mount("/users/log-in"); !v.Contains("Too many attempts, try again later.") {
		t.Errorf("login page: %s", v.HTML())
	}
}

func TestAFailedLogInKeepsTheEmail(t *testing.T) {
	a := newApp(t)
	a.register(t, "alice@example.com")
	c := a.browser(t)
	resp := logIn(t, c, "alice@example.com", "wrong password!", false)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a wrong password: %d", resp.StatusCode)
	}
	page := c.Mount(resp.Header.Get("Location"))
	for name, html := range map[string]string{"dead render": page.DeadHTML(), "connected": page.HTML()} {
		if !strings.Contains(html, `id="email" name="email" value="alice@example.com"`) || !strings.Contains(html, "Invalid email or password.") {
			t.Errorf("%s of the login page after a wrong password: %s", name, html)
		}
		if strings.Contains(html, "readonly") {
			t.Errorf("%s: the email may be corrected, but it is read-only: %s", name, html)
		}
	}

	// What the page shows back is only ever text an email could be.
	for _, bad := range []string{"alice%00@example.com", "alic%E9@example.com", strings.Repeat("a", 200) + "%40example.com"} {
		if v := c.Mount("/users/log-in?email=" + bad); !v.Contains(`id="email" name="email" value autocomplete="username"`) {
			t.Errorf("?email=%s was shown back: %s", bad, v.HTML())
		}
	}
}

func TestAnOversizeFormIsTooLargeNotACSRFFailure(t *testing.T) {
	a := newApp(t)
	c := a.browser(t)
	resp := postForm(t, c, "/users/log-in", "/users/log-in", url.Values{
		"email": {strings.Repeat("a", 2<<20) + "@example.com"}, "password": {password}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MiB login form: %d, want 413", resp.StatusCode)
	}
}
