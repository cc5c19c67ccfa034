package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
	"github.com/liveapp/liveapp/mail"

	"github.com/liveapp/liveapp/template/internal/web"
)

var reLink = regexp.MustCompile(`https?://[^/\s]+(/\S+)`)

// lastMail returns the newest email sent to to, once the app has sent
// everything it was sending, and the path of the link it carries.
func (a *testApp) lastMail(t *testing.T, to string) (mail.Delivered, string) {
	t.Helper()
	if err := a.Accounts.WaitForMail(livetest.Context(t)); err != nil {
		t.Fatal(err)
	}
	for _, m := range a.mailbox.Messages() {
		if m.To == to {
			link := reLink.FindStringSubmatch(m.Text)
			if link == nil {
				t.Fatalf("the email to %s has no link:\n%s", to, m.Text)
			}
			return m, link[1]
		}
	}
	t.Fatalf("no email to %s", to)
	return mail.Delivered{}, ""
}

// leaveSudoMode backdates the user's sessions' last authentication past the
// sudo window.
func (a *testApp) leaveSudoMode(t *testing.T, user *accounts.User) {
	t.Helper()
	_, err := a.db.Exec(t.Context(),
		"UPDATE users_tokens SET authenticated_at = now() - interval '1 day' WHERE user_id = $1 AND context = 'session'", user.ID)
	if err != nil {
		t.Fatal(err)
	}
}

func TestRegisterThenConfirmByEmail(t *testing.T) {
	a := newApp(t)
	c := a.browser(t)
	v := c.Mount("/users/register")
	if err := v.SubmitForm("#registration-form", url.Values{"email": {"not an email"}}); err != nil {
		t.Fatal(err)
	}
	if !v.Contains(`id="email-error"`) {
		t.Fatalf("an invalid email was not refused inline: %s", v.HTML())
	}
	if err := v.SubmitForm("#registration-form", url.Values{"email": {"alice@example.com"}}); err != nil {
		t.Fatal(err)
	}
	// The flash ("An email was sent to...") rides on the redirect, which the
	// browser client carries to the next page; livetest does not.
	if v.Redirect() != "/users/log-in" {
		t.Fatalf("after registering: redirect %q, HTML %s", v.Redirect(), v.HTML())
	}
	m, link := a.lastMail(t, "alice@example.com")
	if m.Subject != "Confirm your email address" {
		t.Errorf("subject %q", m.Subject)
	}
	page := c.Mount(link)
	if !page.Contains("Welcome alice@example.com") || !page.Contains("Confirm and stay logged in") {
		t.Fatalf("link page: redirect %q, HTML %s", page.Redirect(), page.HTML())
	}
	token := strings.TrimPrefix(link, "/users/log-in/")
	redirected(t, postForm(t, c, link, "/users/log-in", url.Values{"token": {token}, "remember_me": {"true"}}), "/")
	if home := c.Mount("/"); !home.Contains("Your email is confirmed.") || !home.Contains("alice@example.com") {
		t.Errorf("home after confirming: %s", home.HTML())
	}
	// A link works once.
	if again := c.Mount(link); again.Redirect() != "/users/log-in" {
		t.Errorf("a used link: redirect %q", again.Redirect())
	}
}

