package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/internal/appgen"
	"github.com/liveapp/liveapp/internal/scaffold"
)

// stampApp writes a bare app named shop into a new directory and returns it.
func stampApp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := appgen.Files(appgen.Options{Name: "shop", Parts: appgen.Parts{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write(dir, files, false); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDBCommands covers what needs no server: TestDevInTheBrowser and the
// devdb tests run a real one.
func TestDBCommands(t *testing.T) {
	dir := stampApp(t)
	t.Chdir(filepath.Join(dir, "internal")) // anywhere in the app

	t.Run("status before the first liveapp dev", func(t *testing.T) {
		out, err := run(t, "db", "status")
		if err != nil || !strings.Contains(out, "no development database yet") {
			t.Fatalf("%q, %v", out, err)
		}
	})
	t.Run("stop and reset with nothing to do", func(t *testing.T) {
		if out, err := run(t, "db", "stop"); err != nil || !strings.Contains(out, "not running") {
			t.Errorf("stop: %q, %v", out, err)
		}
		if out, err := run(t, "db", "reset"); err != nil || !strings.Contains(out, "nothing to reset") {
			t.Errorf("reset: %q, %v", out, err)
		}
	})

	// A stopped cluster, as far as the commands can tell.
	data := filepath.Join(dir, ".liveapp", "db", "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "PG_VERSION"), []byte("17\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("status of a stopped database", func(t *testing.T) {
		out, err := run(t, "db", "status")
		if err != nil || !strings.Contains(out, "PostgreSQL 17, stopped") || !strings.Contains(out, "/shop_dev?") {
			t.Fatalf("%q, %v", out, err)
		}
	})
	t.Run("reset without --yes refuses and keeps it", func(t *testing.T) {
		_, err := run(t, "db", "reset")
		if err == nil || !strings.Contains(err.Error(), "liveapp db reset --yes") {
			t.Fatalf("got %v", err)
		}
		if _, err := os.Stat(data); err != nil {
			t.Fatalf("the database is gone: %v", err)
		}
	})
	t.Run("reset --yes deletes it", func(t *testing.T) {
		out, err := run(t, "db", "reset", "--yes")
		if err != nil || !strings.Contains(out, "the next liveapp dev creates a fresh one") {
			t.Fatalf("%q, %v", out, err)
		}
		if _, err := os.Stat(filepath.Join(dir, ".liveapp", "db")); !os.IsNotExist(err) {
			t.Fatalf(".liveapp/db after reset: %v", err)
		}
	})
	t.Run("outside an app", func(t *testing.T) {
		t.Chdir(t.TempDir())
		for _, cmd := range []string{"status", "stop", "reset"} {
			if _, err := run(t, "db", cmd); err == nil || !strings.Contains(err.Error(), "not in a liveapp app") {
				t.Errorf("db %s: got %v", cmd, err)
			}
		}
	})
}
