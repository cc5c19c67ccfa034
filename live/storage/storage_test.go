package storage_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live/storage"
)

func TestDiskKeepsFilesUnderKeysItMakes(t *testing.T) {
	dir := t.TempDir()
	d, err := storage.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	key, err := d.Put(ctx, strings.NewReader("hello"), ".txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != 36 || !strings.HasSuffix(key, ".txt") {
		t.Fatalf("key %q, want 32 hex digits and .txt", key)
	}
	other, _ := d.Put(ctx, strings.NewReader("hello"), ".txt")
	if other == key {
		t.Fatal("two puts made the same key")
	}
	r, err := d.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "hello" {
		t.Fatalf("read %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("%d files in the directory, want 2 (no temporary files left)", len(entries))
	}

	srv := httptest.NewServer(http.StripPrefix("/files/", d))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/files/" + key)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("served %q with %v", body, resp.Header)
	}

	if err := d.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("open after delete: %v", err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestDiskRefusesKeysAndExtensionsItCouldNotHaveMade(t *testing.T) {
	dir := t.TempDir()
	d, _ := storage.NewDisk(filepath.Join(dir, "store"))
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, key := range []string{"../secret", "secret", "", "/etc/passwd", strings.Repeat("a", 32) + "/../../secret"} {
		if _, err := d.Open(ctx, key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("open %q: %v, want ErrNotFound", key, err)
		}
	}
	for _, ext := range []string{"/../x", ".PNG", ".png/..", "png", ".a-b", "." + strings.Repeat("a", 11)} {
		if _, err := d.Put(ctx, strings.NewReader("x"), ext); err == nil {
			t.Errorf("put with extension %q succeeded", ext)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "store"))
	if len(entries) != 0 {
		t.Fatalf("refused puts left %d files", len(entries))
	}
}

func TestExtFollowsTheSniffedType(t *testing.T) {
	for ct, want := range map[string]string{
		"image/png": ".png", "image/jpeg": ".jpg", "text/plain; charset=utf-8": ".txt", "application/x-unknown": "",
	} {
		if got := storage.Ext(ct); got != want {
			t.Errorf("Ext(%q) = %q, want %q", ct, got, want)
		}
	}
}
