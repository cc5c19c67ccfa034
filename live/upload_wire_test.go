package live

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func chunkBytes(kind byte, ref uint32, id string, off uint64, data string) []byte {
	b := []byte{kind, 0, 0, 0, 0, byte(len(id))}
	binary.BigEndian.PutUint32(b[1:5], ref)
	b = append(b, id...)
	b = binary.BigEndian.AppendUint64(b, off)
	return append(b, data...)
}

func TestDecodeChunk(t *testing.T) {
	f, err := decodeChunk(chunkBytes(1, 7, "AbC-_9", 1024, "bytes"))
	if err != nil || f.Ref != 7 || f.Kind != frameChunk || f.Upload.Entry != "AbC-_9" || f.Upload.Offset != 1024 || string(f.Upload.Data) != "bytes" {
		t.Fatalf("got %+v, %v", f, err)
	}
	bad := []struct {
		name   string
		in     []byte
		ref    int64
		reason string
	}{
		{"empty", nil, 0, "too short"},
		{"another kind", chunkBytes(2, 7, "a", 0, "x"), 0, "unknown binary frame kind 2"},
		{"ref zero", chunkBytes(1, 0, "a", 0, "x"), 0, "positive integer"},
		{"no entry", chunkBytes(1, 7, "", 0, "x"), 7, "1 to 64 bytes"},
		{"an entry of 65 bytes", chunkBytes(1, 7, strings.Repeat("a", 65), 0, "x"), 7, "1 to 64 bytes"},
		{"an entry with a slash", chunkBytes(1, 7, "../a", 0, "x"), 7, "malformed entry reference"},
		{"a truncated offset", chunkBytes(1, 7, "a", 0, "")[:10], 7, "truncated"},
		{"no data", chunkBytes(1, 7, "a", 0, ""), 7, "empty chunk"},
		{"an offset past 2^53", chunkBytes(1, 7, "a", 1<<60, "x"), 7, "offset out of range"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeChunk(tc.in)
			fe, ok := err.(*FrameError)
			if !ok || fe.Ref != tc.ref || !strings.Contains(fe.Reason, tc.reason) {
				t.Fatalf("err = %#v, want ref %d and %q", err, tc.ref, tc.reason)
			}
		})
	}
}

func TestDisplayNameKeepsOnlyAShowableBaseName(t *testing.T) {
	for in, want := range map[string]string{
		"photo.png":                       "photo.png",
		"../../etc/passwd":                "passwd",
		`C:\Users\me\cat.jpg`:             "cat.jpg",
		"a\x00b\nc.txt":                   "abc.txt",
		"dir/":                            "dir",
		"/":                               "",
		"bad\xffutf8.txt":                 "badutf8.txt",
		strings.Repeat("é", 200) + ".png": strings.Repeat("é", 127),
	} {
		if got := displayName(in); got != want {
			t.Errorf("displayName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAcceptChecksNamesAndSniffedTypes(t *testing.T) {
	images, _ := parseAccept([]string{".png", "image/jpeg"})
	text, _ := parseAccept([]string{".txt", ".CSV"})
	anyImage, _ := parseAccept([]string{"image/*"})
	anything, _ := parseAccept([]string{"*/*"})
	for _, tc := range []struct {
		a             acceptList
		name, claimed string
		want          bool
	}{
		{images, "a.PNG", "", true},
		{images, "a.jpg", "image/jpeg", true},
		{images, "a.gif", "image/gif", false},
		{text, "a.csv", "", true},
		{text, "a.exe", "text/plain", false},
		{anyImage, "a", "image/webp", true},
		{anyImage, "a.png", "", true}, // the type of the extension
		{anyImage, "a.txt", "", false},
		{anything, "a", "", true},
	} {
		if got := tc.a.allowsName(tc.name, tc.claimed); got != tc.want {
			t.Errorf("%+v allowsName(%q, %q) = %v", tc.a, tc.name, tc.claimed, got)
		}
	}
	for _, tc := range []struct {
		a       acceptList
		sniffed string
		want    bool
	}{
		{images, "image/png", true}, // the type of .png
		{images, "image/jpeg", true},
		{images, "text/plain; charset=utf-8", false},
		{text, "application/octet-stream", true}, // extensions only: names decide
		{anyImage, "image/gif", true},
		{anyImage, "text/html; charset=utf-8", false},
	} {
		if got := tc.a.allowsContent(tc.sniffed); got != tc.want {
			t.Errorf("%+v allowsContent(%q) = %v", tc.a, tc.sniffed, got)
		}
	}
}

// FuzzDecodeChunk: any binary frame decodes to a chunk or a FrameError, never a panic; a
// chunk's fields stay within the limits the reader relies on, and its data is the tail of
// the frame.
func FuzzDecodeChunk(f *testing.F) {
	f.Add(chunkBytes(1, 1, "AbCdEfGhIjKlMnOp", 0, "\x89PNG\r\n\x1a\n"))
	f.Add(chunkBytes(1, 4294967295, "a", 1<<53, "x"))
	f.Add(chunkBytes(1, 3, strings.Repeat("z", 64), 32768, strings.Repeat("d", 100)))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := decodeChunk(data)
		if err != nil {
			if _, ok := err.(*FrameError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		up := fr.Upload
		if fr.Ref <= 0 || fr.Kind != frameChunk || up == nil || !validEntryRef(up.Entry) || len(up.Entry) > maxEntryRef ||
			up.Offset < 0 || up.Offset > 1<<53 || len(up.Data) == 0 || !bytes.HasSuffix(data, up.Data) ||
			len(data)-len(up.Data) > chunkHeaderMax {
			t.Fatalf("accepted bad chunk %+v", fr)
		}
	})
}
