package projects_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live/pubsub"
	"github.com/liveapp/liveapp/live/pubsub/pgpubsub"
	"github.com/liveapp/liveapp/pgtest"

	"github.com/liveapp/liveapp/template/internal/projects"
	"github.com/liveapp/liveapp/template/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// newStore returns a Store on a fresh migrated database, its PubSub, and the
// scopes of two users, alice and bob.
func newStore(t *testing.T) (store *projects.Store, ps *pubsub.Memory, alice, bob accounts.Scope) {
	t.Helper()
	db := pgtest.New(t, pgtest.WithTemplate("app", migrations.Apply))
	ps = pubsub.NewMemory()
	return projects.NewStore(db, ps), ps, user(t, db, "alice@example.com"), user(t, db, "bob@example.com")
}

// newStoreOnPostgres is newStore with a pgpubsub PubSub, which publishes within
// the change's transaction, as the app does in production.
func newStoreOnPostgres(t *testing.T) (store *projects.Store, ps *pgpubsub.PubSub, db *pgxpool.Pool, alice accounts.Scope) {
	t.Helper()
	db = pgtest.New(t, pgtest.WithTemplate("app", migrations.Apply))
	ps, err := pgpubsub.New(t.Context(), db, pgpubsub.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ps.Close)
	return projects.NewStore(db, ps), ps, db, user(t, db, "alice@example.com")
}

