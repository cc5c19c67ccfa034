package appgen

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/liveapp/liveapp/internal/scaffold"
)

// ManifestFile is the file, at an app's root, that records each file liveapp
// wrote into the app (the template's and third_party/liveapp's, not go.mod and
// go.sum) by the SHA-256 of its content as liveapp wrote it. liveapp new writes
// it, and gen.auth and upgrade keep it up to date. upgrade reads it to tell the
// files the user changed from those liveapp may replace.
//
// Its lines are those of sha256sum, sorted by path: the hash in hex, two
// spaces, the slash-separated path. `sha256sum -c liveapp.sum` lists the files
// that changed since.
const ManifestFile = "liveapp.sum"

// manifest maps a slash-separated path in an app to the hex SHA-256 of the
// content liveapp last wrote there.
type manifest map[string]string

func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// record sets the hash of each of files.
func (m manifest) record(files []scaffold.File) {
	for _, f := range files {
		m[f.Path] = hashOf(f.Data)
	}
}

// matches reports whether data is what the manifest says liveapp wrote at p.
func (m manifest) matches(p string, data []byte) bool {
	h, ok := m[p]
	return ok && h == hashOf(data)
}

// format writes the manifest in sha256sum's format, by path.
func (m manifest) format() []byte {
	paths := make([]string, 0, len(m))
	for p := range m {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var b strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&b, "%s  %s\n", m[p], p)
	}
	return []byte(b.String())
}

// parseManifest reads a manifest written by format. Its lines may come in any
// order; blank lines are skipped. It refuses anything else, saying which line:
// a hash that is not 64 lower-case hex digits, a path that is not clean,
// relative and inside the app, and a path listed twice.
func parseManifest(data []byte) (manifest, error) {
	m := manifest{}
	for i, line := range splitLines(string(data)) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		bad := func(why string) error {
			return fmt.Errorf("%s:%d: %s (each line is a SHA-256 in hex, two spaces and a path, as sha256sum writes)", ManifestFile, i+1, why)
		}
		h, p, ok := strings.Cut(line, "  ")
		switch {
		case !ok:
			return nil, bad("no two spaces between the hash and the path")
		case !isHash(h):
			return nil, bad("the hash is not 64 lower-case hex digits")
		case !validPath(p):
			return nil, bad(fmt.Sprintf("%q is not a clean slash-separated path inside the app", p))
		}
		if _, dup := m[p]; dup {
			return nil, bad(fmt.Sprintf("%s is listed twice", p))
		}
		m[p] = h
	}
	return m, nil
}

func isHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

// validPath reports whether p may name a file of an app: relative, clean,
// slash-separated, inside the app, and free of characters sha256sum would
// escape.
func validPath(p string) bool {
	return p != "" && path.Clean(p) == p && filepath.IsLocal(p) && !path.IsAbs(p) &&
		!strings.ContainsAny(p, "\\\n\r\x00") && !strings.HasPrefix(p, "../")
}

// readManifest reads the app's manifest; found is false when it has none.
func readManifest(dir string) (m manifest, found bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return manifest{}, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	m, err = parseManifest(data)
	if err != nil {
		return nil, true, fmt.Errorf("%w; liveapp new writes it; delete it to make upgrade treat every file as possibly changed", err)
	}
	return m, true, nil
}
