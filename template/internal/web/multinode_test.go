package web_test

import (
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// These tests run the app as a deployment of two nodes: two apps on one
// database, each with a pool and a PubSub of its own, as two processes would
// have. A browser is routed to either node, with no sticky sessions.

// newNodes returns two nodes of the app on a fresh database.
func newNodes(t *testing.T) (a, b *testApp) {
	t.Helper()
	a = newApp(t, onPostgres(t))
	db, err := pgxpool.New(t.Context(), a.db.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close) // after b's Shutdown, whose cleanup comes later
	return a, newAppOn(t, db, onPostgres(t))
}

// sameBrowser returns a browser on node that holds c's cookies: c's browser,
// which the load balancer sends to another node.
func sameBrowser(t *testing.T, c *livetest.Client, node *testApp) *livetest.Client {
	t.Helper()
	other := node.browser(t)
	u, _ := url.Parse(c.URL("/"))
	for _, ck := range c.HTTP().Jar.Cookies(u) {
		other.SetCookie(ck)
	}
	return other
}

func TestLogOutOnOneNodeClosesTabsOnAnother(t *testing.T) {
	a, b := newNodes(t)
	onA, _ := a.loggedIn(t, "alice@example.com")
	onB := sameBrowser(t, onA, b)
	// liveapp:projects begin
	tab := onB.Mount("/projects")
	// liveapp:projects else
	// tab := onB.Mount("/users/sessions")
	// liveapp:projects end
	if tab.Redirect() != "" {
		t.Fatalf("node B sent the logged-in user to %s", tab.Redirect())
	}

	redirected(t, postForm(t, onA, "/", "/users/log-out", url.Values{}), "/")
	if code := tab.AwaitClose(); code != live.CloseDisconnect {
		t.Errorf("logging out on node A closed the tab on node B with %d, want %d", code, live.CloseDisconnect)
	}
	// liveapp:projects begin
	if v := onB.Mount("/projects"); v.Redirect() != "/users/log-in" {
		t.Errorf("after logout, node B sent /projects to %q", v.Redirect())
	}
	// liveapp:projects else
	// if v := onB.Mount("/users/sessions"); v.Redirect() != "/users/log-in" {
	// 	t.Errorf("after logout, node B sent /users/sessions to %q", v.Redirect())
	// }
	// liveapp:projects end
}

// liveapp:projects begin

func TestAProjectCreatedOnOneNodeShowsOnAnother(t *testing.T) {
	a, b := newNodes(t)
	onA, _ := a.loggedIn(t, "alice@example.com")
	list := sameBrowser(t, onA, b).Mount("/projects")
	if !list.Contains(`id="no-projects"`) {
		t.Fatalf("empty list on node B: %s", list.HTML())
	}

	form := onA.Mount("/projects/new")
	if err := form.SubmitForm("#project-form", url.Values{"name": {"Garden"}}); err != nil {
		t.Fatal(err)
	}
	list.Await("Garden")
}

// liveapp:projects end
