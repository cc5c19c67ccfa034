package web_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live/livetest"

	"github.com/liveapp/liveapp/template/internal/projects"
)

func TestProjectsNeedALogIn(t *testing.T) {
	a := newApp(t)
	for _, path := range []string{"/projects", "/projects/new", "/projects/1", "/projects/1/edit"} {
		if v := a.browser(t).Mount(path); v.Redirect() != "/users/log-in" {
			t.Errorf("anonymous GET %s: redirect %q, want /users/log-in", path, v.Redirect())
		}
	}
}

func TestCreateEditAndDeleteAProject(t *testing.T) {
	a := newApp(t)
	c, _ := a.loggedIn(t, "alice@example.com")

	index := c.Mount("/projects")
	if !index.Contains(`id="no-projects"`) {
		t.Fatalf("empty list: %s", index.HTML())
	}
	if err := index.ClickElement("#new-project"); err != nil {
		t.Fatal(err)
	}
	// Errors show as the user types, only for the fields they touched.
	if err := index.ChangeForm("#description", url.Values{"description": {""}}); err != nil {
		t.Fatal(err)
	}
	if index.Contains("class=\"error\"") {
		t.Errorf("an untouched field shows an error: %s", index.HTML())
	}
	if err := index.ChangeForm("#name", url.Values{"name": {strings.Repeat("x", 101)}}); err != nil {
		t.Fatal(err)
	}
	if !index.Contains("Name should be at most 100 characters") {
		t.Errorf("a long name shows no error: %s", index.HTML())
	}
	if err := index.SubmitForm("#project-form", url.Values{"name": {" "}, "description": {"Plant tomatoes"}}); err != nil {
		t.Fatal(err)
	}
	if !index.Contains("Name can't be blank") || index.URL() != "/projects/new" {
		t.Fatalf("a blank name was not refused inline: %s", index.HTML())
	}
	if err := index.SubmitForm("#project-form", url.Values{"name": {"Garden"}, "description": {"Plant tomatoes"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(index.URL(), "/projects/") || !index.Contains("Project created.") ||
		!index.Contains(`<h1 id="project-name">Garden</h1>`) || !index.Contains("Plant tomatoes") {
		t.Fatalf("after create, at %s: %s", index.URL(), index.HTML())
	}
	show := index.URL()

	if err := index.ClickElement(`a[href$="/edit"]`); err != nil {
		t.Fatal(err)
	}
	if err := index.SubmitForm("#project-form", url.Values{"name": {"Vegetable garden"}, "description": {""}}); err != nil {
		t.Fatal(err)
	}
	if index.URL() != show || !index.Contains("Vegetable garden") || !index.Contains("Project updated.") {
		t.Fatalf("after edit, at %s: %s", index.URL(), index.HTML())
	}

	if !index.Has("#confirm-delete[hidden]") {
		t.Fatalf("the delete confirmation is not there, hidden: %s", index.HTML())
	}
	if err := pressConfirm(t, index, "confirm-delete"); err != nil {
		t.Fatal(err)
	}
	if index.URL() != "/projects" || !index.Contains("Project deleted.") || !index.Contains(`id="no-projects"`) {
		t.Fatalf("after delete, at %s: %s", index.URL(), index.HTML())
	}
}

func TestProjectsFollowChangesInTheOwnersOtherTabs(t *testing.T) {
	a := newApp(t)
	c, alice := a.loggedIn(t, "alice@example.com")
	other, _ := a.loggedIn(t, "bob@example.com")
	scope := accounts.Scope{User: alice}

	list, form := c.Mount("/projects"), c.Mount("/projects/new")
	bobs := other.Mount("/projects")
	if err := form.SubmitForm("#project-form", url.Values{"name": {"Garden"}}); err != nil {
		t.Fatal(err)
	}
	list.Await("Garden")

	p := firstProject(t, a, scope)
	show := c.Mount(fmt.Sprintf("/projects/%d", p.ID))
	if _, err := a.Projects.Update(livetest.Context(t), scope, p.ID, projects.Params{Name: "Yard"}); err != nil {
		t.Fatal(err)
	}
	list.Await("Yard")
	show.Await(`<h1 id="project-name">Yard</h1>`)

	if err := pressConfirm(t, list, fmt.Sprintf("delete-project-%d", p.ID)); err != nil {
		t.Fatal(err)
	}
	show.Await("This project was deleted.")
	if show.URL() != "/projects" {
		t.Errorf("the deleted project's tab is at %s, want /projects", show.URL())
	}
	if bobs.Contains("Garden") || bobs.Contains("Yard") {
		t.Errorf("another user's tab shows alice's project: %s", bobs.HTML())
	}
}

// TestAnotherUsersProjectCannotBeReached is the authorization test: bob knows
// the id of alice's project and tries every way in, through URLs and through
// crafted events. Each is refused and alice's project stays as it was.
func TestAnotherUsersProjectCannotBeReached(t *testing.T) {
	a := newApp(t)
	_, alice := a.loggedIn(t, "alice@example.com")
	bob, bobUser := a.loggedIn(t, "bob@example.com")
	ctx := livetest.Context(t)
	secret, err := a.Projects.Create(ctx, accounts.Scope{User: alice}, projects.Params{Name: "Alice's secret", Description: "do not touch"})
	if err != nil {
		t.Fatal(err)
	}
	own, err := a.Projects.Create(ctx, accounts.Scope{User: bobUser}, projects.Params{Name: "Bob's project"})
	if err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprint(secret.ID)

	t.Run("direct URLs answer 404", func(t *testing.T) {
		for _, path := range []string{"/projects/" + id, "/projects/" + id + "/edit"} {
			status, _, body := bob.Get(path)
			if status != http.StatusNotFound || strings.Contains(body, "Alice") {
				t.Errorf("GET %s: %d, want 404 without alice's data", path, status)
			}
		}
	})
	t.Run("the list does not show it", func(t *testing.T) {
		if v := bob.Mount("/projects"); v.Contains("Alice") || !v.Contains("Bob's project") {
			t.Errorf("bob's list: %s", v.HTML())
		}
	})
	t.Run("live navigation to it is a page load that fails", func(t *testing.T) {
		v := bob.Mount("/projects")
		if err := v.Navigate("/projects/" + id + "/edit"); err != nil {
			t.Fatal(err)
		}
		if v.Redirect() != "/projects/"+id+"/edit" || v.Contains("Alice") {
			t.Errorf("navigation: redirect %q, HTML %s", v.Redirect(), v.HTML())
		}
	})
	t.Run("a delete event with its id deletes nothing", func(t *testing.T) {
		v := bob.Mount("/projects")
		if err := v.Click("delete", "id", id); err != nil {
			t.Fatal(err)
		}
		if !v.Contains("Project not found.") {
			t.Errorf("no refusal shown: %s", v.HTML())
		}
	})
	t.Run("a save event with its id edits only bob's own project", func(t *testing.T) {
		v := bob.Mount(fmt.Sprintf("/projects/%d/edit", own.ID))
		if err := v.Submit("save", url.Values{"id": {id}, "name": {"pwned"}}); err != nil {
			t.Fatal(err)
		}
		if got, err := a.Projects.Get(ctx, accounts.Scope{User: bobUser}, own.ID); err != nil || got.Name != "pwned" {
			t.Errorf("bob's own project: %+v (%v)", got, err)
		}
	})
	t.Run("a save event on the new form creates bob's own project", func(t *testing.T) {
		v := bob.Mount("/projects/new")
		if err := v.Submit("save", url.Values{"id": {id}, "user_id": {fmt.Sprint(alice.ID)}, "name": {"mine"}}); err != nil {
			t.Fatal(err)
		}
		list, err := a.Projects.List(ctx, accounts.Scope{User: alice})
		if err != nil || len(list) != 1 {
			t.Errorf("alice's projects: %+v (%v), want only her own", list, err)
		}
	})

	got, err := a.Projects.Get(ctx, accounts.Scope{User: alice}, secret.ID)
	if err != nil || got.Name != "Alice's secret" || got.Description != "do not touch" || !got.UpdatedAt.Equal(secret.UpdatedAt) {
		t.Errorf("alice's project after bob's attempts: %+v (%v)", got, err)
	}
	if _, err := a.Projects.Get(ctx, accounts.Scope{User: bobUser}, secret.ID); !errors.Is(err, projects.ErrNotFound) {
		t.Errorf("bob can get alice's project: %v", err)
	}
}

func firstProject(t *testing.T, a *testApp, scope accounts.Scope) projects.Project {
	t.Helper()
	list, err := a.Projects.List(livetest.Context(t), scope)
	if err != nil || len(list) == 0 {
		t.Fatalf("projects: %v (%v)", list, err)
	}
	return list[0]
}

func TestBadBytesInAProjectFormAreValidationErrors(t *testing.T) {
	a := newApp(t)
	c, _ := a.loggedIn(t, "alice@example.com")
	v := c.Mount("/projects/new")
	if err := v.SubmitForm("#project-form", url.Values{"name": {"Gar\x00den"}, "description": {"Plant\x00tomatoes"}}); err != nil {
		t.Fatalf("a NUL byte in a project's fields: %v", err)
	}
	if !v.Contains("Name must be valid text") || !v.Contains("Description must be valid text") || v.URL() != "/projects/new" {
		t.Errorf("a NUL byte in a project's fields: %s", v.HTML())
	}
}
