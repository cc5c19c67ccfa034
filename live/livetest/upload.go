package livetest

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/gorilla/websocket"
)

// File is a file a test uploads, as a browser offers it: a name, a type and the bytes.
// The server trusts neither the name nor the type; set them to what a browser would send
// for the bytes, or to something else to test a refusal.
type File struct {
	Name    string
	Type    string
	Content []byte
}

type upEntry struct {
	I  int    `json:"i"`
	ID string `json:"id"`
	// An external entry's destination; see UploadFiles.
	URL string `json:"url"`
}

// uploadOffer is the server's answer to an offer: the entries it takes.
type uploadOffer struct {
	chunk   int
	entries []upEntry
}

// UploadFiles chooses files in the one element selector matches, a file input with
// live-upload or an element with live-drop-target, and sends them as the browser client
// does (docs/protocol.md, section 3.4): it offers them, then sends the bytes of every
// entry the server takes, chunk by chunk, each after the reply to the one before, as when
// the upload sends at once or its form is submitted. An external entry's file goes
// nowhere: UploadFiles reports it complete, as the browser does once the storage has it.
//
// Files the server refuses are not an error: the page shows them, and the test asserts
// on it. An error reply (an upload the view did not allow, an entry stopped while its
// bytes arrived) is returned as an *EventError.
func (v *View) UploadFiles(selector string, files ...File) error {
	v.t.Helper()
	v.mustBeConnected()
	m := v.one(selector)
	name, ok := m.el.Attr("live-upload")
	if input, _ := m.el.Attr("type"); !ok || m.el.Tag != "input" || !strings.EqualFold(input, "file") {
		name, ok = m.el.Attr("live-drop-target")
	}
	if !ok {
		v.t.Fatalf("livetest: %s is neither an <input type=file live-upload> nor a live-drop-target:\n%s", selector, startTag(m.el))
	}
	offered := make([]map[string]any, len(files))
	for i, f := range files {
		offered[i] = map[string]any{"name": f.Name, "type": f.Type, "size": len(f.Content)}
	}
	if err := v.send(map[string]any{"t": "up", "n": name, "f": offered}); err != nil {
		return err
	}
	v.mu.Lock()
	offer := v.uploads[v.ref]
	delete(v.uploads, v.ref)
	v.mu.Unlock()
	for _, e := range offer.entries {
		if e.I < 0 || e.I >= len(files) {
			v.t.Fatalf("livetest: the server took entry %d of %d files", e.I, len(files))
		}
		if e.URL != "" {
			if err := v.send(map[string]any{"t": "upp", "id": e.ID, "pct": 100}); err != nil {
				return err
			}
			continue
		}
		if err := v.sendChunks(e.ID, files[e.I].Content, offer.chunk); err != nil {
			return fmt.Errorf("livetest: upload %q: %w", files[e.I].Name, err)
		}
	}
	return nil
}

// sendChunks sends data as binary chunk frames of size bytes, each after the reply to
// the one before.
func (v *View) sendChunks(id string, data []byte, size int) error {
	if size <= 0 {
		v.t.Fatalf("livetest: the server gave chunk size %d", size)
	}
	for off := 0; off < len(data); off += size {
		v.ref++
		b := []byte{1, 0, 0, 0, 0, byte(len(id))}
		binary.BigEndian.PutUint32(b[1:5], uint32(v.ref))
		b = append(b, id...)
		b = binary.BigEndian.AppendUint64(b, uint64(off))
		b = append(b, data[off:min(off+size, len(data))]...)
		if _, err := v.exchange(v.ref, websocket.BinaryMessage, b); err != nil {
			return err
		}
	}
	return nil
}
