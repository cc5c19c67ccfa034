package example_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live/example"
	"github.com/liveapp/liveapp/live/livetest"
)

func newApp(t *testing.T) *example.App {
	t.Helper()
	app, err := example.New(example.Config{Secret: []byte(strings.Repeat("example-secret!!", 3))})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestCounter(t *testing.T) {
	lv := livetest.Mount(t, newApp(t), "/")
	if !strings.Contains(lv.DeadHTML(), `<b id="count">0</b>`) {
		t.Fatalf("dead render: %s", lv.DeadHTML())
	}
	for _, button := range []string{"#inc", "#inc", "#dec", "#add"} {
		if err := lv.ClickElement(button); err != nil {
			t.Fatal(err)
		}
	}
	if !lv.Contains(`<b id="count">11</b>`) {
		t.Fatalf("count: %s", lv.HTML())
	}
}

func TestFormValidation(t *testing.T) {
	lv := livetest.Mount(t, newApp(t), "/form")
	if err := lv.ChangeForm("#signup", url.Values{"name": {""}, "email": {"nope"}}); err != nil {
		t.Fatal(err)
	}
	if !lv.Contains("can't be blank") || !lv.Contains("must look like an email address") {
		t.Fatalf("errors not shown: %s", lv.HTML())
	}
	if err := lv.SubmitForm("#signup", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}}); err != nil {
		t.Fatal(err)
	}
	if !lv.Contains(`id="saved"`) || !lv.Contains("Thanks, Ada!") || lv.Contains(`class="err"`) {
		t.Fatalf("save: %s", lv.HTML())
	}
}

func TestItemsSyncAcrossTabs(t *testing.T) {
	app := newApp(t)
	c := livetest.NewClient(t, app)
	tab1, tab2 := c.Mount("/items"), c.Mount("/items")
	if err := tab1.SubmitForm("#new-item", url.Values{"name": {"Dates"}}); err != nil {
		t.Fatal(err)
	}
	tab2.Await("Dates")
	// Move the first item down in tab 2; tab 1 follows.
	if err := tab2.ClickElement("#item-1 button.down"); err != nil {
		t.Fatal(err)
	}
	tab1.AwaitFunc("the move", func(html string) bool {
		return strings.Index(html, `id="item-2"`) < strings.Index(html, `id="item-1"`)
	})
	// What no page offers, as a crafted frame would send it.
	if err := tab1.Click("delete", "id", "999"); err == nil {
		t.Fatal("deleting a missing item did not fail")
	}
	if err := tab1.Click("delete", "id", "x"); err == nil || !strings.Contains(err.Error(), "whole number") {
		t.Fatalf("bad id: %v", err)
	}
}

func TestMembersSession(t *testing.T) {
	app := newApp(t)
	c := livetest.NewClient(t, app)
	if lv := c.Mount("/members"); lv.Redirect() != "/signin" {
		t.Fatalf("anonymous: redirect %q", lv.Redirect())
	}
	signIn(t, c, "ada")
	lv := c.Mount("/members")
	if !lv.Contains("Signed in as ada") {
		t.Fatalf("members: %s", lv.HTML())
	}
	// Navigating to the counter crosses live sessions: a full page load.
	if err := lv.ClickElement("#to-counter"); err != nil || lv.Redirect() != "/" {
		t.Fatalf("cross-session navigation: %v, redirect %q", err, lv.Redirect())
	}
	lv2 := c.Mount("/members")
	app.SignOutAll(livetest.Context(t))
	if code := lv2.AwaitClose(); code != 4000 {
		t.Fatalf("sign-out closed the socket with %d", code)
	}
	if again := c.Mount("/members"); again.Redirect() != "/signin" {
		t.Fatalf("after sign-out: redirect %q", again.Redirect())
	}
}

func signIn(t *testing.T, c *livetest.Client, user string) {
	t.Helper()
	_, _, body := c.Get("/signin")
	i := strings.Index(body, `name="_csrf" value="`)
	if i < 0 {
		t.Fatalf("no CSRF field: %s", body)
	}
	csrf := body[i+len(`name="_csrf" value="`):]
	csrf = csrf[:strings.IndexByte(csrf, '"')]
	req, _ := http.NewRequest("POST", c.URL("/signin"), strings.NewReader(url.Values{"_csrf": {csrf}, "user": {user}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+livetest.Host)
	resp, err := c.HTTP().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: status %d", resp.StatusCode)
	}
}

func TestSigninNeedsCSRF(t *testing.T) {
	c := livetest.NewClient(t, newApp(t))
	resp, err := c.HTTP().PostForm(c.URL("/signin"), url.Values{"user": {"eve"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d, want 403", resp.StatusCode)
	}
}

func TestClockTicksAndTheSummaryLoads(t *testing.T) {
	app, err := example.New(example.Config{Secret: []byte(strings.Repeat("example-secret!!", 3)), SummaryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	lv := livetest.Mount(t, app, "/clock")
	if !strings.Contains(lv.DeadHTML(), "Loading the summary") {
		t.Fatalf("the dead render does not show the loading state: %s", lv.DeadHTML())
	}
	lv.Await("3 items in the shared list")
	first := lv.ElementHTML("#clock")
	lv.AwaitFunc("a tick", func(string) bool { return lv.ElementHTML("#clock") != first })
	if err := lv.ClickElement("#reload"); err != nil {
		t.Fatal(err)
	}
	lv.Await("3 items in the shared list")
}

func TestFeedFollowsEveryUpdate(t *testing.T) {
	app := newApp(t)
	c := livetest.NewClient(t, app)
	tab := c.Mount("/feed")
	if got := strings.Count(tab.DeadHTML(), "<li "); got != example.FeedRows {
		t.Fatalf("dead render has %d rows, want %d:\n%s", got, example.FeedRows, tab.DeadHTML())
	}
	if !tab.Contains(`<p id="feed-version">version 0</p>`) || !tab.Contains(`<li id="feed-25">row 25 v0</li>`) {
		t.Fatalf("connected render: %s", tab.HTML())
	}
	// 27 updates: the first 25 change every row once, the last two rows 1 and 2 again.
	v, err := app.UpdateFeed(livetest.Context(t), example.FeedRows+2)
	if err != nil || v != example.FeedRows+2 {
		t.Fatalf("UpdateFeed = %d, %v; want %d", v, err, example.FeedRows+2)
	}
	tab.Await(`<p id="feed-version">version 27</p>`)
	for _, want := range []string{`<li id="feed-1">row 1 v26</li>`, `<li id="feed-2">row 2 v27</li>`, `<li id="feed-3">row 3 v3</li>`, `<li id="feed-25">row 25 v25</li>`} {
		tab.Await(want)
	}
	if got := strings.Count(tab.HTML(), "<li "); got != example.FeedRows {
		t.Errorf("after the updates the feed has %d rows, want %d", got, example.FeedRows)
	}
}
