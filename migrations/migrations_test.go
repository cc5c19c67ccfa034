package migrations_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"

	"github.com/liveapp/liveapp/migrations"
	"github.com/liveapp/liveapp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// ourCount is the number of liveapp's migration files.
const ourCount = 4

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func version(t *testing.T, conn *pgx.Conn, table string) int {
	t.Helper()
	var v int
	if err := conn.QueryRow(t.Context(), "select version from "+table).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestApplyCreatesTheAccountsSchema(t *testing.T) {
	conn := connect(t, pgtest.URL(t))
	if err := migrations.Apply(t.Context(), conn); err != nil {
		t.Fatal(err)
	}
	if v := version(t, conn, migrations.VersionTable); v != ourCount {
		t.Errorf("version %d, want %d", v, ourCount)
	}
	var tables []string
	rows, _ := conn.Query(t.Context(), "select tablename from pg_tables where schemaname = 'public' order by 1")
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tables, " "); got != "liveapp_schema_version rate_limits user_avatars users users_tokens" {
		t.Errorf("tables: %s", got)
	}
	var indexes int
	if err := conn.QueryRow(t.Context(), `select count(*) from pg_indexes where tablename = 'users_tokens'
		and indexname in ('users_tokens_user_id_idx', 'users_tokens_context_token_key')`).Scan(&indexes); err != nil || indexes != 2 {
		t.Errorf("users_tokens has %d of its 2 indexes (%v)", indexes, err)
	}
}

func TestApplyingTwiceChangesNothing(t *testing.T) {
	conn := connect(t, pgtest.URL(t))
	ctx := t.Context()
	if err := migrations.Apply(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "insert into users (email) values ('kept@example.com')"); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Apply(ctx, conn); err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	var n int
	if err := conn.QueryRow(ctx, "select count(*) from users").Scan(&n); err != nil || n != 1 {
		t.Errorf("after the second Apply: %d users (%v), want 1", n, err)
	}
	if v := version(t, conn, migrations.VersionTable); v != ourCount {
		t.Errorf("version %d, want %d", v, ourCount)
	}
}

