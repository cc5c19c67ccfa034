package multinode_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// Node indexes.
const (
	nodeA = iota
	nodeB
	nodeC
)

// msgCannotReconnect is what the app logs when its listener fails to reconnect.
const msgCannotReconnect = "pgpubsub: cannot reconnect the listener"

// msgListeningAgain is what the app logs when its listener is back after an outage.
const msgListeningAgain = "pgpubsub: listening again"

// logouts is how many logouts the revocation step times.
const logouts = 100

// TestThreeNodes runs the app as three processes on one PostgreSQL and checks, in order,
// that live updates and logouts cross nodes, that an immediate stop and restart of
// PostgreSQL loses no node, no committed write and no revocation, and that the tabs of a
// node killed with SIGKILL remount elsewhere, or on the node once it is back.
func TestThreeNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app and runs three processes of it")
	}
	d := deploy(t)
	users := make([]string, 10)
	for i := range users {
		users[i] = fmt.Sprintf("user%d@example.com", i)
	}
	d.registerUsers(t, append(users, "alice@example.com", "bob@example.com")...)
	sources := 0
	newBrowser := func() *browser { sources++; return d.newBrowser(t, source(sources)) }
	alice := newBrowser()
	alice.logIn(nodeA, "alice@example.com")

	// The steps run in order on one deployment, each building on the last, so they are
	// not subtests: the browsers belong to the whole test.
	step := func(name string, f func(t *testing.T)) {
		t.Helper()
		t.Logf("step: %s", name)
		f(t)
		if t.Failed() {
			t.FailNow()
		}
	}

	step("a project created on A shows on B, and deleting it on C removes it there", func(t *testing.T) {
		list := alice.on[nodeB].Mount("/projects")
		if !list.Contains(`id="no-projects"`) {
			t.Fatalf("node B's list is not empty: %s", list.HTML())
		}
		form := alice.on[nodeA].Mount("/projects/new")
		if err := form.SubmitForm("#project-form", url.Values{"name": {"Garden"}}); err != nil {
			t.Fatal(err)
		}
		list.Await("Garden")

		onC := alice.on[nodeC].Mount("/projects")
		ids := projectIDs(onC.HTML())
		if len(ids) != 1 {
			t.Fatalf("node C lists projects %v, want one", ids)
		}
		// The row's confirmation modal opens in the browser; its Delete button
		// sends this event.
		if err := onC.Click("delete", "id", ids[0]); err != nil {
			t.Fatal(err)
		}
		list.AwaitFunc("Garden leaving node B's list", func(html string) bool {
			return !slices.Contains(projectIDs(html), ids[0])
		})
	})

	step(fmt.Sprintf("a logout on A closes the session's tab on B, %d times", logouts), func(t *testing.T) {
		var took []time.Duration
		for i := range logouts {
			b := newBrowser()
			b.logIn(nodeA, users[i%len(users)])
			tab := b.on[nodeB].Mount("/projects")
			if tab.Redirect() != "" {
				t.Fatalf("node B sent a logged-in user to %s", tab.Redirect())
			}
			start := time.Now()
			b.logOut(nodeA)
			if code := tab.AwaitClose(); code != live.CloseDisconnect {
				t.Fatalf("logout %d: the tab on B closed with %d, want %d", i, code, live.CloseDisconnect)
			}
			took = append(took, time.Since(start))
		}
		// From the logout's request to the close read on B, as the test sees them one after
		// the other: the logout's own round trip included. A figure, not a check.
		t.Logf("logout on A to closed tab on B, %d logouts: p50 %v, p99 %v, max %v (load %s)",
			len(took), percentile(took, 50).Round(100*time.Microsecond), percentile(took, 99).Round(100*time.Microsecond),
			slices.Max(took).Round(100*time.Microsecond), loadAvg())
	})

	step("PostgreSQL stopped at once and started again", func(t *testing.T) {
		listB := alice.on[nodeB].Mount("/projects")
		form := alice.on[nodeA].Mount("/projects/new")
		var committed []string
		for i := range 3 {
			name := fmt.Sprintf("Before the outage %d", i)
			if err := form.SubmitForm("#project-form", url.Values{"name": {name}}); err != nil {
				t.Fatal(err)
			}
			listB.Await(name)
			committed = append(committed, name)
			if err := form.Navigate("/projects/new"); err != nil {
				t.Fatal(err)
			}
		}
		// Bob logs out on A just before the outage; his tab on C must close all the same,
		// by the broadcast if it got out, else when C resyncs after the outage.
		bob := newBrowser()
		bob.logIn(nodeA, "bob@example.com")
		bobOnC := bob.on[nodeC].Mount("/projects")
		bob.logOut(nodeA)
		lost := make([]int, len(d.nodes))
		resumed := make([]int, len(d.nodes))
		for i, n := range d.nodes {
			lost[i] = n.proc.out.count(msgCannotReconnect)
			resumed[i] = n.proc.out.count(msgListeningAgain)
		}
		stopNow(t, d.pg)
		down := time.Now()
		// Every node notices, and its listener tries to reconnect, with backoff.
		for i, n := range d.nodes {
			n.proc.await(t, msgCannotReconnect, lost[i]+1)
		}

		d.checkAlive(t)
		// Saving needs the database, and its announcement rides in the same transaction:
		// the event fails with an error reply, and the tab stays open.
		err := form.SubmitForm("#project-form", url.Values{"name": {"During the outage"}})
		var reply *livetest.EventError
		if !errors.As(err, &reply) {
			t.Fatalf("saving a project while PostgreSQL is down: %v, want an error reply", err)
		}
		if form.Closed() != 0 {
			t.Fatalf("the failed save closed the tab with %d", form.Closed())
		}
		t.Logf("saving while PostgreSQL is down replied %q", reply.Message)
		d.checkAlive(t)

		if err := d.pg.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		up := time.Now()
		t.Logf("PostgreSQL was down for %v", up.Sub(down).Round(time.Millisecond))

		// Each node's listener listens again, then closes the tabs that follow a topic or
		// carry an id, so that they mount again and see what they missed.
		if code := listB.AwaitCloseWithin(patience); code != live.CloseResync {
			t.Fatalf("node B's list closed with %d after the outage, want %d", code, live.CloseResync)
		}
		t.Logf("node B resynced its tabs %v after PostgreSQL was back", time.Since(up).Round(time.Millisecond))
		if code := bobOnC.AwaitCloseWithin(patience); code != live.CloseDisconnect && code != live.CloseResync {
			t.Fatalf("bob's tab on C closed with %d, want %d or %d", code, live.CloseDisconnect, live.CloseResync)
		}
		// As the browser client does after a revocation: reconnect, and load the page
		// again when the upgrade is refused (the logout renewed the CSRF secret that the
		// page's token is bound to).
		if err := bobOnC.Reconnect(nil); err == nil && bobOnC.Redirect() != "/users/log-in" {
			t.Fatalf("bob's tab on C, logged out before the outage, reconnected to %q", bobOnC.Redirect()+bobOnC.HTML())
		}
		if v := bob.on[nodeC].Mount("/projects"); v.Redirect() != "/users/log-in" {
			t.Fatalf("bob, logged out before the outage, loaded /projects on C: redirect %q, want /users/log-in", v.Redirect())
		}

		// Messages flow again: a project saved through A shows on B's remounted list.
		reconnect(t, listB, nil)
		for _, name := range committed {
			if !listB.Contains(name) {
				t.Errorf("after the outage, node B's list lacks %q, committed before it", name)
			}
		}
		form = mount(t, alice.on[nodeA], "/projects/new")
		for attempt := 1; ; attempt++ {
			// The pool's connections died with the server: a save may meet one first.
			err := form.SubmitForm("#project-form", url.Values{"name": {"After the outage"}})
			if err == nil {
				break
			}
			if time.Since(up) > patience {
				t.Fatalf("no save succeeded within %v of PostgreSQL's return: %v", patience, err)
			}
			t.Logf("save %d after the outage: %v", attempt, err)
		}
		listB.Await("After the outage")
		t.Logf("a project saved on A showed on B %v after PostgreSQL was back (load %s)",
			time.Since(up).Round(time.Millisecond), loadAvg())
		// Every node's listener is back (B's and the node that closed bob's tab, at least,
		// were before): each has reset its pool, whose idle connections died with the
		// server, and resynced its tabs.
		for i, n := range d.nodes {
			n.proc.await(t, msgListeningAgain, resumed[i]+1)
		}
		t.Logf("every node listened again %v after PostgreSQL was back", time.Since(up).Round(time.Millisecond))
		for _, n := range d.nodes {
			st, raw := n.stats(t)
			if st.Reconnects != 1 || st.LastGap <= 0 || !st.Connected || st.Received == 0 {
				t.Errorf("node %s's /debug/vars after one outage: pubsub %s", n.name, raw)
			}
			t.Logf("node %s's /debug/vars: pubsub %s", n.name, raw)
		}
		if n := d.countProjects(t); n != len(committed)+1 {
			t.Errorf("the database holds %d projects, want %d", n, len(committed)+1)
		}
		d.checkAlive(t)
	})

	step("a node killed with SIGKILL: its tabs remount on another node, or on it once back", func(t *testing.T) {
		moved := mount(t, alice.on[nodeC], "/projects")
		stays := mount(t, alice.on[nodeC], "/projects")
		want := projectIDs(moved.HTML())
		d.kill(t, d.nodes[nodeC])
		for _, tab := range []*livetest.View{moved, stays} {
			if code := tab.AwaitClose(); code != 1006 {
				t.Fatalf("a tab of the killed node closed with %d, want 1006 (no close frame)", code)
			}
		}
		reconnect(t, moved, alice.on[nodeA])
		if got := projectIDs(moved.HTML()); !slices.Equal(got, want) {
			t.Fatalf("remounted on A, the list shows %v, want %v", got, want)
		}

		d.start(t, d.nodes[nodeC])
		d.awaitReady(t, d.nodes[nodeC])
		reconnect(t, stays, nil)
		if got := projectIDs(stays.HTML()); !slices.Equal(got, want) {
			t.Fatalf("remounted on the restarted C, the list shows %v, want %v", got, want)
		}
		// The restarted node is a full member again: a change made on it reaches A.
		form := alice.on[nodeC].Mount("/projects/new")
		if err := form.SubmitForm("#project-form", url.Values{"name": {"Made on the new C"}}); err != nil {
			t.Fatal(err)
		}
		moved.Await("Made on the new C")
		d.checkAlive(t)
	})
}

