// Package avatars keeps the picture each user may choose for their account:
// the file in a storage.Store, under a random key the store makes, and which
// key is whose in the user_avatars table (created by liveapp's accounts
// migrations). Every call takes the caller's accounts.Scope and only ever
// touches that user's avatar.
//
// Only images are kept, and the type is the one sniffed from the file's first
// bytes, never the name or type the browser gave: see Accept and Check.
package avatars

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live/storage"
)

// MaxSize is the largest avatar accepted, in bytes.
const MaxSize = 2 << 20

// Accept lists what the upload accepts, as live.UploadOptions.Accept takes it:
// the runtime refuses a file whose sniffed type is not one of these.
var Accept = []string{".png", ".jpg", ".jpeg", ".webp", ".gif", "image/png", "image/jpeg", "image/webp", "image/gif"}

// types are the sniffed types an avatar may have, with the extension it is
// stored under: what the file is, not what it was called.
var types = map[string]string{
	"image/png":  ".png",
	"image/jpeg": ".jpg",
	"image/webp": ".webp",
	"image/gif":  ".gif",
}

// ErrNotImage is returned for a file that is not a PNG, JPEG, WebP or GIF image.
var ErrNotImage = errors.New("avatars: not a PNG, JPEG, WebP or GIF image")

// ErrNotFound is returned when the user has no avatar, or not that one.
var ErrNotFound = errors.New("avatars: not found")

// Store keeps avatars. It is safe for concurrent use.
type Store struct {
	db    *pgxpool.Pool
	files storage.Store
}

// NewStore returns a Store with the table in db and the files in files.
func NewStore(db *pgxpool.Pool, files storage.Store) *Store {
	return &Store{db: db, files: files}
}

// Key returns the storage key of the scope's user's avatar, or "" when they
// have none.
func (s *Store) Key(ctx context.Context, scope accounts.Scope) (string, error) {
	if scope.User == nil {
		return "", accounts.ErrNoUser
	}
	var key string
	err := s.db.QueryRow(ctx, "SELECT key FROM user_avatars WHERE user_id = $1", scope.User.ID).Scan(&key)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("avatars: get: %w", err)
	}
	return key, nil
}

// Put makes the image r holds the scope's user's avatar, in place of any
// other, and returns its key. It sniffs the type itself, whatever checked it
// before, and returns ErrNotImage (keeping nothing) for anything but an image
// of the accepted types, and an error past MaxSize bytes.
func (s *Store) Put(ctx context.Context, scope accounts.Scope, r io.Reader) (string, error) {
	if scope.User == nil {
		return "", accounts.ErrNoUser
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("avatars: put: %w", err)
	}
	head = head[:n]
	ext, ok := types[http.DetectContentType(head)]
	if !ok {
		return "", ErrNotImage
	}
	body := &limited{r: io.MultiReader(bytes.NewReader(head), r), left: MaxSize}
	key, err := s.files.Put(ctx, body, ext)
	if err != nil {
		return "", fmt.Errorf("avatars: put: %w", err)
	}
	old, err := s.swap(ctx, scope.User.ID, key)
	if err != nil {
		_ = s.files.Delete(context.WithoutCancel(ctx), key)
		return "", fmt.Errorf("avatars: put: %w", err)
	}
	if old != "" {
		if err := s.files.Delete(ctx, old); err != nil {
			return key, fmt.Errorf("avatars: delete the previous file: %w", err)
		}
	}
	return key, nil
}

// swap records key as the user's avatar and returns the key it replaces, or "".
func (s *Store) swap(ctx context.Context, userID int64, key string) (string, error) {
	var old string
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, "SELECT key FROM user_avatars WHERE user_id = $1 FOR UPDATE", userID).Scan(&old)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO user_avatars (user_id, key) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET key = excluded.key, updated_at = now()`, userID, key)
		return err
	})
	return old, err
}

// Delete removes the scope's user's avatar; having none is not an error.
func (s *Store) Delete(ctx context.Context, scope accounts.Scope) error {
	if scope.User == nil {
		return accounts.ErrNoUser
	}
	var key string
	err := s.db.QueryRow(ctx, "DELETE FROM user_avatars WHERE user_id = $1 RETURNING key", scope.User.ID).Scan(&key)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("avatars: delete: %w", err)
	}
	if err := s.files.Delete(ctx, key); err != nil {
		return fmt.Errorf("avatars: delete: %w", err)
	}
	return nil
}

// Open returns the file of the scope's user's avatar if key is its key, or
// ErrNotFound: a user can only ever read their own avatar.
func (s *Store) Open(ctx context.Context, scope accounts.Scope, key string) (io.ReadCloser, error) {
	own, err := s.Key(ctx, scope)
	if err != nil {
		return nil, err
	}
	if own == "" || own != key {
		return nil, ErrNotFound
	}
	f, err := s.files.Open(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, ErrNotFound
	}
	return f, err
}

// errTooLarge stops a copy past MaxSize.
var errTooLarge = fmt.Errorf("avatars: larger than %d bytes", MaxSize)

// limited reads r until left bytes have been read, then fails.
type limited struct {
	r    io.Reader
	left int64
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return 0, errTooLarge
	}
	return n, err
}