func TestConcurrentApplyRunsEachMigrationOnce(t *testing.T) {
	// Without the lock, concurrent CREATE TABLEs fail ("already exists", or a
	// unique violation in pg_type); several rounds make an overlap likely.
	for range 3 {
		url := pgtest.URL(t)
		conns := []*pgx.Conn{connect(t, url), connect(t, url), connect(t, url), connect(t, url)}
		var wg sync.WaitGroup
		errs := make([]error, len(conns))
		for i, conn := range conns {
			wg.Go(func() { errs[i] = migrations.Apply(t.Context(), conn) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if v := version(t, conns[0], migrations.VersionTable); v != ourCount {
			t.Errorf("version %d, want %d", v, ourCount)
		}
	}
}

// migrated returns a pool on a fresh database with liveapp's migrations applied.
func migrated(t *testing.T) *pgxpool.Pool {
	t.Helper()
	return pgtest.New(t, pgtest.WithTemplate("accounts", migrations.Apply))
}

func TestSchemaConstraints(t *testing.T) {
	const setup = `insert into users (email) values ('alice@example.com'), ('bob@example.com'); -- ids 1 and 2
		insert into users_tokens (user_id, token, context) values (1, sha256('t1'), 'session')`
	tests := []struct {
		name, sql string
		violated  string // the constraint the insert violates, or "" when it succeeds
	}{
		{"an email differing only in case is refused", "insert into users (email) values ('Alice@Example.COM')", "users_email_key"},
		{"an email of 160 characters is accepted", "insert into users (email) values (repeat('a', 148) || '@example.com')", ""},
		{"an email of 161 characters is refused", "insert into users (email) values (repeat('a', 149) || '@example.com')", "users_email_length"},
		{"an email is required", "insert into users (email) values (null)", "not null"},
		{"a token is unique within its context", "insert into users_tokens (user_id, token, context) values (2, sha256('t1'), 'session')", "users_tokens_context_token_key"},
		{"the same token may serve another context", "insert into users_tokens (user_id, token, context) values (1, sha256('t1'), 'login')", ""},
		{"a token must be a SHA-256 hash", "insert into users_tokens (user_id, token, context) values (1, 't1', 'session')", "users_tokens_token_is_sha256"},
		{"a token belongs to an existing user", "insert into users_tokens (user_id, token, context) values (3, sha256('t2'), 'session')", "users_tokens_user_id_fkey"},
		{"a token records its client", "insert into users_tokens (user_id, token, context, user_agent, ip, sent_to) values (1, sha256('t3'), 'login', 'curl', '2001:db8::1', 'ALICE@example.com')", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := migrated(t)
			if _, err := db.Exec(t.Context(), setup); err != nil {
				t.Fatal(err)
			}
			_, err := db.Exec(t.Context(), tt.sql)
			var pgErr *pgconn.PgError
			errors.As(err, &pgErr)
			switch {
			case tt.violated == "":
				if err != nil {
					t.Errorf("refused: %v", err)
				}
			case tt.violated == "not null":
				if pgErr == nil || pgErr.Code != "23502" {
					t.Errorf("got %v, want a not-null violation", err)
				}
			case pgErr == nil || pgErr.ConstraintName != tt.violated:
				t.Errorf("got %v, want a violation of %s", err, tt.violated)
			}
		})
	}
}

func TestDeletingAUserDeletesTheirTokens(t *testing.T) {
	db := migrated(t)
	ctx := t.Context()
	_, err := db.Exec(ctx, `insert into users (email) values ('alice@example.com'), ('bob@example.com'); -- ids 1 and 2
		insert into users_tokens (user_id, token, context) values
			(1, sha256('a1'), 'session'), (1, sha256('a2'), 'login'), (2, sha256('b1'), 'session');
		delete from users where id = 1`)
	if err != nil {
		t.Fatal(err)
	}
	var left []int64
	rows, _ := db.Query(ctx, "select user_id from users_tokens")
	if left, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0] != 2 {
		t.Errorf("tokens left for users %v, want [2]", left)
	}
}

func TestAppMigrationsRunAfterOurs(t *testing.T) {
	app := fstest.MapFS{
		"001_create_posts.sql": {Data: []byte(`create table posts (
			id bigint generated by default as identity primary key,
			user_id bigint not null references users on delete cascade,
			title text not null)`)},
		"002_index_posts.sql": {Data: []byte("create index on posts (user_id)")},
	}
	conn := connect(t, pgtest.URL(t))
	ctx := t.Context()
	for range 2 { // the second round is a no-op
		if err := migrations.Apply(ctx, conn); err != nil {
			t.Fatal(err)
		}
		if err := migrations.ApplyFS(ctx, conn, app, "public.schema_version"); err != nil {
			t.Fatal(err)
		}
	}
	if v := version(t, conn, migrations.VersionTable); v != ourCount {
		t.Errorf("liveapp's version %d, want %d", v, ourCount)
	}
	if v := version(t, conn, "public.schema_version"); v != 2 {
		t.Errorf("the app's version %d, want 2", v)
	}
	if _, err := conn.Exec(ctx, "insert into users (id, email) values (1, 'a@example.com'); insert into posts (user_id, title) values (1, 'hi')"); err != nil {
		t.Fatal(err)
	}
}

func TestApplyFSRefusesABadVersionTable(t *testing.T) {
	for _, table := range []string{"", "schema_version; drop table users", `"Quoted"`, "a.b.c"} {
		err := migrations.ApplyFS(t.Context(), nil, fstest.MapFS{}, table)
		if err == nil || !strings.Contains(err.Error(), "version table") {
			t.Errorf("table %q: got %v", table, err)
		}
	}
}

func TestAFailedAppMigrationIsRolledBack(t *testing.T) {
	app := fstest.MapFS{
		"001_ok.sql":     {Data: []byte("create table a (id int)")},
		"002_broken.sql": {Data: []byte("create table b (id int); select * from missing")},
	}
	conn := connect(t, pgtest.URL(t))
	err := migrations.ApplyFS(t.Context(), conn, app, "public.schema_version")
	var mErr migrate.MigrationPgError
	if !errors.As(err, &mErr) || mErr.MigrationName != "002_broken.sql" {
		t.Fatalf("got %v, want an error naming 002_broken.sql", err)
	}
	var b *string
	if err := conn.QueryRow(t.Context(), "select to_regclass('b')::text").Scan(&b); err != nil || b != nil {
		t.Errorf("table b exists after its migration failed (%v)", err)
	}
	if v := version(t, conn, "public.schema_version"); v != 1 {
		t.Errorf("version %d, want 1", v)
	}
}

// TestMigrationsRollBack runs the down sections, which liveapp db rollback will
// use.
func TestMigrationsRollBack(t *testing.T) {
	conn := connect(t, pgtest.URL(t))
	ctx := t.Context()
	if err := migrations.Apply(ctx, conn); err != nil {
		t.Fatal(err)
	}
	m, err := migrate.NewMigrator(ctx, conn, migrations.VersionTable)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.LoadMigrations(migrations.Files()); err != nil {
		t.Fatal(err)
	}
	if err := m.MigrateTo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	var users *string
	if err := conn.QueryRow(ctx, "select to_regclass('users')::text").Scan(&users); err != nil || users != nil {
		t.Errorf("users exists after rolling back (%v)", err)
	}
	if err := migrations.Apply(ctx, conn); err != nil {
		t.Fatalf("Apply after rolling back: %v", err)
	}
}