// events subscribes to the scope's Topic on ps and returns what arrives, as
// "kind:id".
func events(t *testing.T, ps pubsub.PubSub, scope accounts.Scope) <-chan string {
	t.Helper()
	got := make(chan string, 10)
	cancel, err := ps.Subscribe(projects.Topic(scope), func(m pubsub.Message) {
		e, err := projects.ParseEvent(m.Data)
		if err != nil {
			t.Error(err)
		}
		got <- fmt.Sprintf("%s:%d", e.Kind, e.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	return got
}

// user inserts a user directly: these tests are about projects, not accounts.
func user(t *testing.T, db *pgxpool.Pool, email string) accounts.Scope {
	t.Helper()
	u := &accounts.User{Email: email}
	if err := db.QueryRow(t.Context(), "INSERT INTO users (email) VALUES ($1) RETURNING id", email).Scan(&u.ID); err != nil {
		t.Fatal(err)
	}
	return accounts.Scope{User: u}
}

func create(t *testing.T, s *projects.Store, scope accounts.Scope, name string) *projects.Project {
	t.Helper()
	p, err := s.Create(t.Context(), scope, projects.Params{Name: name, Description: "about " + name})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCRUD(t *testing.T) {
	s, _, alice, _ := newStore(t)
	ctx := t.Context()
	p, err := s.Create(ctx, alice, projects.Params{Name: "  Garden  ", Description: " Plant tomatoes "})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Garden" || p.Description != "Plant tomatoes" || p.UserID != alice.UserID() {
		t.Errorf("created %+v: want trimmed fields owned by alice", p)
	}
	create(t, s, alice, "Kitchen")
	list, err := s.List(ctx, alice)
	if err != nil || len(list) != 2 || list[0].Name != "Kitchen" {
		t.Fatalf("list %+v (%v): want Kitchen then Garden", list, err)
	}
	if _, err := s.Update(ctx, alice, p.ID, projects.Params{Name: "Vegetable garden"}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, alice, p.ID); err != nil || got.Name != "Vegetable garden" || got.Description != "" {
		t.Errorf("after update: %+v (%v)", got, err)
	}
	if err := s.Delete(ctx, alice, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, alice, p.ID); !errors.Is(err, projects.ErrNotFound) {
		t.Errorf("get after delete: %v, want ErrNotFound", err)
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		params projects.Params
		field  string // the field with an error, or "" when valid
	}{
		{"a name is required", projects.Params{Name: "   "}, "name"},
		{"a name of 100 characters is accepted", projects.Params{Name: strings.Repeat("é", 100)}, ""},
		{"a name of 101 characters is refused", projects.Params{Name: strings.Repeat("é", 101)}, "name"},
		{"a description is optional", projects.Params{Name: "x"}, ""},
		{"a description of 2001 characters is refused", projects.Params{Name: "x", Description: strings.Repeat("d", 2001)}, "description"},
		{"a NUL byte in the name is refused", projects.Params{Name: "a\x00b"}, "name"},
		{"invalid UTF-8 in the name is refused", projects.Params{Name: "caf\xe9"}, "name"},
		{"a NUL byte in the description is refused", projects.Params{Name: "x", Description: "a\x00b"}, "description"},
		{"invalid UTF-8 in the description is refused", projects.Params{Name: "x", Description: "\xff"}, "description"},
	}
	s, _, alice, _ := newStore(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := projects.FieldErrors(tt.params.Validate())
			if tt.field == "" && fields != nil || tt.field != "" && fields[tt.field] == "" {
				t.Errorf("Validate: %v, want an error on %q", fields, tt.field)
			}
			_, err := s.Create(t.Context(), alice, tt.params)
			if tt.field == "" && err != nil || tt.field != "" && projects.FieldErrors(err)[tt.field] == "" {
				t.Errorf("Create: %v, want an error on %q", err, tt.field)
			}
		})
	}
}

// TestOtherUsersProjectsAreNotFound is the authorization rule: whatever id bob
// passes, he can only reach his own projects.
func TestOtherUsersProjectsAreNotFound(t *testing.T) {
	s, _, alice, bob := newStore(t)
	ctx := t.Context()
	p := create(t, s, alice, "Alice's secret")
	if _, err := s.Get(ctx, bob, p.ID); !errors.Is(err, projects.ErrNotFound) {
		t.Errorf("bob's Get: %v, want ErrNotFound", err)
	}
	if _, err := s.Update(ctx, bob, p.ID, projects.Params{Name: "pwned"}); !errors.Is(err, projects.ErrNotFound) {
		t.Errorf("bob's Update: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, bob, p.ID); !errors.Is(err, projects.ErrNotFound) {
		t.Errorf("bob's Delete: %v, want ErrNotFound", err)
	}
	if list, err := s.List(ctx, bob); err != nil || len(list) != 0 {
		t.Errorf("bob's List: %v (%v), want nothing", list, err)
	}
	if got, err := s.Get(ctx, alice, p.ID); err != nil || got.Name != "Alice's secret" {
		t.Errorf("alice's project after bob's attempts: %+v (%v)", got, err)
	}
	if _, err := s.List(ctx, accounts.Scope{}); !errors.Is(err, accounts.ErrNoUser) {
		t.Errorf("List without a user: %v, want ErrNoUser", err)
	}
}

func TestChangesArePublishedToTheOwner(t *testing.T) {
	s, ps, alice, bob := newStore(t)
	got := make(chan string, 10)
	for _, scope := range []accounts.Scope{alice, bob} {
		cancel, err := ps.Subscribe(projects.Topic(scope), func(m pubsub.Message) {
			e, err := projects.ParseEvent(m.Data)
			if err != nil {
				t.Error(err)
			}
			got <- m.Topic + " " + string(e.Kind)
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cancel)
	}
	p := create(t, s, alice, "Garden")
	if _, err := s.Update(t.Context(), alice, p.ID, projects.Params{Name: "Yard"}); err != nil {
		t.Fatal(err)
	}
	_ = s.Delete(t.Context(), bob, p.ID) // refused: publishes nothing
	if err := s.Delete(t.Context(), alice, p.ID); err != nil {
		t.Fatal(err)
	}
	topic := projects.Topic(alice)
	for _, want := range []string{topic + " created", topic + " updated", topic + " deleted"} {
		select {
		case m := <-got:
			if m != want {
				t.Errorf("got %q, want %q", m, want)
			}
		case <-time.After(time.Second):
			t.Fatalf("no %q", want)
		}
	}
	select {
	case m := <-got:
		t.Errorf("unexpected %q", m)
	default:
	}
}

func TestChangesArePublishedOnPostgres(t *testing.T) {
	s, ps, _, alice := newStoreOnPostgres(t)
	got := events(t, ps, alice)
	p := create(t, s, alice, "Garden")
	if _, err := s.Update(t.Context(), alice, p.ID, projects.Params{Name: "Yard"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(t.Context(), alice, p.ID+1); !errors.Is(err, projects.ErrNotFound) {
		t.Fatalf("delete a missing project: %v", err)
	}
	if err := s.Delete(t.Context(), alice, p.ID); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"created", "updated", "deleted"} {
		want := fmt.Sprintf("%s:%d", kind, p.ID)
		select {
		case m := <-got:
			if m != want {
				t.Errorf("got %q, want %q", m, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %q", want)
		}
	}
}

// TestARolledBackChangeIsNotAnnounced: on a PubSub that publishes within the
// change's transaction, a change that does not commit announces nothing.
func TestARolledBackChangeIsNotAnnounced(t *testing.T) {
	s, ps, db, alice := newStoreOnPostgres(t)
	ctx := t.Context()
	// A check deferred to the commit refuses projects named "Doomed": their
	// insert succeeds, and so does their announcement, but the commit fails.
	for _, sql := range []string{
		`CREATE FUNCTION refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.name = 'Doomed' THEN
				RAISE EXCEPTION 'doomed';
			END IF;
			RETURN NULL;
		END $$`,
		`CREATE CONSTRAINT TRIGGER refuse_doomed AFTER INSERT ON projects
		DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_doomed()`,
	} {
		if _, err := db.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	got := events(t, ps, alice)
	if _, err := s.Create(ctx, alice, projects.Params{Name: "Doomed"}); err == nil || !strings.Contains(err.Error(), "doomed") {
		t.Fatalf("create Doomed: %v, want the commit refused", err)
	}
	if list, err := s.List(ctx, alice); err != nil || len(list) != 0 {
		t.Fatalf("after the refused commit: %v (%v), want no project", list, err)
	}
	p := create(t, s, alice, "Garden")
	// Notifications arrive in commit order: had the refused change been
	// announced, its event would come first.
	want := fmt.Sprintf("created:%d", p.ID)
	select {
	case m := <-got:
		if m != want {
			t.Errorf("got %q, want only %q", m, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no %q", want)
	}
}
