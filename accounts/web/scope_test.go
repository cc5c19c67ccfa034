package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/accounts/web"
	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// sudoView prints whether its scope is in sudo mode, and when it authenticated.
type sudoView struct {
	a    *app
	text string
}

func (v *sudoView) Mount(_ context.Context, s *live.Socket) error {
	scope := web.ScopeFromSocket(s)
	v.text = fmt.Sprintf("sudo=%v at=%d", v.a.store.InSudoMode(scope), scope.AuthenticatedAt.Unix())
	return nil
}

func (v *sudoView) Render(w io.Writer) error {
	_, err := io.WriteString(w, "<p>"+v.text+"</p>")
	return err
}

func TestScopeCarriesTheSessionsAuthenticationTime(t *testing.T) {
	a := newApp(t)
	alice := a.register(t, "alice@example.com")
	token, err := a.store.CreateSessionToken(t.Context(), alice, accounts.SessionMeta{UserAgent: "Firefox"})
	if err != nil {
		t.Fatal(err)
	}
	_, session, err := a.store.UserBySessionToken(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}
	value := base64.RawURLEncoding.EncodeToString(token)

	t.Run("middleware", func(t *testing.T) {
		var got time.Time
		h := a.auth.FetchCurrentUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = web.ScopeFrom(r.Context()).AuthenticatedAt
		}))
		r, _ := http.NewRequestWithContext(t.Context(), "GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: "user_session", Value: value})
		h.ServeHTTP(httptest.NewRecorder(), r)
		if !got.Equal(session.AuthenticatedAt) {
			t.Errorf("Scope.AuthenticatedAt %v, want the session's %v", got, session.AuthenticatedAt)
		}
	})

	t.Run("live hook", func(t *testing.T) {
		rt, err := live.New(live.Config{Secret: testSecret, Dev: true})
		if err != nil {
			t.Fatal(err)
		}
		s := rt.Session("sudo", live.SessionOptions{
			Middleware: a.auth.FetchCurrentUser,
			Hooks:      []live.Hook{a.auth.MountCurrentUser},
		})
		s.Live("/sudo", func() live.View { return &sudoView{a: a} })
		mux := http.NewServeMux()
		rt.Register(mux)
		c := livetest.NewClient(t, mux)
		c.SetCookie(&http.Cookie{Name: "user_session", Value: value, Path: "/"})
		v := c.Mount("/sudo")
		if want := fmt.Sprintf("sudo=true at=%d", session.AuthenticatedAt.Unix()); !v.Contains(want) {
			t.Errorf("connected mount: %s, want %s", v.HTML(), want)
		}
	})
}
