package projects

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live/coalesce"
	"github.com/liveapp/liveapp/live/pubsub"
)

// Store keeps projects in PostgreSQL (the app's migrations create the table) and
// announces changes on a PubSub: within the change's transaction when the
// PubSub can (see write), so that a change and its announcement commit
// together. It is safe for concurrent use.
type Store struct {
	db     *pgxpool.Pool
	pubsub pubsub.PubSub
	lists  coalesce.Group[int64, []Project] // List's queries, shared by a user's tabs
}

// NewStore returns a Store over db that publishes changes on ps (usually the
// live runtime's PubSub, so views can subscribe).
func NewStore(db *pgxpool.Pool, ps pubsub.PubSub) *Store {
	return &Store{db: db, pubsub: ps}
}

const columns = "id, user_id, name, description, inserted_at, updated_at"

func scan(row pgx.Row) (*Project, error) {
	p := new(Project)
	err := row.Scan(&p.ID, &p.UserID, &p.Name, &p.Description, &p.InsertedAt, &p.UpdatedAt)
	return p, err
}

// userID returns the id of the scope's user, or accounts.ErrNoUser.
func userID(scope accounts.Scope) (int64, error) {
	if scope.User == nil {
		return 0, accounts.ErrNoUser
	}
	return scope.User.ID, nil
}

// List returns the scope's user's projects, most recently created first.
//
// When a project changes, every open list of its user reloads: on a node with many of
// the user's tabs, they share one query (see coalesce.Group), never one that started
// before they asked. So the slice may be shared: do not modify it.
func (s *Store) List(ctx context.Context, scope accounts.Scope) ([]Project, error) {
	uid, err := userID(scope)
	if err != nil {
		return nil, err
	}
	return s.lists.Do(ctx, uid, func(ctx context.Context) ([]Project, error) { return s.list(ctx, uid) })
}

func (s *Store) list(ctx context.Context, uid int64) ([]Project, error) {
	rows, err := s.db.Query(ctx,
		"SELECT "+columns+" FROM projects WHERE user_id = $1 ORDER BY inserted_at DESC, id DESC", uid)
	if err != nil {
		return nil, fmt.Errorf("projects: list: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Project, error) {
		p, err := scan(row)
		if err != nil {
			return Project{}, err
		}
		return *p, nil
	})
	if err != nil {
		return nil, fmt.Errorf("projects: list: %w", err)
	}
	return list, nil
}

// Get returns the scope's user's project with id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, scope accounts.Scope, id int64) (*Project, error) {
	uid, err := userID(scope)
	if err != nil {
		return nil, err
	}
	p, err := scan(s.db.QueryRow(ctx,
		"SELECT "+columns+" FROM projects WHERE user_id = $1 AND id = $2", uid, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("projects: get %d: %w", id, err)
	}
	return p, nil
}

// Create creates a project owned by the scope's user. It returns a
// *ValidationError for invalid params.
func (s *Store) Create(ctx context.Context, scope accounts.Scope, params Params) (*Project, error) {
	uid, err := userID(scope)
	if err != nil {
		return nil, err
	}
	if err := params.Validate(); err != nil {
		return nil, err
	}
	params = params.Normalize()
	var p *Project
	err = s.write(ctx, scope, func(db querier) (Event, error) {
		p, err = scan(db.QueryRow(ctx,
			"INSERT INTO projects (user_id, name, description) VALUES ($1, $2, $3) RETURNING "+columns,
			uid, params.Name, params.Description))
		if err != nil {
			return Event{}, fmt.Errorf("projects: create: %w", err)
		}
		return Event{Kind: Created, ID: p.ID}, nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Update sets the fields of the scope's user's project with id. It returns a
// *ValidationError for invalid params and ErrNotFound when the user has no
// such project; either way nothing changes.
func (s *Store) Update(ctx context.Context, scope accounts.Scope, id int64, params Params) (*Project, error) {
	uid, err := userID(scope)
	if err != nil {
		return nil, err
	}
	if err := params.Validate(); err != nil {
		return nil, err
	}
	params = params.Normalize()
	var p *Project
	err = s.write(ctx, scope, func(db querier) (Event, error) {
		p, err = scan(db.QueryRow(ctx,
			`UPDATE projects SET name = $3, description = $4, updated_at = now()
			WHERE user_id = $1 AND id = $2 RETURNING `+columns,
			uid, id, params.Name, params.Description))
		if errors.Is(err, pgx.ErrNoRows) {
			return Event{}, ErrNotFound
		}
		if err != nil {
			return Event{}, fmt.Errorf("projects: update %d: %w", id, err)
		}
		return Event{Kind: Updated, ID: p.ID}, nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Delete deletes the scope's user's project with id, or returns ErrNotFound
// when the user has no such project.
func (s *Store) Delete(ctx context.Context, scope accounts.Scope, id int64) error {
	uid, err := userID(scope)
	if err != nil {
		return err
	}
	return s.write(ctx, scope, func(db querier) (Event, error) {
		tag, err := db.Exec(ctx, "DELETE FROM projects WHERE user_id = $1 AND id = $2", uid, id)
		if err != nil {
			return Event{}, fmt.Errorf("projects: delete %d: %w", id, err)
		}
		if tag.RowsAffected() == 0 {
			return Event{}, ErrNotFound
		}
		return Event{Kind: Deleted, ID: id}, nil
	})
}

// querier runs a write's statements: the pool, or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// txPublisher is a PubSub that can publish within a transaction, such as
// pgpubsub: the message goes out if the transaction commits, and nowhere if it
// rolls back.
type txPublisher interface {
	PublishTx(ctx context.Context, tx pgx.Tx, topic string, data []byte) error
}

// write runs change and announces the Event it returns on the scope's Topic.
//
// When the PubSub is a txPublisher, change runs in a transaction that carries
// the announcement, so other nodes hear of a change only if it commits, and
// always if it does. Otherwise (the in-process PubSub, which reaches this node
// only) change runs on its own and the announcement follows: there is nothing
// to roll back after a single statement.
func (s *Store) write(ctx context.Context, scope accounts.Scope, change func(querier) (Event, error)) error {
	txps, ok := s.pubsub.(txPublisher)
	if !ok {
		e, err := change(s.db)
		if err != nil {
			return err
		}
		s.publish(ctx, scope, e)
		return nil
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("projects: begin: %w", err)
	}
	defer tx.Rollback(ctx) // does nothing after Commit
	e, err := change(tx)
	if err != nil {
		return err
	}
	// A failed publish has aborted the transaction: the change is not saved,
	// rather than saved unannounced.
	if err := txps.PublishTx(ctx, tx, Topic(scope), e.data()); err != nil {
		return fmt.Errorf("projects: announce %s %d: %w", e.Kind, e.ID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("projects: commit %s %d: %w", e.Kind, e.ID, err)
	}
	return nil
}