func TestRegisteringATakenEmailAnswersAsForANewOne(t *testing.T) {
	a := newApp(t)
	if _, err := a.Accounts.Register(t.Context(), "alice@example.com", ""); err != nil {
		t.Fatal(err)
	}
	// The page behaves the same for both: no inline error, the same redirect.
	for _, email := range []string{"alice@example.com", "bob@example.com"} {
		v := a.browser(t).Mount("/users/register")
		if err := v.SubmitForm("#registration-form", url.Values{"email": {email}}); err != nil {
			t.Fatal(err)
		}
		if v.Contains(`id="email-error"`) || v.Redirect() != "/users/log-in" {
			t.Fatalf("registering %s: redirect %q, %s", email, v.Redirect(), v.HTML())
		}
	}
	// The owner of the taken address gets a link that logs in, and no second
	// account was made.
	c := a.browser(t)
	_, link := a.lastMail(t, "alice@example.com")
	token := strings.TrimPrefix(link, "/users/log-in/")
	redirected(t, postForm(t, c, link, "/users/log-in", url.Values{"token": {token}}), "/")
	if home := c.Mount("/"); !home.Contains("alice@example.com") {
		t.Errorf("the taken address's link did not log its owner in: %s", home.HTML())
	}
	var n int
	if err := a.db.QueryRow(t.Context(), "SELECT count(*) FROM users WHERE email = 'alice@example.com'").Scan(&n); err != nil || n != 1 {
		t.Errorf("%d accounts for alice@example.com (%v), want 1", n, err)
	}
	if _, link := a.lastMail(t, "bob@example.com"); link == "" {
		t.Error("no link for the new address")
	}
}

func TestLogInByMagicLink(t *testing.T) {
	a := newApp(t)
	if _, err := a.Accounts.Register(t.Context(), "alice@example.com", ""); err != nil {
		t.Fatal(err)
	}
	c := a.browser(t)
	// The answer is the same whether or not the email has an account.
	for _, email := range []string{"nobody@example.com", "alice@example.com"} {
		resp := postForm(t, c, "/users/log-in", "/users/log-in/magic-link", url.Values{"email": {email}})
		redirected(t, resp, "/users/log-in")
		if v := c.Mount("/users/log-in"); !v.Contains("If your email is in our system") {
			t.Errorf("after asking a link for %s: %s", email, v.HTML())
		}
	}
	_, link := a.lastMail(t, "alice@example.com")
	if len(a.mailbox.Messages()) != 1 {
		t.Errorf("%d emails sent, want 1", len(a.mailbox.Messages()))
	}
	token := strings.TrimPrefix(link, "/users/log-in/")
	redirected(t, postForm(t, c, link, "/users/log-in", url.Values{"token": {token}}), "/")
	// liveapp:projects begin
	if v := c.Mount("/projects"); v.Redirect() != "" {
		t.Errorf("logged in by link, /projects redirected to %q", v.Redirect())
	}
	// liveapp:projects else
	// if v := c.Mount("/users/sessions"); v.Redirect() != "" {
	// 	t.Errorf("logged in by link, /users/sessions redirected to %q", v.Redirect())
	// }
	// liveapp:projects end
	if v := c.Mount("/users/settings"); v.Redirect() != "" {
		t.Errorf("a magic link login should start sudo mode: redirect %q", v.Redirect())
	}
}

func TestSettingsNeedSudoMode(t *testing.T) {
	a := newApp(t)
	c, user := a.loggedIn(t, "alice@example.com")
	if v := c.Mount("/users/settings"); !v.Contains("Change email") {
		t.Fatalf("settings right after login: redirect %q, HTML %s", v.Redirect(), v.HTML())
	}
	a.leaveSudoMode(t, user)
	const back = "/users/log-in?return_to=%2Fusers%2Fsettings"
	if v := c.Mount("/users/settings"); v.Redirect() != back {
		t.Fatalf("settings outside sudo mode: redirect %q, want %q", v.Redirect(), back)
	}
	page := c.Mount(back)
	for name, html := range map[string]string{"dead render": page.DeadHTML(), "connected": page.HTML()} {
		if !strings.Contains(html, `id="reauth"`) || !strings.Contains(html, `value="alice@example.com"`) ||
			!strings.Contains(html, `name="return_to" value="/users/settings"`) {
			t.Errorf("%s of the login page for re-authentication: %s", name, html)
		}
		// The notice says why; an error flash would say it again, in red.
		if strings.Contains(html, "flash-error") {
			t.Errorf("%s of the login page for re-authentication shows an error: %s", name, html)
		}
	}
	// A wrong password keeps the way back.
	resp := postForm(t, c, back, "/users/log-in", url.Values{
		"email": {"alice@example.com"}, "password": {"wrong password!"}, "return_to": {"/users/settings"}})
	redirected(t, resp, "/users/log-in?email=alice%40example.com&return_to=%2Fusers%2Fsettings")
	if again := c.Mount(resp.Header.Get("Location")); !again.Contains("Invalid email or password.") || !again.Contains(`id="reauth"`) {
		t.Errorf("re-authentication after a wrong password: %s", again.HTML())
	}
	resp = postForm(t, c, back, "/users/log-in", url.Values{
		"email": {"alice@example.com"}, "password": {password}, "return_to": {"/users/settings"}})
	redirected(t, resp, "/users/settings")
	if v := c.Mount("/users/settings"); v.Redirect() != "" {
		t.Errorf("settings after re-authenticating: redirect %q", v.Redirect())
	}
}

