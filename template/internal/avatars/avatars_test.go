package avatars_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"io"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live/storage"
	"github.com/liveapp/liveapp/pgtest"

	"github.com/liveapp/liveapp/template/internal/avatars"
	"github.com/liveapp/liveapp/template/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// newStore returns a Store on a fresh migrated database with its files in dir,
// and the scopes of two users.
func newStore(t *testing.T) (s *avatars.Store, dir string, alice, bob accounts.Scope) {
	t.Helper()
	db := pgtest.New(t, pgtest.WithTemplate("app", migrations.Apply))
	dir = t.TempDir()
	disk, err := storage.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	return avatars.NewStore(db, disk), dir, user(t, db, "alice@example.com"), user(t, db, "bob@example.com")
}

func user(t *testing.T, db *pgxpool.Pool, email string) accounts.Scope {
	t.Helper()
	u := &accounts.User{Email: email}
	if err := db.QueryRow(t.Context(), "INSERT INTO users (email) VALUES ($1) RETURNING id", email).Scan(&u.ID); err != nil {
		t.Fatal(err)
	}
	return accounts.Scope{User: u}
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func files(t *testing.T, dir string) int {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(names)
}

func TestAUserReadsOnlyTheirOwnAvatar(t *testing.T) {
	s, dir, alice, bob := newStore(t)
	img := pngBytes(t)
	key, err := s.Put(t.Context(), alice, bytes.NewReader(img))
	if err != nil || filepath.Ext(key) != ".png" {
		t.Fatalf("Put: %q, %v", key, err)
	}
	f, err := s.Open(t.Context(), alice, key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, img) {
		t.Errorf("alice reads %d bytes back, want her %d", len(got), len(img))
	}
	if _, err := s.Open(t.Context(), bob, key); !errors.Is(err, avatars.ErrNotFound) {
		t.Errorf("bob opens alice's avatar: %v", err)
	}
	if k, err := s.Key(t.Context(), bob); k != "" || err != nil {
		t.Errorf("bob's key %q (%v), want none", k, err)
	}
	// Bob's delete leaves alice's alone.
	if err := s.Delete(t.Context(), bob); err != nil || files(t, dir) != 1 {
		t.Errorf("bob's delete: %v, %d files", err, files(t, dir))
	}
	if err := s.Delete(t.Context(), alice); err != nil || files(t, dir) != 0 {
		t.Errorf("alice's delete: %v, %d files", err, files(t, dir))
	}
	if _, err := s.Put(t.Context(), accounts.Scope{}, bytes.NewReader(img)); !errors.Is(err, accounts.ErrNoUser) {
		t.Errorf("Put without a user: %v", err)
	}
}

func TestPutKeepsOnlySmallImages(t *testing.T) {
	s, dir, alice, _ := newStore(t)
	for name, content := range map[string][]byte{
		"text":     []byte("hello, I am a picture"),
		"svg":      []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`),
		"html":     []byte("<!DOCTYPE html><script>alert(1)</script>"),
		"empty":    nil,
		"oversize": append(pngBytes(t), make([]byte, avatars.MaxSize)...),
		"bmp":      append([]byte("BM"), make([]byte, 100)...),
	} {
		if key, err := s.Put(t.Context(), alice, bytes.NewReader(content)); err == nil {
			t.Errorf("%s was kept as %q", name, key)
		}
	}
	if k, _ := s.Key(t.Context(), alice); k != "" || files(t, dir) != 0 {
		t.Errorf("after refusals: key %q, %d files", k, files(t, dir))
	}
}
