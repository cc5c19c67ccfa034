package web_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live/livetest"
)

func TestTheDevDashboardShowsWhatTheAppDoes(t *testing.T) {
	a := newApp(t, onPostgres(t))
	c := a.browser(t)
	home := c.Mount("/")
	// An event the page does not have: refused, and counted like any other.
	var refused *livetest.EventError
	if err := home.Click("no_such_event"); !errors.As(err, &refused) {
		t.Fatalf("an unknown event: %v, want an error reply", err)
	}

	dash := c.Mount("/dev/dashboard")
	// The event is counted once its reply is sent: a refresh, a second later at
	// most, shows it if the first render did not.
	dash.Await("no_such_event")
	for section, wants := range map[string][]string{
		"#dash-sockets": {"web.Home", "web.Dashboard", "2 open"},
		"#dash-events":  {"Events per second", "Latency p50 / p99", "Failed or refused"},
		"#dash-pubsub":  {"Listener", "connected", "Reconnections"},
		"#dash-memory":  {"Goroutines", "Heap objects", "MiB"},
		"#dash-db":      {"Connections", "in use", "Acquires"},
		"#dash-slowest": {"mount", "web.Home", "no_such_event"},
	} {
		html := dash.ElementHTML(section)
		for _, want := range wants {
			if !strings.Contains(html, want) {
				t.Errorf("%s lacks %q:\n%s", section, want, html)
			}
		}
	}

	// It refreshes itself: a view that mounts later shows without a reload.
	c.Mount("/")
	dash.Await("3 open")
}

func TestTheDevDashboardIsNotRoutedInProduction(t *testing.T) {
	a := newApp(t, inProduction)
	for _, r := range a.Runtime.Routes() {
		if strings.Contains(r, "/dev/") {
			t.Errorf("production routes %s", r)
		}
	}
	if w := get(a, "/dev/dashboard"); w.Code != http.StatusNotFound {
		t.Errorf("production: GET /dev/dashboard: %d, want 404", w.Code)
	}
	if w := get(newApp(t), "/no/such/page"); !strings.Contains(w.Body.String(), `href="/dev/dashboard"`) {
		t.Errorf("the dev 404 page does not link to the dashboard:\n%s", w.Body.String())
	}
}
