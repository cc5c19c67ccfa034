package appgen

import (
	"bytes"
	"maps"
	"strings"
	"testing"
)

func TestManifestRoundTrips(t *testing.T) {
	m := manifest{}
	m[".gitignore"] = hashOf([]byte("x"))
	m["third_party/liveapp/live/runtime.go"] = hashOf([]byte("y"))
	m["README.md"] = hashOf(nil)
	data := m.format()
	want := hashOf([]byte("x")) + "  .gitignore\n" + hashOf(nil) + "  README.md\n" + hashOf([]byte("y")) + "  third_party/liveapp/live/runtime.go\n"
	if string(data) != want {
		t.Errorf("format:\n%s\nwant\n%s", data, want)
	}
	back, err := parseManifest(append([]byte("\n"), data...))
	if err != nil || !maps.Equal(back, m) {
		t.Errorf("parse: %v, %v", back, err)
	}
}

func TestParseManifestRefusesWhatItDidNotWrite(t *testing.T) {
	h := hashOf(nil)
	for _, tt := range []struct {
		name, text, want string
	}{
		{"one space", h + " README.md\n", ":1: no two spaces"},
		{"a short hash", h[:10] + "  README.md\n", ":1: the hash is not"},
		{"an upper-case hash", strings.ToUpper(h) + "  README.md\n", ":1: the hash is not"},
		{"an absolute path", h + "  /etc/passwd\n", `:1: "/etc/passwd" is not`},
		{"a path outside the app", h + "  README.md\n" + h + "  ../x\n", `:2: "../x" is not`},
		{"an unclean path", h + "  a//b\n", `"a//b" is not`},
		{"a backslash", h + "  a\\b\n", `"a\\b" is not`},
		{"a path twice", h + "  a\n" + h + "  a\n", ":2: a is listed twice"},
		{"an empty path", h + "  \n", `"" is not`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseManifest([]byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), ManifestFile+tt.want) && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// FuzzParseManifest checks that any liveapp.sum is read or refused without a
// panic, and that what is read names only paths inside the app and writes
// back as it read.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest(data)
		if err != nil {
			return
		}
		for p := range m {
			if !validPath(p) {
				t.Fatalf("accepted %q", p)
			}
		}
		again, err := parseManifest(m.format())
		if err != nil || !maps.Equal(again, m) || !bytes.Equal(again.format(), m.format()) {
			t.Fatalf("does not round-trip: %v", err)
		}
	})
}
