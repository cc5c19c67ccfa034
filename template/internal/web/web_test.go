package web_test

import (
	"context"
	// liveapp:auth begin
	"net/http"
	// liveapp:auth end
	"net/url"
	// liveapp:auth begin
	"regexp"
	"strings"
	// liveapp:auth end
	"testing"
	// liveapp:auth begin
	"time"
	// liveapp:auth end

	"github.com/jackc/pgx/v5/pgxpool"

	// liveapp:auth begin
	"github.com/liveapp/liveapp/accounts"
	// liveapp:auth end
	"github.com/liveapp/liveapp/live/livetest"
	"github.com/liveapp/liveapp/live/pubsub/pgpubsub"
	// liveapp:auth begin
	"github.com/liveapp/liveapp/mail"
	// liveapp:auth end
	"github.com/liveapp/liveapp/pgtest"

	"github.com/liveapp/liveapp/template/internal/web"
	"github.com/liveapp/liveapp/template/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// liveapp:auth begin
// cheap are argon2id parameters that make tests fast. Never use them outside
// tests: they make passwords easy to crack.
var cheap = accounts.HashParams{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

const password = "correct horse battery staple"

// liveapp:auth end

// liveapp:auth begin
// testApp is the app on a fresh database, with the emails it sends.
// liveapp:auth else
// // testApp is the app on a fresh database.
// liveapp:auth end
type testApp struct {
	*web.App
	db *pgxpool.Pool
	// liveapp:auth begin
	mailbox *mail.DevMailbox
	// liveapp:auth end
}

// newApp builds the app as main does, in dev mode, on a fresh migrated
// database, with the in-process PubSub (see onPostgres for main's).
// configure, if given, adjusts the configuration first.
func newApp(t testing.TB, configure ...func(*web.Config)) *testApp {
	t.Helper()
	return newAppOn(t, pgtest.New(t, pgtest.WithTemplate("app", migrations.Apply)), configure...)
}

// newAppOn is newApp on db, which another app may share.
func newAppOn(t testing.TB, db *pgxpool.Pool, configure ...func(*web.Config)) *testApp {
	t.Helper()
	// liveapp:auth begin
	mailbox := &mail.DevMailbox{}
	// liveapp:auth end
	cfg := web.Config{
		DB:        db,
		Secret:    []byte("test secret, test secret, test secret!"),
		Dev:       true,
		PublicURL: &url.URL{Scheme: "http", Host: livetest.Host},
		// liveapp:auth begin
		Mailer:   mailbox,
		Accounts: accounts.Config{Hash: cheap},
		// Long enough that revalidation never races what a test checks; the test of
		// revalidation itself sets a short one.
		RevalidateEvery: time.Hour,
		UploadsDir:      t.TempDir(),
		// liveapp:auth end
	}
	for _, f := range configure {
		f(&cfg)
	}
	app, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), livetest.Timeout)
		defer cancel()
		_ = app.Shutdown(ctx)
	})
	// liveapp:auth begin
	return &testApp{App: app, db: cfg.DB, mailbox: mailbox}
	// liveapp:auth else
	// return &testApp{App: app, db: cfg.DB}
	// liveapp:auth end
}

// onPostgres gives the app main's PubSub, on its database, in place of
// newApp's in-process one. Apps on one database then share their messages,
// like the nodes of a deployment.
func onPostgres(t *testing.T) func(*web.Config) {
	return func(cfg *web.Config) {
		ps, err := pgpubsub.New(t.Context(), cfg.DB, pgpubsub.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(ps.Close) // after the app's Shutdown, whose cleanup comes later
		cfg.PubSub = ps
	}
}

// liveapp:auth begin
// register creates an account with the test password.
func (a *testApp) register(t *testing.T, email string) *accounts.User {
	t.Helper()
	u, err := a.Accounts.Register(t.Context(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// liveapp:auth end
// browser returns a new browser stand-in for the app.
func (a *testApp) browser(t *testing.T) *livetest.Client {
	t.Helper()
	return livetest.NewClient(t, a)
}

// liveapp:auth begin

// logIn logs c in as email through the login page's password form and returns
// the response to the form's POST.
func logIn(t *testing.T, c *livetest.Client, email, pass string, remember bool) *http.Response {
	t.Helper()
	form := url.Values{"email": {email}, "password": {pass}}
	if remember {
		form.Set("remember_me", "true")
	}
	return postForm(t, c, "/users/log-in", "/users/log-in", form)
}

var reFormToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// postForm loads page, as a browser would before submitting one of its forms,
// then posts form with the page's CSRF token to action.
func postForm(t *testing.T, c *livetest.Client, page, action string, form url.Values) *http.Response {
	t.Helper()
	status, loc, body := c.Get(page)
	m := reFormToken.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("GET %s (%d, to %q) has no form with a CSRF token:\n%s", page, status, loc, body)
	}
	form.Set("_csrf", m[1])
	return post(t, c, action, form)
}

// post sends a form to path as a browser on the app's page would.
func post(t *testing.T, c *livetest.Client, path string, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", c.URL(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+livetest.Host)
	resp, err := c.HTTP().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// loggedIn returns a browser logged in as a new user with email.
func (a *testApp) loggedIn(t *testing.T, email string) (*livetest.Client, *accounts.User) {
	t.Helper()
	u := a.register(t, email)
	c := a.browser(t)
	if resp := logIn(t, c, email, password, false); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("log in as %s: %d to %q", email, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c, u
}

// redirected asserts that resp is a 303 to want.
func redirected(t *testing.T, resp *http.Response, want string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("got %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
}

// liveapp:auth else
//
// func TestHomePageWelcomesVisitors(t *testing.T) {
// 	v := newApp(t, onPostgres(t)).browser(t).Mount("/")
// 	if !v.Contains("Welcome to " + web.AppName) {
// 		t.Errorf("the home page: %s", v.HTML())
// 	}
// }
// liveapp:auth end
