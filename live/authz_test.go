package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// editorOnly is met by sockets whose "role" cookie is "editor". When it fails it adds a
// flash message, as a login requirement does, which a refused event must not show.
var editorOnly = live.Requirement{Name: "editor", Check: func(_ context.Context, s *live.Socket) error {
	if role, _ := s.Cookie("role"); role == "editor" {
		return nil
	}
	s.PutFlash("error", "Editors only.")
	return live.Halt("/login")
}}

// notes is a view with one event anyone may call and one that requires an editor.
type notes struct {
	text   string
	events chan<- []live.EventInfo // the connected mount's Socket.Events
}

func (v *notes) Mount(_ context.Context, s *live.Socket) error {
	v.text = "draft"
	s.On("read", func(context.Context, live.Params) error { return nil })
	s.On("publish", func(_ context.Context, p live.Params) error {
		v.text = "published " + p.Get("title")
		return nil
	}, live.RateLimit(2, 5), live.Requires(editorOnly))
	if s.Connected() && v.events != nil {
		v.events <- s.Events()
	}
	return nil
}

func (v *notes) Render(w io.Writer) error { _, err := fmt.Fprintf(w, "<p>%s</p>", v.text); return err }

func (v *notes) Template() string { return "notes" }

// authzApp serves /notes (public), /admin (requires an editor for the whole session)
// and /admin/audit (the same, plus the route's own requirement).
type authzApp struct {
	h        http.Handler
	rt       *live.Runtime
	events   chan []live.EventInfo
	mu       sync.Mutex
	activity []live.Activity
}

func newAuthzApp(t *testing.T, dev bool) *authzApp {
	t.Helper()
	a := &authzApp{events: make(chan []live.EventInfo, 4)}
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger(), Dev: dev, Observe: func(act live.Activity) {
		a.mu.Lock()
		a.activity = append(a.activity, act)
		a.mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	pub := rt.Session("public", live.SessionOptions{Public: true})
	pub.Live("/notes", func() live.View { return &notes{events: a.events} })
	admin := rt.Session("admin", live.SessionOptions{Requires: []live.Requirement{editorOnly}})
	admin.Live("/admin", func() live.View { return &static{text: "admin"} })
	loud := live.Requirement{Name: "loud", Check: func(context.Context, *live.Socket) error { return nil }}
	admin.Live("/admin/audit", func() live.View { return &static{text: "audit"} }).Requires(loud)
	rt.Session("other", live.SessionOptions{}).Live("/other", func() live.View { return &static{text: "other"} }).Public()
	mux := http.NewServeMux()
	rt.Register(mux)
	a.h, a.rt = mux, rt
	return a
}

// lastEventActivity returns the Activity of the last event handled or refused.
func (a *authzApp) lastEventActivity() live.Activity {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.activity) - 1; i >= 0; i-- {
		if a.activity[i].Kind == live.ActivityEvent {
			return a.activity[i]
		}
	}
	return live.Activity{}
}

func TestAnEventThatRequiresWhatTheSocketLacksIsRefusedWithoutDetail(t *testing.T) {
	for _, dev := range []bool{false, true} {
		t.Run(fmt.Sprintf("dev=%v", dev), func(t *testing.T) {
			app := newAuthzApp(t, dev)
			lv := livetest.Mount(t, app.h, "/notes")
			err := lv.Click("publish", "title", "<script>")
			var ee *livetest.EventError
			if !errors.As(err, &ee) || ee.Message != "not allowed" {
				t.Fatalf("publish without the role: %v, want the reply \"not allowed\" and nothing more", err)
			}
			if lv.Contains("published") || lv.Contains("Editors only") {
				t.Errorf("a refused event changed the page:\n%s", lv.HTML())
			}
			if got := app.rt.Stats().Refused; got != 1 {
				t.Errorf("Stats.Refused = %d, want 1", got)
			}
			act := app.lastEventActivity()
			if act.Event != "publish" || act.Err == nil || !strings.Contains(act.Err.Error(), "requires editor") {
				t.Errorf("the refusal was observed as %+v, want the event and the requirement named", act)
			}
			// Events without a requirement still run, and the socket stays open.
			if err := lv.Click("read"); err != nil {
				t.Errorf("read after a refusal: %v", err)
			}
			if lv.Closed() != 0 {
				t.Errorf("a refusal closed the socket with %d", lv.Closed())
			}
		})
	}
}

func TestAnEventRunsWhenItsRequirementIsMet(t *testing.T) {
	app := newAuthzApp(t, false)
	c := livetest.NewClient(t, app.h)
	c.SetCookie(&http.Cookie{Name: "role", Value: "editor"})
	lv := c.Mount("/notes")
	if err := lv.Submit("publish", url.Values{"title": {"Hello"}}); err != nil {
		t.Fatal(err)
	}
	lv.Await("published Hello")
	if got := app.rt.Stats().Refused; got != 0 {
		t.Errorf("Stats.Refused = %d after an allowed event", got)
	}
}

