package scaffold

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteIsIdempotentAndNeverOverwritesChangesUnlessForced(t *testing.T) {
	dir := t.TempDir()
	files := []File{{Path: "a/b.go", Data: []byte("package b\n")}, {Path: "c.txt", Data: []byte("c")}}
	res, err := Write(dir, files, false)
	if err != nil || len(res.Written) != 2 {
		t.Fatalf("first write: %+v, %v", res, err)
	}
	res, err = Write(dir, files, false)
	if err != nil || len(res.Written) != 0 || len(res.Unchanged) != 2 {
		t.Fatalf("second write changed something: %+v, %v", res, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "c.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, File{Path: "d.txt", Data: []byte("d")})
	_, err = Write(dir, files, false)
	var ce *ConflictError
	if !errors.As(err, &ce) || len(ce.Paths) != 1 || ce.Paths[0] != "c.txt" {
		t.Fatalf("write over a changed file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "d.txt")); err == nil {
		t.Error("a refused write still wrote another file")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "c.txt")); string(got) != "mine" {
		t.Errorf("the user's file became %q", got)
	}
	res, err = Write(dir, files, true)
	if err != nil || len(res.Written) != 2 {
		t.Fatalf("forced write: %+v, %v", res, err)
	}
}

func TestWriteRefusesPathsOutsideTheApp(t *testing.T) {
	for _, p := range []string{"../x", "/etc/x", ""} {
		if _, err := Write(t.TempDir(), []File{{Path: p, Data: nil}}, true); err == nil {
			t.Errorf("Write accepted %q", p)
		}
	}
}
