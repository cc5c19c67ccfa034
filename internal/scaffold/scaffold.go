// Package scaffold writes the files a generator produces into an app, without ever
// overwriting what the user changed: a file that already holds the same bytes is left
// alone, and one that holds other bytes stops the whole write unless forced. Running a
// generator twice therefore changes nothing, and every write is listed.
package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File is one file a generator wants in an app. Path is slash-separated and relative to
// the app's root; Mode 0 means 0o644.
type File struct {
	Path string
	Data []byte
	Mode fs.FileMode
}

// ConflictError lists the files that exist with content other than the generator's.
type ConflictError struct{ Paths []string }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%d file(s) already exist with other content (use --force to overwrite): %s",
		len(e.Paths), strings.Join(e.Paths, ", "))
}

// Result says what Write did with each file.
type Result struct {
	Written   []string // created or overwritten
	Unchanged []string // already held the same bytes
}

// Write writes files under dir. It checks every file before writing any: when some exist
// with other content and force is false, it writes nothing and returns a *ConflictError.
// Paths must be relative and stay inside dir.
func Write(dir string, files []File, force bool) (Result, error) {
	var res Result
	var conflicts []string
	todo := make([]File, 0, len(files))
	for _, f := range files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) {
			return res, fmt.Errorf("scaffold: %q is not a relative path inside the app", f.Path)
		}
		old, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			todo = append(todo, f)
		case err != nil:
			return res, fmt.Errorf("scaffold: %w", err)
		case bytes.Equal(old, f.Data):
			res.Unchanged = append(res.Unchanged, f.Path)
		case force:
			todo = append(todo, f)
		default:
			conflicts = append(conflicts, f.Path)
		}
	}
	if len(conflicts) > 0 {
		return Result{}, &ConflictError{Paths: conflicts}
	}
	for _, f := range todo {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return res, fmt.Errorf("scaffold: %w", err)
		}
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		if err := os.WriteFile(p, f.Data, mode); err != nil {
			return res, fmt.Errorf("scaffold: %w", err)
		}
		res.Written = append(res.Written, f.Path)
	}
	return res, nil
}
