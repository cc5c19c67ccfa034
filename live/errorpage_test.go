package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// failingView's Mount returns err.
type failingView struct{ err error }

func (v *failingView) Mount(context.Context, *live.Socket) error { return v.err }
func (v *failingView) Render(w io.Writer) error {
	_, err := io.WriteString(w, "<p>never</p>")
	return err
}

func TestCookiePrefixNamesTheRuntimesCookies(t *testing.T) {
	rt, err := live.New(live.Config{Secret: testSecret, CookiePrefix: "shop", Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("s", live.SessionOptions{}).Live("/form", func() live.View { return new(formView) })
	mux := http.NewServeMux()
	rt.Register(mux)
	mux.HandleFunc("GET /flash", func(w http.ResponseWriter, r *http.Request) {
		rt.PutFlash(w, r, "info", "hello")
		http.Redirect(w, r, "/form", http.StatusSeeOther)
	})

	names := func(resp *http.Response) []string {
		var n []string
		for _, c := range resp.Cookies() {
			n = append(n, c.Name)
		}
		return n
	}
	for _, target := range []string{"http://example.com/form", "https://example.com/form"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		want := "_shop_csrf"
		if strings.HasPrefix(target, "https") {
			want = "__Host-shop_csrf"
		}
		if got := names(w.Result()); len(got) != 1 || got[0] != want {
			t.Errorf("GET %s set cookies %q, want %s", target, got, want)
		}
		// The client sets the flash cookie itself before a redirect: it learns the name.
		contains(t, w.Body.String(), `data-live-flash-cookie="_shop_flash"`)
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/flash", nil))
	if got := names(w.Result()); len(got) != 1 || got[0] != "_shop_flash" {
		t.Errorf("PutFlash set cookies %q, want _shop_flash", got)
	}

	// The runtime reads them back: a page connects, and shows the flash.
	c := livetest.NewClient(t, mux)
	if status, _, _ := c.Get("/flash"); status != http.StatusSeeOther {
		t.Fatalf("GET /flash: %d", status)
	}
	lv := c.Mount("/form")
	contains(t, lv.DeadHTML(), "hello")
	contains(t, lv.HTML(), "<form")

	if _, err := live.New(live.Config{Secret: testSecret, CookiePrefix: "my app;"}); err == nil {
		t.Error("a prefix with a space and a semicolon was accepted")
	}
}

func TestErrorPageShowsTheRuntimesErrors(t *testing.T) {
	type shown struct {
		status int
		err    error
	}
	var got []shown
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger(),
		ErrorPage: func(w http.ResponseWriter, r *http.Request, status int, err error) {
			got = append(got, shown{status, err})
			w.WriteHeader(status)
			fmt.Fprintf(w, "<h1>app error %d</h1>", status)
		}})
	if err != nil {
		t.Fatal(err)
	}
	s := rt.Session("s", live.SessionOptions{})
	s.Live("/missing", func() live.View { return &failingView{err: fmt.Errorf("project 7: %w", live.ErrNotFound)} })
	s.Live("/broken", func() live.View { return &failingView{err: errors.New("connection refused")} })
	mux := http.NewServeMux()
	rt.Register(mux)
	mux.HandleFunc("POST /form", func(http.ResponseWriter, *http.Request) { t.Error("a forged form reached its handler") })
	h := rt.ProtectForms(mux)

	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/missing", http.StatusNotFound},
		{http.MethodGet, "/broken", http.StatusInternalServerError},
		{http.MethodPost, "/form", http.StatusForbidden},
	} {
		got = nil
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
		if w.Code != tc.status || !strings.Contains(w.Body.String(), fmt.Sprintf("app error %d", tc.status)) {
			t.Errorf("%s %s: %d %q, want the app's page for %d", tc.method, tc.path, w.Code, w.Body.String(), tc.status)
		}
		if len(got) != 1 || got[0].err == nil {
			t.Errorf("%s %s: ErrorPage called with %v, want once with the error", tc.method, tc.path, got)
		}
	}
}

func TestWithoutErrorPageProductionHidesTheError(t *testing.T) {
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("s", live.SessionOptions{}).Live("/missing", func() live.View {
		return &failingView{err: fmt.Errorf("secret table: %w", live.ErrNotFound)}
	})
	mux := http.NewServeMux()
	rt.Register(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/missing", nil))
	if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "secret table") {
		t.Errorf("%d %q, want 404 without the error's text", w.Code, w.Body.String())
	}
}