func TestChangeEmail(t *testing.T) {
	a := newApp(t)
	c, _ := a.loggedIn(t, "alice@example.com")
	v := c.Mount("/users/settings")
	if err := v.SubmitForm("#email-form", url.Values{"email": {"alice@example.com"}}); err != nil {
		t.Fatal(err)
	}
	if !v.Contains("Email did not change") {
		t.Errorf("the same email was not refused: %s", v.HTML())
	}
	if err := v.SubmitForm("#email-form", url.Values{"email": {"alice@example.org"}}); err != nil {
		t.Fatal(err)
	}
	if !v.Contains("A link to confirm your email change has been sent") {
		t.Fatalf("after asking: %s", v.HTML())
	}
	_, link := a.lastMail(t, "alice@example.org")
	if got := c.Mount(link); got.Redirect() != "/users/settings" {
		t.Fatalf("confirm link: redirect %q", got.Redirect())
	}
	v = c.Mount("/users/settings")
	if !v.Contains("Email changed successfully.") || !v.Contains(`<strong id="current-email">alice@example.org</strong>`) {
		t.Errorf("settings after the change: %s", v.HTML())
	}
	// Another user cannot use the link, and it works once anyway.
	other, _ := a.loggedIn(t, "bob@example.com")
	if got := other.Mount(link); got.Redirect() != "/users/settings" {
		t.Errorf("bob's use of alice's link: redirect %q", got.Redirect())
	}
}

func TestRegistrationAndEmailChangeValidateAsYouType(t *testing.T) {
	a := newApp(t)
	c, _ := a.loggedIn(t, "alice@example.com")
	for _, form := range []struct {
		page, field, same string // same: an address the form refuses as unchanged
	}{
		{"/users/register", "#email", ""},
		{"/users/settings", "#new-email", "ALICE@example.com"},
	} {
		v := a.browser(t).Mount(form.page)
		if form.page == "/users/settings" {
			v = c.Mount(form.page)
		}
		change := func(email string) {
			t.Helper()
			if err := v.ChangeForm(form.field, url.Values{"email": {email}}); err != nil {
				t.Fatal(err)
			}
		}
		if v.Contains(`class="error"`) {
			t.Errorf("%s: an error before any typing: %s", form.page, v.HTML())
		}
		change("alice")
		if !v.Contains("Email must have the @ sign and no spaces") || !v.Contains(`class="field invalid"`) {
			t.Errorf("%s: a malformed address shows no error as it is typed: %s", form.page, v.HTML())
		}
		change("")
		if !v.Contains("Email can't be blank") {
			t.Errorf("%s: a cleared field shows no error: %s", form.page, v.HTML())
		}
		if form.same != "" {
			change(form.same)
			if !v.Contains("Email did not change") {
				t.Errorf("%s: the current address shows no error: %s", form.page, v.HTML())
			}
		}
		change("someone@example.net")
		if v.Contains(`class="error"`) {
			t.Errorf("%s: a good address still shows an error: %s", form.page, v.HTML())
		}
	}
}

