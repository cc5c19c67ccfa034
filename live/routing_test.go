package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// itemView is the "show" or the "new" view of /items: it renders which it is and the id.
type itemView struct{ kind, id string }

func (v *itemView) Mount(_ context.Context, s *live.Socket) error {
	s.On("patch", func(_ context.Context, p live.Params) error { return s.Patch(p.Get("to")) })
	return nil
}

func (v *itemView) HandleParams(_ context.Context, s *live.Socket) error {
	v.id = s.Param("id")
	return nil
}

func (v *itemView) Render(w io.Writer) error {
	_, err := fmt.Fprintf(w, `<p id="item">%s %s</p>`, v.kind, v.id)
	return err
}

// itemsApp registers /items/{id} (show) and /items/new (new), show first unless newFirst.
func itemsApp(t *testing.T, newFirst bool) http.Handler {
	t.Helper()
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	s := rt.Session("items", live.SessionOptions{})
	show := func() { s.Live("/items/{id}", func() live.View { return &itemView{kind: "show"} }) }
	add := func() { s.Live("/items/new", func() live.View { return &itemView{kind: "new"} }) }
	if newFirst {
		add()
		show()
	} else {
		show()
		add()
	}
	mux := http.NewServeMux()
	rt.Register(mux)
	return mux
}

func TestLiveNavigationMountsTheViewAPageLoadWould(t *testing.T) {
	cases := []struct {
		path, want string
		// mayReload allows a page load instead of a mount in place (never another view).
		mayReload bool
	}{
		{"/items/new", `<p id="item">new </p>`, false},
		{"/items/42", `<p id="item">show 42</p>`, false},
		{"/items/%6Eew", `<p id="item">new </p>`, false},
		{"/items/a%2Fb", `<p id="item">show a/b</p>`, false},
	}
	for _, newFirst := range []bool{false, true} {
		h := itemsApp(t, newFirst)
		order := "show registered first"
		if newFirst {
			order = "new registered first"
		}
		for _, tc := range cases {
			t.Run(order+"/page load of "+tc.path, func(t *testing.T) {
				lv := livetest.Mount(t, h, tc.path)
				contains(t, lv.DeadHTML(), tc.want)
				contains(t, lv.HTML(), tc.want)
			})
			t.Run(order+"/live navigation to "+tc.path, func(t *testing.T) {
				lv := livetest.Mount(t, h, "/items/1")
				if err := lv.Navigate(tc.path); err != nil {
					t.Fatal(err)
				}
				if tc.mayReload && lv.Redirect() == tc.path {
					return
				}
				if lv.Redirect() != "" {
					t.Fatalf("a page load of %q", lv.Redirect())
				}
				contains(t, lv.HTML(), tc.want)
			})
			t.Run(order+"/live patch to "+tc.path, func(t *testing.T) {
				lv := livetest.Mount(t, h, "/items/1")
				if err := lv.Click("patch", "to", tc.path); err != nil {
					t.Fatal(err)
				}
				if tc.mayReload && lv.Redirect() == tc.path {
					return
				}
				if lv.Redirect() != "" {
					t.Fatalf("a page load of %q", lv.Redirect())
				}
				contains(t, lv.HTML(), tc.want)
			})
		}
		t.Run(order+"/a path ServeMux would redirect is a page load", func(t *testing.T) {
			for _, path := range []string{"/items/./new", "/items//new", "/items/../items/new", "/items/"} {
				lv := livetest.Mount(t, h, "/items/1")
				if err := lv.Navigate(path); err != nil {
					t.Fatal(err)
				}
				if lv.Redirect() != path {
					t.Fatalf("navigation to %q: redirect %q, html %s", path, lv.Redirect(), lv.HTML())
				}
			}
		})
	}
}

func TestConnectMountsTheTokensViewWhenTheTabsURLMapsToAnotherRoute(t *testing.T) {
	for _, newFirst := range []bool{false, true} {
		srv := httptest.NewServer(itemsApp(t, newFirst))
		t.Cleanup(srv.Close)
		p := loadPage(t, srv, "/items/5")
		for url, want := range map[string]string{
			"/items/7":     `<p id="item">show 7</p>`, // moved on by a live patch: the same route
			"/items/new":   `<p id="item">show 5</p>`, // another route: the token's URL
			"/elsewhere":   `<p id="item">show 5</p>`,
			"/items/a%2Fb": `<p id="item">show a/b</p>`,
		} {
			ws, status := p.dial(t, dialOpts{url: &url})
			if status != http.StatusSwitchingProtocols {
				t.Fatalf("url %s: status %d", url, status)
			}
			m, code := next(t, ws)
			if m["t"] != "render" {
				t.Fatalf("url %s: first frame %v (close %d)", url, m, code)
			}
			if html, _ := m["html"].(string); !strings.Contains(html, want) {
				t.Fatalf("url %s (new first: %v): rendered %s, want %s", url, newFirst, html, want)
			}
		}
	}
}
