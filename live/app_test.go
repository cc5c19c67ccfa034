package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
)

// testSecret is a fixed secret for tests; real apps load theirs from the environment.
var testSecret = []byte("test-secret-test-secret-test-secret-0123456789")

// counter is the test app's main view.
type counter struct {
	n     int
	label string
	s     *live.Socket
}

func (c *counter) Mount(_ context.Context, s *live.Socket) error {
	c.s = s
	c.label = s.Param("label")
	s.On("inc", func(context.Context, live.Params) error { c.n++; return nil })
	s.On("add", func(_ context.Context, p live.Params) error {
		by, err := p.Int("by")
		c.n += int(by)
		return err
	})
	s.On("boom", func(context.Context, live.Params) error { panic("secret-detail-in-panic") })
	s.On("fail", func(context.Context, live.Params) error { return errors.New("secret-detail-in-error") })
	s.On("push", func(context.Context, live.Params) error { return s.PushEvent("saved", map[string]int{"n": c.n}) })
	s.On("slow", func(context.Context, live.Params) error { return nil }, live.RateLimit(1, 1))
	s.On("go", func(_ context.Context, p live.Params) error { return s.Navigate(p.Get("to")) })
	s.On("away", func(context.Context, live.Params) error { return s.Redirect("/elsewhere") })
	s.On("flash", func(context.Context, live.Params) error { s.PutFlash("info", "Saved!"); return nil })
	s.On("title", func(context.Context, live.Params) error { s.SetTitle("New title"); return nil })
	s.On("page", func(_ context.Context, p live.Params) error { return s.Patch("/counter?label=" + p.Get("label")) })
	return s.Subscribe("counter:bump", func(context.Context, string, []byte) error { c.n += 100; return nil })
}

func (c *counter) HandleParams(_ context.Context, s *live.Socket) error {
	c.label = s.Param("label")
	return nil
}

func (c *counter) Render(w io.Writer) error {
	_, err := fmt.Fprintf(w, `<main><h1>Counter %s</h1><p id="count">%d</p><button live-click="inc">+</button></main>`, c.label, c.n)
	return err
}

// static is a view with no events.
type static struct{ text string }

func (v *static) Mount(context.Context, *live.Socket) error { return nil }
func (v *static) Render(w io.Writer) error {
	_, err := io.WriteString(w, "<p>"+v.text+"</p>")
	return err
}

// guardedView shows the user the hook assigned.
type guardedView struct{ user string }

func (v *guardedView) Mount(_ context.Context, s *live.Socket) error {
	v.user, _ = s.Get("user").(string)
	return nil
}
func (v *guardedView) Render(w io.Writer) error {
	_, err := io.WriteString(w, "<p id=user>"+v.user+"</p>")
	return err
}

// testApp is a small app: session "a" with /counter, /other and /guarded, and session "b"
// with /b. /guarded requires the cookie user=<name> of a user in valid.
type testApp struct {
	rt     *live.Runtime
	h      http.Handler
	valid  atomic.Value // map[string]bool
	mounts atomic.Int64
}

func newTestApp(t testing.TB, mutate func(*live.Config)) *testApp {
	t.Helper()
	cfg := live.Config{Secret: testSecret, Logger: discardLogger()}
	if mutate != nil {
		mutate(&cfg)
	}
	rt, err := live.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	app := &testApp{rt: rt}
	app.valid.Store(map[string]bool{"alice": true})
	requireUser := func(_ context.Context, s *live.Socket) error {
		app.mounts.Add(1)
		u, _ := s.Cookie("user")
		if !app.valid.Load().(map[string]bool)[u] {
			return live.Halt("/login")
		}
		s.Assign("user", u)
		s.SetID("user:" + u)
		return nil
	}
	a := rt.Session("a", live.SessionOptions{})
	a.Live("/counter", func() live.View { return &counter{} })
	a.Live("/other", func() live.View { return &static{text: "other view"} })
	a.Live("/chart", func() live.View { return &chart{} }) // hooks_test.go
	a.Live("/guarded", func() live.View { return &guardedView{} }, requireUser)
	b := rt.Session("b", live.SessionOptions{})
	b.Live("/b", func() live.View { return &static{text: "session b"} })
	g := rt.Session("g", live.SessionOptions{Hooks: []live.Hook{requireUser}, Revalidate: requireUser, RevalidateEvery: 50 * time.Millisecond})
	g.Live("/g", func() live.View { return &guardedView{} })
	mux := http.NewServeMux()
	rt.Register(mux)
	mux.HandleFunc("GET /setflash", func(w http.ResponseWriter, r *http.Request) {
		rt.PutFlash(w, r, "info", "Welcome back")
		http.Redirect(w, r, "/counter", http.StatusSeeOther)
	})
	app.h = mux
	return app
}

func (a *testApp) revoke(user string) {
	m := map[string]bool{}
	for k, v := range a.valid.Load().(map[string]bool) {
		if k != user {
			m[k] = v
		}
	}
	a.valid.Store(m)
}

func contains(t *testing.T, html, want string) {
	t.Helper()
	if !strings.Contains(html, want) {
		t.Fatalf("want %q in:\n%s", want, html)
	}
}