func TestChangePasswordLogsOutOtherSessions(t *testing.T) {
	a := newApp(t)
	c, _ := a.loggedIn(t, "alice@example.com")
	elsewhere := a.browser(t)
	logIn(t, elsewhere, "alice@example.com", password, false)
	// liveapp:projects begin
	otherTab := elsewhere.Mount("/projects")
	thisTab := c.Mount("/projects")
	// liveapp:projects else
	// otherTab := elsewhere.Mount("/users/sessions")
	// thisTab := c.Mount("/users/sessions")
	// liveapp:projects end

	settings := c.Mount("/users/settings")
	if err := settings.ChangeForm("#password", url.Values{"password": {"short"}}); err != nil {
		t.Fatal(err)
	}
	if !settings.Contains("Password should be at least 12 characters") {
		t.Errorf("a short password was not flagged: %s", settings.HTML())
	}
	const newPassword = "a brand new passphrase"
	resp := postForm(t, c, "/users/settings", "/users/update-password",
		url.Values{"password": {newPassword}, "password_confirmation": {"something else"}})
	redirected(t, resp, "/users/settings")
	resp = postForm(t, c, "/users/settings", "/users/update-password",
		url.Values{"password": {newPassword}, "password_confirmation": {newPassword}})
	redirected(t, resp, "/")

	if code := otherTab.AwaitClose(); code != live.CloseDisconnect {
		t.Errorf("the other browser's tab closed with %d, want %d", code, live.CloseDisconnect)
	}
	if code := thisTab.AwaitClose(); code != live.CloseDisconnect {
		t.Errorf("this browser's old tab closed with %d, want %d", code, live.CloseDisconnect)
	}
	// liveapp:projects begin
	if v := elsewhere.Mount("/projects"); v.Redirect() != "/users/log-in" {
		// liveapp:projects else
		// if v := elsewhere.Mount("/users/sessions"); v.Redirect() != "/users/log-in" {
		// liveapp:projects end
		t.Errorf("the other browser is still logged in: redirect %q", v.Redirect())
	}
	if v := c.Mount("/"); !v.Contains("Password updated successfully.") || !v.Contains("alice@example.com") {
		t.Errorf("this browser after the change: %s", v.HTML())
	}
	redirected(t, logIn(t, a.browser(t), "alice@example.com", newPassword, false), "/")
	redirected(t, logIn(t, a.browser(t), "alice@example.com", password, false), "/users/log-in?email=alice%40example.com")
}

