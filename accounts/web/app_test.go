package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/accounts/web"
	"github.com/liveapp/liveapp/internal/fakeclock"
	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
	"github.com/liveapp/liveapp/migrations"
	"github.com/liveapp/liveapp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// cheap are argon2id parameters that keep tests fast; never use them in production.
var cheap = accounts.HashParams{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

var testSecret = []byte("test-secret-test-secret-test-secret-0123456789")

const password = "correct horse battery staple"

func migrate(ctx context.Context, conn *pgx.Conn) error { return migrations.Apply(ctx, conn) }

// app is a tiny application: a guarded live view at /settings that prints the user's
// email, a live login page, and plain POST handlers that log in and out.
type app struct {
	db      *pgxpool.Pool
	clock   *fakeclock.Clock // the store's: time passes only when a test advances it
	store   *accounts.Store
	rt      *live.Runtime
	auth    *web.Auth
	handler http.Handler
	// revokeAfterDeadRender deletes the session of /settings' dead render once it is
	// rendered, as a logout in another tab would before the websocket connects.
	revokeAfterDeadRender atomic.Bool
}

type settingsView struct {
	auth           *web.Auth
	email, session string
}

func (v *settingsView) Mount(_ context.Context, s *live.Socket) error {
	v.email = web.ScopeFromSocket(s).User.Email
	s.On("change_email", func(_ context.Context, p live.Params) error {
		v.email = p.Get("email")
		return nil
	}, live.Requires(v.auth.Sudo()))
	if token, ok := web.SessionFromSocket(s); ok {
		// Only a test may print a digest of the token: it checks which session this is.
		sum := sha256.Sum256(token)
		v.session = base64.RawURLEncoding.EncodeToString(sum[:8])
	}
	return nil
}

func (v *settingsView) Render(w io.Writer) error {
	_, err := fmt.Fprintf(w, "<p>Signed in as %s</p><p id=session>%s</p>", html.EscapeString(v.email), v.session)
	return err
}

type loginView struct{}

func (loginView) Mount(context.Context, *live.Socket) error { return nil }
func (loginView) Render(w io.Writer) error {
	_, err := io.WriteString(w, "<h1>Log in</h1>")
	return err
}

func newApp(t *testing.T) *app {
	t.Helper()
	a := &app{db: pgtest.New(t, pgtest.WithTemplate("accounts", migrate)), clock: fakeclock.New()}
	var err error
	if a.store, err = accounts.New(a.db, accounts.Config{Hash: cheap, Now: a.clock.Now}); err != nil {
		t.Fatal(err)
	}
	if a.rt, err = live.New(live.Config{Secret: testSecret, Dev: true}); err != nil {
		t.Fatal(err)
	}
	a.auth = &web.Auth{Store: a.store, Runtime: a.rt}
	revoke := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			if a.revokeAfterDeadRender.Load() {
				c, _ := r.Cookie("user_session")
				token, _ := decode(c.Value)
				if err := a.store.DeleteSessionToken(r.Context(), token); err != nil {
					t.Error(err)
				}
			}
		})
	}
	private := a.rt.Session("private", live.SessionOptions{
		Middleware:      func(h http.Handler) http.Handler { return a.auth.RequireAuthenticated(revoke(h)) },
		Hooks:           []live.Hook{a.auth.MountCurrentUser, a.auth.RequireAuthenticatedHook},
		Revalidate:      a.auth.Revalidate,
		RevalidateEvery: 50 * time.Millisecond,
	})
	private.Live("/settings", func() live.View { return &settingsView{auth: a.auth} })
	public := a.rt.Session("public", live.SessionOptions{
		Middleware: a.auth.RedirectIfAuthenticated,
		Hooks:      []live.Hook{a.auth.MountCurrentUser, a.auth.RedirectIfAuthenticatedHook},
	})
	public.Live("/users/log-in", func() live.View { return loginView{} })
	// The same checks as private's, declared as requirements rather than hooks.
	sudo := a.rt.Session("sudo", live.SessionOptions{
		Middleware: a.auth.RequireSudo,
		Hooks:      []live.Hook{a.auth.MountCurrentUser},
		Requires:   []live.Requirement{a.auth.LoggedIn()},
	})
	sudo.Live("/sudo/settings", func() live.View { return &settingsView{auth: a.auth} }).Requires(a.auth.Sudo())

	mux := http.NewServeMux()
	a.rt.Register(mux)
	// CSRF protection (rt.ProtectForms) is left out: these tests are about sessions.
	mux.HandleFunc("POST /users/log-in", func(w http.ResponseWriter, r *http.Request) {
		client, _ := netip.ParseAddrPort(r.RemoteAddr)
		u, err := a.store.Authenticate(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), client.Addr())
		switch {
		case errors.Is(err, accounts.ErrTooManyAttempts):
			http.Error(w, "too many attempts, try again in a few minutes", http.StatusTooManyRequests)
			return
		case err != nil:
			http.Error(w, "invalid email or password", http.StatusUnauthorized)
			return
		}
		if err := a.auth.LogIn(w, r, u, r.PostFormValue("remember") == "true"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.Handle("POST /users/log-out", a.auth.FetchCurrentUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.auth.LogOut(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "home") })
	a.handler = mux
	return a
}

func decode(v string) (accounts.SessionToken, error) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return accounts.SessionToken(b), err
}

func (a *app) register(t *testing.T, email string) *accounts.User {
	t.Helper()
	u, err := a.store.Register(t.Context(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// logIn posts the login form and returns the response.
func logIn(t *testing.T, c *livetest.Client, email string, remember bool) *http.Response {
	t.Helper()
	form := url.Values{"email": {email}, "password": {password}}
	if remember {
		form.Set("remember", "true")
	}
	resp, err := c.HTTP().PostForm(c.URL("/users/log-in"), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d", resp.StatusCode)
	}
	return resp
}

func post(t *testing.T, c *livetest.Client, path string) *http.Response {
	t.Helper()
	resp, err := c.HTTP().PostForm(c.URL(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// cookie returns the value of the client's cookie name, or "".
func cookie(c *livetest.Client, name string) string {
	u, _ := url.Parse(c.URL("/"))
	for _, ck := range c.HTTP().Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func setCookie(resp *http.Response, name string) *http.Cookie {
	for _, ck := range resp.Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// valid reports whether the session token of cookie value v is still accepted.
func (a *app) valid(t *testing.T, v string) bool {
	t.Helper()
	token, err := decode(v)
	if err != nil {
		t.Fatalf("cookie %q is not base64url: %v", v, err)
	}
	_, _, err = a.store.UserBySessionToken(t.Context(), token)
	if err != nil && !errors.Is(err, accounts.ErrInvalidSession) {
		t.Fatal(err)
	}
	return err == nil
}

// age moves the creation of the session of cookie value v back by d.
func (a *app) age(t *testing.T, v string, d time.Duration) {
	t.Helper()
	token, err := decode(v)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(token)
	_, err = a.db.Exec(t.Context(),
		"UPDATE users_tokens SET created_at = created_at - $2 * interval '1 second' WHERE token = $1",
		sum[:], d.Seconds())
	if err != nil {
		t.Fatal(err)
	}
}
