package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live/livetest"

	"github.com/liveapp/liveapp/template/internal/web"
)

// The forms that anyone may post, fuzzed against the app on a real database.
// Whatever bytes a field holds (a NUL, invalid UTF-8, a very long line), the
// answer is the form's usual one: a redirect back with a message, or an error
// next to the field, never a server error or database text. The seeds, in
// testdata/fuzz, run with go test; go test -fuzz=FuzzUserLogInForm (or another
// target) searches further.

// fuzzApp is the app the fuzz targets post to, with the rate limits off so
// that every input reaches the database.
func fuzzApp(f *testing.F) *testApp {
	return newApp(f, func(cfg *web.Config) { cfg.Accounts.RateLimits.Disabled = true })
}

// seedEmails are inputs every target starts from, besides its testdata.
var seedEmails = []string{"alice@example.com", "alice\x00@example.com", "alic\xe9@example.com", "\xff", ""}

func FuzzUserLogInForm(f *testing.F) {
	a := fuzzApp(f)
	if _, err := a.Accounts.Register(f.Context(), "alice@example.com", password); err != nil {
		f.Fatal(err)
	}
	for _, email := range seedEmails {
		f.Add(email, password, "")
	}
	f.Fuzz(func(t *testing.T, email, pass, token string) {
		c := a.browser(t)
		resp := postForm(t, c, "/users/log-in", "/users/log-in", url.Values{
			"email": {email}, "password": {pass}, "token": {token}})
		wellAnswered(t, c, resp)
	})
}

func FuzzUserMagicLinkForm(f *testing.F) {
	a := fuzzApp(f)
	for _, email := range seedEmails {
		f.Add(email)
	}
	f.Fuzz(func(t *testing.T, email string) {
		c := a.browser(t)
		resp := postForm(t, c, "/users/log-in", "/users/log-in/magic-link", url.Values{"email": {email}})
		wellAnswered(t, c, resp)
	})
}

func FuzzUserRegistrationForm(f *testing.F) {
	a := fuzzApp(f)
	for _, email := range seedEmails {
		f.Add(email)
	}
	f.Fuzz(func(t *testing.T, email string) {
		v := a.browser(t).Mount("/users/register")
		if err := v.SubmitForm("#registration-form", url.Values{"email": {email}}); err != nil {
			t.Fatalf("registering %q: %v", email, err)
		}
		if v.Redirect() != "/users/log-in" && !v.Contains(`id="email-error"`) {
			t.Fatalf("registering %q: neither registered nor refused: redirect %q, %s", email, v.Redirect(), v.HTML())
		}
	})
}

// wellAnswered asserts that resp, the answer to a form, redirects to a page
// that renders, and shows nothing of the database.
func wellAnswered(t *testing.T, c *livetest.Client, resp *http.Response) {
	t.Helper()
	to := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(to, "/") {
		t.Fatalf("answer %d to %q, want a redirect (303) within the site", resp.StatusCode, to)
	}
	status, _, body := c.Get(to)
	if status != http.StatusOK && status != http.StatusSeeOther {
		t.Fatalf("the page redirected to, %s: %d", to, status)
	}
	// Markers of server errors and database text; none can occur in the page's
	// base64url tokens.
	for _, leak := range []string{"SQLSTATE", "invalid byte sequence", "Internal Server Error", "accounts:"} {
		if strings.Contains(body, leak) {
			t.Fatalf("the page redirected to, %s, shows %q:\n%s", to, leak, body)
		}
	}
}