func TestSessionsList(t *testing.T) {
	a := newApp(t)
	c, user := a.loggedIn(t, "alice@example.com")
	phone, laptop := a.browser(t), a.browser(t)
	logIn(t, phone, "alice@example.com", password, false)
	logIn(t, laptop, "alice@example.com", password, false)
	// liveapp:projects begin
	phoneTab, laptopTab := phone.Mount("/projects"), laptop.Mount("/projects")
	// liveapp:projects else
	// phoneTab, laptopTab := phone.Mount("/users/sessions"), laptop.Mount("/users/sessions")
	// liveapp:projects end
	_, bob := a.loggedIn(t, "bob@example.com")

	v := c.Mount("/users/sessions")
	if n := strings.Count(v.HTML(), `<tr id="session-`); n != 3 {
		t.Fatalf("%d sessions listed, want 3: %s", n, v.HTML())
	}
	if n := strings.Count(v.HTML(), "This device"); n != 1 {
		t.Errorf("%d sessions marked as this device, want 1", n)
	}
	sessions, err := a.Accounts.ListSessions(t.Context(), accounts.Scope{User: user})
	if err != nil {
		t.Fatal(err)
	}
	// sessions are newest first: laptop, phone, this browser.
	if err := v.ClickElement(fmt.Sprintf("#session-%d button", sessions[1].ID)); err != nil {
		t.Fatal(err)
	}
	if code := phoneTab.AwaitClose(); code != live.CloseDisconnect {
		t.Errorf("the revoked session's tab closed with %d, want %d", code, live.CloseDisconnect)
	}
	// liveapp:projects begin
	if got := phone.Mount("/projects"); got.Redirect() != "/users/log-in" {
		// liveapp:projects else
		// if got := phone.Mount("/users/sessions"); got.Redirect() != "/users/log-in" {
		// liveapp:projects end
		t.Errorf("the revoked browser: redirect %q", got.Redirect())
	}
	if n := strings.Count(v.HTML(), `<tr id="session-`); n != 2 {
		t.Errorf("%d sessions listed after revoking one, want 2", n)
	}

	// Someone else's session id, which no page shows alice, changes nothing.
	bobs, _ := a.Accounts.ListSessions(t.Context(), accounts.Scope{User: bob})
	if err := v.Click("revoke", "id", fmt.Sprint(bobs[0].ID)); err != nil {
		t.Fatal(err)
	}
	if left, _ := a.Accounts.ListSessions(t.Context(), accounts.Scope{User: bob}); len(left) != 1 {
		t.Errorf("bob has %d sessions after alice revoked his, want 1", len(left))
	}

	if err := v.ClickElement("#revoke-others"); err != nil {
		t.Fatal(err)
	}
	if code := laptopTab.AwaitClose(); code != live.CloseDisconnect {
		t.Errorf("the other session's tab closed with %d, want %d", code, live.CloseDisconnect)
	}
	if n := strings.Count(v.HTML(), `<tr id="session-`); n != 1 || !v.Contains("This device") {
		t.Errorf("after logging out the others: %s", v.HTML())
	}
	// liveapp:projects begin
	if got := c.Mount("/projects"); got.Redirect() != "" {
		// liveapp:projects else
		// if got := c.Mount("/users/sessions"); got.Redirect() != "" {
		// liveapp:projects end
		t.Errorf("this browser was logged out too: redirect %q", got.Redirect())
	}
}

func TestDevMailboxOnlyInDev(t *testing.T) {
	dev := newApp(t)
	if status, _, _ := dev.browser(t).Get("/dev/mailbox"); status != http.StatusOK {
		t.Errorf("dev: GET /dev/mailbox: %d, want 200", status)
	}
	prod := newApp(t, func(cfg *web.Config) { cfg.Dev = false })
	if status, _, _ := prod.browser(t).Get("/dev/mailbox"); status != http.StatusNotFound {
		t.Errorf("prod: GET /dev/mailbox: %d, want 404", status)
	}
}

func TestBadBytesInTheSettingsFormsAreValidationErrors(t *testing.T) {
	a := newApp(t)
	c, _ := a.loggedIn(t, "alice@example.com")
	v := c.Mount("/users/settings")
	if err := v.SubmitForm("#email-form", url.Values{"email": {"alice\x00@example.org"}}); err != nil {
		t.Fatalf("a NUL byte in the new email: %v", err)
	}
	if !v.Contains("Email must be valid text") {
		t.Errorf("a NUL byte in the new email: %s", v.HTML())
	}
	if err := v.ChangeForm("#password", url.Values{"password": {"a brand new\x00passphrase"}}); err != nil {
		t.Fatal(err)
	}
	if !v.Contains("Password must be valid text") {
		t.Errorf("a NUL byte in the new password, as typed: %s", v.HTML())
	}
	const bad = "a brand new\x00passphrase"
	resp := postForm(t, c, "/users/settings", "/users/update-password",
		url.Values{"password": {bad}, "password_confirmation": {bad}})
	redirected(t, resp, "/users/settings")
	if v := c.Mount("/users/settings"); !v.Contains("Password must be valid text.") {
		t.Errorf("a NUL byte in the new password, posted: %s", v.HTML())
	}
}