// reconnect reconnects tab through via (nil: its own client) until it mounts, as the
// browser client retries after a close. Right after PostgreSQL returns, a node's pool may
// still hold connections that died with the server, and a mount that meets one fails.
func reconnect(t *testing.T, tab *livetest.View, via *livetest.Client) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		err := tab.Reconnect(via)
		if err == nil && tab.Closed() == 0 && tab.Redirect() == "" {
			return
		}
		if attempt == maxAttempts {
			t.Fatalf("%d attempts to reconnect %s failed; the last: %v, closed %d, redirect %q",
				attempt, tab.URL(), err, tab.Closed(), tab.Redirect())
		}
		t.Logf("reconnect %d of %s: %v, closed %d, redirect %q", attempt, tab.URL(), err, tab.Closed(), tab.Redirect())
	}
}

// mount mounts path through c, retrying as a user reloads a page that failed: see
// reconnect.
func mount(t *testing.T, c *livetest.Client, path string) *livetest.View {
	t.Helper()
	for attempt := 1; ; attempt++ {
		status, _, body := c.Get(path)
		if status == http.StatusOK {
			break
		}
		if attempt == maxAttempts {
			t.Fatalf("%d attempts to load %s failed; the last: %d %.300s", attempt, path, status, body)
		}
		t.Logf("load %d of %s: %d %.300s", attempt, path, status, body)
	}
	v := c.Mount(path)
	if v.Closed() != 0 {
		reconnect(t, v, nil)
	}
	return v
}

// maxAttempts bounds the retries of reconnect and mount: each failure takes a dead
// connection out of a pool, and no pool holds that many.
const maxAttempts = 20