func TestSocketEventsListsWhatAClientMayCall(t *testing.T) {
	app := newAuthzApp(t, false)
	livetest.Mount(t, app.h, "/notes")
	got := <-app.events
	want := []live.EventInfo{
		{Name: "read", Requires: []string{}},
		{Name: "publish", RateLimit: "2/s burst 5", Requires: []string{"editor"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Events() = %+v\nwant %+v", got, want)
	}
}

func TestSessionAndRouteRequirementsGuardTheMount(t *testing.T) {
	app := newAuthzApp(t, false)
	for path, text := range map[string]string{"/admin": "<p>admin</p>", "/admin/audit": "<p>audit</p>"} {
		if lv := livetest.Mount(t, app.h, path); lv.Redirect() != "/login" {
			t.Errorf("%s without the role: redirect %q, want /login", path, lv.Redirect())
		}
		c := livetest.NewClient(t, app.h)
		c.SetCookie(&http.Cookie{Name: "role", Value: "editor"})
		if lv := c.Mount(path); lv.Redirect() != "" || !lv.Contains(text) {
			t.Errorf("%s as an editor: redirect %q, page:\n%s", path, lv.Redirect(), lv.HTML())
		}
	}
}

func TestRouteTableListsWhatGuardsEachRoute(t *testing.T) {
	app := newAuthzApp(t, false)
	got := app.rt.RouteTable()
	want := []live.RouteInfo{
		{Pattern: "/notes", Session: "public", Hooks: []string{}, Public: true, Requires: []string{}, View: "live_test.notes", Template: "notes"},
		{Pattern: "/admin", Session: "admin", Hooks: []string{}, Requires: []string{"editor"}, View: "live_test.static"},
		{Pattern: "/admin/audit", Session: "admin", Hooks: []string{}, Requires: []string{"editor", "loud"}, View: "live_test.static"},
		{Pattern: "/other", Session: "other", Hooks: []string{}, Public: true, Requires: []string{}, View: "live_test.static"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RouteTable() =\n%+v\nwant\n%+v", got, want)
	}
}

func assignTenant(_ context.Context, s *live.Socket) error { s.Assign("tenant", "t1"); return nil }

type tenantHooks struct{}

func (tenantHooks) load(context.Context, *live.Socket) error { return nil }

func TestRouteTableNamesHooksByTheirGoFunction(t *testing.T) {
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	s := rt.Session("s", live.SessionOptions{Hooks: []live.Hook{assignTenant, tenantHooks{}.load}})
	s.Live("/", func() live.View { return &static{} }, func(context.Context, *live.Socket) error { return nil })
	got := rt.RouteTable()[0].Hooks
	want := []string{"live_test.assignTenant", "live_test.tenantHooks.load", "live_test.TestRouteTableNamesHooksByTheirGoFunction.func2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hooks %q, want %q", got, want)
	}
}

func TestDeclarationsThatContradictOrLackSomethingPanic(t *testing.T) {
	check := live.Requirement{Name: "user", Check: func(context.Context, *live.Socket) error { return nil }}
	view := func() live.View { return &static{} }
	tests := []struct {
		name string
		do   func(rt *live.Runtime)
		want string
	}{
		{"a public session with requirements", func(rt *live.Runtime) {
			rt.Session("s", live.SessionOptions{Public: true, Requires: []live.Requirement{check}})
		}, "marked public and requires user"},
		{"a requirement on a route of a public session", func(rt *live.Runtime) {
			rt.Session("s", live.SessionOptions{Public: true}).Live("/", view).Requires(check)
		}, "marked public and requires user"},
		{"a public route of a guarded session", func(rt *live.Runtime) {
			rt.Session("s", live.SessionOptions{Requires: []live.Requirement{check}}).Live("/", view).Public()
		}, "marked public and requires user"},
		{"a requirement without a name", func(rt *live.Runtime) {
			rt.Session("s", live.SessionOptions{Requires: []live.Requirement{{Check: check.Check}}})
		}, "needs a Name and a Check"},
		{"a requirement without a check", func(*live.Runtime) { live.Requires(live.Requirement{Name: "user"}) }, "needs a Name and a Check"},
		{"a requirement after Register", func(rt *live.Runtime) {
			r := rt.Session("s", live.SessionOptions{}).Live("/", view)
			rt.Register(http.NewServeMux())
			r.Requires(check)
		}, "before Runtime.Register"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger()})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), tt.want) {
					t.Errorf("panic %v, want one saying %q", v, tt.want)
				}
			}()
			tt.do(rt)
		})
	}
}
