// Package storage keeps files an app accepted, such as consumed uploads, under names it
// makes itself. Store is the interface an app codes against; Disk keeps the files in a
// directory of the local disk. Another implementation (object storage, say) needs only
// the three methods.
//
// Keys are made by the store, at random, never from anything a client sent: a client's
// file name cannot reach the file system, overwrite another file or guess a key.
package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// ErrNotFound is returned for a key the store does not hold (or that it could never
// have made).
var ErrNotFound = errors.New("storage: not found")

// Store keeps files under keys it makes.
type Store interface {
	// Put stores what r holds under a new random key ending in ext (such as ".png", or ""),
	// and returns the key. On error nothing is kept.
	Put(ctx context.Context, r io.Reader, ext string) (key string, err error)
	// Open returns the file stored under key, or ErrNotFound.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the file stored under key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Disk is a Store in a directory of the local disk. Each file is written under a
// temporary name and renamed into place, so a reader never sees half a file. It is safe
// for concurrent use.
type Disk struct {
	dir string
}

// NewDisk returns a Disk that keeps its files in dir, making the directory (0750) if it
// does not exist.
func NewDisk(dir string) (*Disk, error) {
	if dir == "" {
		return nil, errors.New("storage: NewDisk needs a directory")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	return &Disk{dir: dir}, nil
}

// keyRE is the form of every key a Disk makes: 32 hex digits, then an optional extension.
var keyRE = regexp.MustCompile(`^[0-9a-f]{32}(\.[a-z0-9]{1,10})?$`)

// Put stores r under a new key. ext must be "" or a dot and 1 to 10 lower-case letters or
// digits; a caller that takes the extension from a sniffed type (Ext) always passes one.
func (d *Disk) Put(ctx context.Context, r io.Reader, ext string) (string, error) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	key := hex.EncodeToString(b) + ext
	if !keyRE.MatchString(key) {
		return "", fmt.Errorf("storage: put: extension %q is not a dot and 1 to 10 letters or digits", ext)
	}
	tmp, err := os.CreateTemp(d.dir, ".put-*")
	if err != nil {
		return "", fmt.Errorf("storage: put: %w", err)
	}
	_, err = io.Copy(tmp, contextReader{ctx, r})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(d.dir, key))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("storage: put: %w", err)
	}
	return key, nil
}

// Open opens the file stored under key.
func (d *Disk) Open(_ context.Context, key string) (io.ReadCloser, error) {
	if !keyRE.MatchString(key) {
		return nil, ErrNotFound
	}
	f, err := os.Open(filepath.Join(d.dir, key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("storage: open: %w", err)
	}
	return f, nil
}

// Delete removes the file stored under key.
func (d *Disk) Delete(_ context.Context, key string) error {
	if !keyRE.MatchString(key) {
		return nil
	}
	if err := os.Remove(filepath.Join(d.dir, key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage: delete: %w", err)
	}
	return nil
}

// ServeHTTP serves GET requests for the file whose key is the last element of the
// request's path (mount it with http.StripPrefix or a pattern such as
// "GET /uploads/{key}"). The type comes from the key's extension, never from the
// content, with nosniff, and the file is sandboxed by its Content-Security-Policy, so an
// uploaded HTML or SVG file cannot run script on the app's origin.
func (d *Disk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	if !keyRE.MatchString(key) {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(filepath.Join(d.dir, key))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.Error(w, "storage: cannot read the file", http.StatusInternalServerError)
		return
	}
	ct := mime.TypeByExtension(filepath.Ext(key))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// Ext returns the extension to store a file of the sniffed MIME type under (".png" for
// image/png), or "" when the type has none that Put takes.
func Ext(contentType string) string {
	t, _, _ := mime.ParseMediaType(contentType)
	switch t {
	case "image/jpeg":
		return ".jpg" // the system's first choice may be ".jfif"
	case "text/plain":
		return ".txt"
	}
	exts, _ := mime.ExtensionsByType(t)
	for _, e := range exts {
		if keyRE.MatchString(strings.Repeat("0", 32) + e) {
			return e
		}
	}
	return ""
}

// contextReader stops a copy when ctx ends.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
