package live

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Upload frames (docs/protocol.md, section 3.4).
const (
	frameUpload         = "up"  // the client offers files for an upload
	frameUploadProgress = "upp" // the client reports progress of an external upload
	frameChunk          = "lv:chunk"

	// chunkKind is the first byte of a binary chunk frame. Other values are reserved.
	chunkKind = 1

	// chunkHeaderMax is the longest header a chunk frame can have: kind, ref, the entry
	// reference's length and the reference, offset.
	chunkHeaderMax = 1 + 4 + 1 + maxEntryRef + 8

	maxEntryRef     = 64  // bytes of an entry reference in a chunk frame
	maxOfferedFiles = 256 // files in one "up" frame
	maxFileName     = 255 // bytes of a file's name kept for display
	maxClientType   = 127 // bytes of the MIME type a browser claims
)

// uploadFrame is the upload part of a decoded client frame.
type uploadFrame struct {
	Name    string        // the upload's name, for "up"
	Files   []offeredFile // for "up"
	Entry   string        // the entry reference, for chunks and "upp"
	Offset  int64         // where the chunk's bytes go in the file
	Data    []byte        // the chunk's bytes
	Percent int           // for "upp": 0 to 100, or -1 when the external upload failed
}

// offeredFile is what a browser says about a file it offers. Only the name is kept, for
// display; the size is a claim the server holds the bytes to, and the type a hint.
type offeredFile struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

// decodeUploadOffer validates the fields of an "up" frame.
func decodeUploadOffer(f *clientFrame, raw *rawFrame) error {
	if raw.N == "" || len(raw.N) > maxEventName || !utf8.ValidString(raw.N) {
		return fmt.Errorf("upload name must be 1 to 128 characters")
	}
	var files []offeredFile
	if err := json.Unmarshal(raw.F, &files); err != nil || len(files) == 0 {
		return fmt.Errorf("f must be a non-empty array of {name, type, size}")
	}
	if len(files) > maxOfferedFiles {
		return fmt.Errorf("more than %d files offered at once", maxOfferedFiles)
	}
	for i := range files {
		if files[i].Size < 0 {
			return fmt.Errorf("file %d has a negative size", i)
		}
		files[i].Name = displayName(files[i].Name)
		files[i].Type = truncate(strings.ToLower(strings.ToValidUTF8(files[i].Type, "")), maxClientType)
	}
	f.Upload = &uploadFrame{Name: raw.N, Files: files}
	return nil
}

// decodeUploadProgress validates the fields of an "upp" frame.
func decodeUploadProgress(f *clientFrame, raw *rawFrame) error {
	if raw.ID == "" || len(raw.ID) > maxEntryRef {
		return fmt.Errorf("id must name an upload entry")
	}
	if raw.Pct == nil || *raw.Pct < -1 || *raw.Pct > 100 {
		return fmt.Errorf("pct must be an integer from -1 to 100")
	}
	f.Upload = &uploadFrame{Entry: raw.ID, Percent: *raw.Pct}
	return nil
}

// displayName makes a browser's file name safe to show: the last path element, valid
// UTF-8 without control characters, at most maxFileName bytes. It is never used to name
// anything on the server.
func displayName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		name = ""
	}
	for len(name) > maxFileName {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// decodeChunk parses a binary chunk frame:
//
//	kind (1 byte, 1) | ref (uint32, big-endian, > 0) | n (1 byte, 1..64) | entry reference (n bytes) | offset (uint64, big-endian) | data
//
// Every problem is a *FrameError, carrying the ref once it could be read. The data is a
// slice of b, not a copy.
func decodeChunk(b []byte) (*clientFrame, error) {
	if len(b) < 1+4 {
		return nil, &FrameError{Reason: "binary frame too short for a chunk"}
	}
	if b[0] != chunkKind {
		return nil, &FrameError{Reason: fmt.Sprintf("unknown binary frame kind %d", b[0])}
	}
	ref := int64(binary.BigEndian.Uint32(b[1:5]))
	if ref == 0 {
		return nil, &FrameError{Reason: "ref must be a positive integer"}
	}
	fail := func(reason string) (*clientFrame, error) { return nil, &FrameError{Ref: ref, Reason: reason} }
	if len(b) < 6 {
		return fail("chunk header is truncated")
	}
	n := int(b[5])
	if n == 0 || n > maxEntryRef {
		return fail("entry reference must be 1 to 64 bytes")
	}
	if len(b) < 6+n+8 {
		return fail("chunk header is truncated")
	}
	entry := string(b[6 : 6+n])
	if !validEntryRef(entry) {
		return fail("malformed entry reference")
	}
	off := binary.BigEndian.Uint64(b[6+n : 6+n+8])
	if off > 1<<53 {
		return fail("offset out of range")
	}
	data := b[6+n+8:]
	if len(data) == 0 {
		return fail("empty chunk")
	}
	return &clientFrame{Kind: frameChunk, Ref: ref, Upload: &uploadFrame{Entry: entry, Offset: int64(off), Data: data}}, nil
}

// validEntryRef reports whether s could be an entry reference: the runtime makes them of
// URL-safe base64 characters.
func validEntryRef(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}

// frameUploadEntries tells the client which of the files it offered (by index) became
// entries it may send, how, and in chunks of what size.
func frameUploadEntries(ref int64, name string, chunk int, auto bool, offers []entryOffer) []byte {
	b, _ := json.Marshal(struct {
		T     string       `json:"t"`
		Ref   int64        `json:"ref"`
		N     string       `json:"n"`
		Chunk int          `json:"chunk"`
		Auto  bool         `json:"auto"`
		E     []entryOffer `json:"e"`
	}{"up", ref, name, chunk, auto, offers})
	return b
}

// entryOffer is one entry of an "up" frame to the client.
type entryOffer struct {
	I      int               `json:"i"` // the index of the file in the client's offer
	ID     string            `json:"id"`
	URL    string            `json:"url,omitempty"` // an external upload's destination
	Fields map[string]string `json:"fields,omitempty"`
}

// frameUploadDrop tells the client to stop sending the entries refs, which the server no
// longer takes (cancelled, failed, consumed or gone with their view).
func frameUploadDrop(refs []string) []byte {
	b, _ := json.Marshal(struct {
		T    string   `json:"t"`
		Drop []string `json:"drop"`
	}{"up", refs})
	return b
}
