package live

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// UploadOptions are the limits of one upload a view allows (Socket.AllowUpload). The
// browser's claims about a file (its name, size and type) decide nothing on their own:
// the server counts the bytes as they arrive and sniffs their type.
type UploadOptions struct {
	// Accept lists the file name extensions (".png") and MIME types ("image/jpeg",
	// "image/*", "*/*" for any) the upload takes. It must not be empty. A file is offered
	// when its name has a listed extension or the browser claims a listed type. When the
	// list names MIME types, the server also sniffs the first bytes with
	// http.DetectContentType and refuses the entry unless the sniffed type is listed or is
	// the type of a listed extension; a list of extensions only checks names.
	Accept []string

	// MaxEntries is how many files the upload holds at once. Default 1. Offering more
	// files than there is room for refuses all of that offer with ErrUploadTooMany.
	MaxEntries int

	// MaxFileSize is the largest file taken, in bytes. Default 8 MiB. A file announced
	// larger is refused at once with ErrUploadTooLarge; no entry ever holds more bytes
	// than it announced.
	MaxFileSize int64

	// AutoUpload makes the browser send a file as soon as it is chosen. Without it, the
	// files of a form are sent when the form is submitted, before the submit event.
	AutoUpload bool

	// ChunkSize is the size of the chunks the browser sends. Default 32 KiB; at least 1
	// KiB (for sniffing), and at most Config.MaxMessageSize less a chunk header.
	ChunkSize int

	// External, when set, sends the files elsewhere than this server: for each accepted
	// entry it returns the URL the browser posts the file to (a presigned object-storage
	// URL, say) and the form fields to post with it. The server then counts nothing: the
	// browser reports its progress, which is shown, not trusted. The destination must
	// enforce the size and type itself (a presigned POST policy does). An error refuses
	// the entry with ErrUploadFailed; the error itself goes to the log.
	External func(ctx context.Context, e UploadEntry) (url string, fields map[string]string, err error)
}

// Upload errors. An entry's Err, or one of an Upload's Errors, wraps one of them, so
// errors.Is tells them apart; their text is fit to show to users.
var (
	ErrUploadTooLarge    = errors.New("file is too large")
	ErrUploadNotAccepted = errors.New("file type is not accepted")
	ErrUploadTooMany     = errors.New("too many files")
	ErrUploadStalled     = errors.New("upload stalled")
	ErrUploadNoRoom      = errors.New("too much is uploading at once")
	ErrUploadFailed      = errors.New("upload failed")
)

// UploadEntry is one file of an upload, as a template shows it.
type UploadEntry struct {
	// Ref is the entry's reference, random and made by the server: a cancel button sends
	// it back (live-value-ref="{{.Ref}}") for Socket.CancelUpload.
	Ref string
	// Name is the browser's name for the file, for display only: the runtime names
	// nothing after it.
	Name string
	// Size is the size the browser announced. The entry is complete when the server has
	// counted that many bytes, and takes no more.
	Size int64
	// Received is the bytes the server has counted (for an external upload, what the
	// browser reports).
	Received int64
	// ContentType is the type sniffed from the first bytes (http.DetectContentType), ""
	// until they arrive. For an external upload it is the browser's claim.
	ContentType string
	// Done reports that every byte has arrived.
	Done bool
	// Err is why the entry was refused or stopped, nil while it is fine.
	Err error
	// External marks an entry sent to UploadOptions.External's URL; Fields are the
	// fields the hook returned for it.
	External bool
	Fields   map[string]string
}

// Progress returns the share of the entry received, from 0 to 100.
func (e UploadEntry) Progress() int {
	if e.Size <= 0 {
		if e.Done {
			return 100
		}
		return 0
	}
	return int(e.Received * 100 / e.Size)
}

// Upload is the state of one upload a view allows: its entries and errors, for the
// template to show. Keep the value AllowUpload returns in a field of the view.
type Upload struct {
	name    string
	opts    UploadOptions
	accept  acceptList
	chunk   int
	entries []*uploadEntry
	errs    []error
}

type uploadEntry struct {
	UploadEntry
	path  string      // the temporary file, once the first chunk arrived
	file  *os.File    // open while chunks arrive
	last  time.Time   // when the last chunk arrived, for the idle timeout
	timer *time.Timer // the idle timeout's
}

// Name returns the upload's name, for the live-upload attribute.
func (u *Upload) Name() string { return u.name }

// Accept returns the accepted extensions and types as an input's accept attribute wants
// them.
func (u *Upload) Accept() string { return strings.Join(u.opts.Accept, ",") }

// Multiple reports whether the upload takes more than one file, for the input's multiple
// attribute.
func (u *Upload) Multiple() bool { return u.opts.MaxEntries > 1 }

// Entries returns the upload's entries in the order they were offered.
func (u *Upload) Entries() []UploadEntry {
	out := make([]UploadEntry, len(u.entries))
	for i, e := range u.entries {
		out[i] = e.UploadEntry
	}
	return out
}

// Errors returns the errors of the upload as a whole (too many files), from the last
// offer.
func (u *Upload) Errors() []error { return u.errs }

// entry returns the entry with ref, or nil.
func (u *Upload) entry(ref string) *uploadEntry {
	for _, e := range u.entries {
		if e.Ref == ref {
			return e
		}
	}
	return nil
}

// AllowUpload lets the browser upload files under name, within opts, and returns the
// upload's state for the template. Call it in Mount. An <input type=file live-upload=NAME>
// or an element with live-drop-target=NAME then sends files. Allowing a name again
// replaces it, and drops its entries. AllowUpload panics when Accept is empty or names
// something that is neither an extension nor a MIME type: that is a bug in the view.
func (s *Socket) AllowUpload(name string, opts UploadOptions) *Upload {
	if name == "" || len(opts.Accept) == 0 {
		panic(fmt.Sprintf("live: AllowUpload %q: a name and an Accept list are required (\"*/*\" accepts any file)", name))
	}
	accept, err := parseAccept(opts.Accept)
	if err != nil {
		panic(fmt.Sprintf("live: AllowUpload %q: %v", name, err))
	}
	opts.MaxEntries = cmp.Or(max(opts.MaxEntries, 0), 1)
	opts.MaxFileSize = cmp.Or(max(opts.MaxFileSize, 0), 8<<20)
	chunk := cmp.Or(max(opts.ChunkSize, 0), 32<<10)
	if limit := int(s.rt.cfg.MaxMessageSize) - chunkHeaderMax; chunk > limit {
		chunk = limit
	}
	u := &Upload{name: name, opts: opts, accept: accept, chunk: max(chunk, 1<<10)}
	for i, old := range s.uploads {
		if old.name == name {
			s.dropEntries(old, old.entries)
			s.uploads[i] = u
			return u
		}
	}
	s.uploads = append(s.uploads, u)
	return u
}

// upload returns the upload allowed under name, or nil.
func (s *Socket) upload(name string) *Upload {
	for _, u := range s.uploads {
		if u.name == name {
			return u
		}
	}
	return nil
}

// CancelUpload drops the entry ref of the upload name: the browser stops sending it and
// what arrived is deleted. Cancelling an entry that is gone already does nothing; an
// upload the view did not allow is an error.
func (s *Socket) CancelUpload(name, ref string) error {
	u := s.upload(name)
	if u == nil {
		return fmt.Errorf("live: cancel upload: no upload named %q", name)
	}
	if e := u.entry(ref); e != nil {
		s.dropEntries(u, []*uploadEntry{e})
	}
	return nil
}

// ConsumeUploads hands each complete entry of the upload name to fn, with a reader of its
// bytes, and then deletes the entry and its temporary file, whatever fn returns. The
// reader is valid only during the call; copy the bytes to a storage.Store (or anywhere)
// there. For an external entry the reader is nil: the bytes went to the entry's URL.
// Entries still arriving or refused stay. The errors fn returned come back joined.
func (s *Socket) ConsumeUploads(name string, fn func(e UploadEntry, r io.Reader) error) error {
	u := s.upload(name)
	if u == nil {
		return fmt.Errorf("live: consume uploads: no upload named %q", name)
	}
	var errs []error
	var done []*uploadEntry
	for _, e := range u.entries {
		if e.Done && e.Err == nil {
			done = append(done, e)
		}
	}
	for _, e := range done {
		if err := s.consume(u, e, fn); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Socket) consume(u *Upload, e *uploadEntry, fn func(UploadEntry, io.Reader) error) error {
	defer s.dropEntries(u, []*uploadEntry{e}) // even when fn panics
	if e.External {
		return fn(e.UploadEntry, nil)
	}
	f, err := os.Open(e.path)
	if err != nil {
		return fmt.Errorf("live: consume upload %q: %w", e.Name, err)
	}
	defer f.Close()
	return fn(e.UploadEntry, f)
}

// dropEntries removes entries from u, deletes what they hold, and tells the browser to
// stop sending them.
func (s *Socket) dropEntries(u *Upload, entries []*uploadEntry) {
	if len(entries) == 0 {
		return
	}
	refs := make([]string, 0, len(entries))
	for _, e := range entries {
		s.release(e)
		refs = append(refs, e.Ref)
	}
	u.entries = slices.DeleteFunc(u.entries, func(e *uploadEntry) bool { return slices.Contains(entries, e) })
	if s.conn != nil {
		s.conn.send(frameUploadDrop(refs))
	}
}

// release deletes what an entry holds: its timer, its file, its gate.
func (s *Socket) release(e *uploadEntry) {
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
	if e.file != nil {
		_ = e.file.Close()
		e.file = nil
	}
	if e.path != "" {
		_ = os.Remove(e.path)
		e.path = ""
	}
	if s.conn != nil {
		s.conn.closeGate(e.Ref)
	}
}

// dropUploads deletes every entry when the view unmounts.
func (s *Socket) dropUploads() {
	for _, u := range s.uploads {
		for _, e := range u.entries {
			s.release(e)
		}
	}
	s.uploads = nil
}

// fail stops an entry with err: it stays, for the template to show why, but holds
// nothing and takes no more bytes.
func (s *Socket) fail(e *uploadEntry, err error) {
	s.release(e)
	e.Err = err
	if s.conn != nil {
		s.conn.send(frameUploadDrop([]string{e.Ref}))
	}
}

// heldBytes is what the socket's entries that are not refused hold or will hold.
func (s *Socket) heldBytes() int64 {
	var n int64
	for _, u := range s.uploads {
		for _, e := range u.entries {
			if e.Err == nil && !e.External {
				n += e.Size
			}
		}
	}
	return n
}

// spool appends data to the entry's temporary file, made at the first chunk in
// Config.UploadDir with a random name, and closes it when the entry is complete.
func (s *Socket) spool(e *uploadEntry, data []byte) error {
	if e.path == "" {
		f, err := os.CreateTemp(s.rt.cfg.UploadDir, "live-upload-*")
		if err != nil {
			s.rt.log.Error("live: upload: create temporary file", "err", err)
			return ErrUploadFailed
		}
		e.file, e.path = f, f.Name()
	}
	if _, err := e.file.Write(data); err != nil {
		s.rt.log.Error("live: upload: write temporary file", "err", err)
		return ErrUploadFailed
	}
	e.Received += int64(len(data))
	e.last = s.rt.now()
	if e.Received >= e.Size {
		e.Done = true
		if e.timer != nil {
			e.timer.Stop()
			e.timer = nil
		}
		if err := e.file.Close(); err != nil {
			e.file = nil
			s.rt.log.Error("live: upload: close temporary file", "err", err)
			return ErrUploadFailed
		}
		e.file = nil
	}
	return nil
}

// findEntry returns the entry with ref and its upload, or nils.
func (s *Socket) findEntry(ref string) (*Upload, *uploadEntry) {
	for _, u := range s.uploads {
		if e := u.entry(ref); e != nil {
			return u, e
		}
	}
	return nil, nil
}

func (s *Socket) uploadNames() string {
	if len(s.uploads) == 0 {
		return "no uploads"
	}
	names := make([]string, len(s.uploads))
	for i, u := range s.uploads {
		names[i] = fmt.Sprintf("%q", u.name)
	}
	return strings.Join(names, ", ")
}

// newEntryRef returns a fresh random entry reference: 96 bits, URL-safe base64.
func newEntryRef() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// formatBytes writes n in the largest binary unit that divides it evenly enough to read.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.3g MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.3g KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// acceptList is UploadOptions.Accept parsed: extensions and MIME type patterns, lower
// case.
type acceptList struct{ exts, types []string }

func parseAccept(list []string) (acceptList, error) {
	var a acceptList
	for _, item := range list {
		item = strings.ToLower(strings.TrimSpace(item))
		switch {
		case len(item) > 1 && strings.HasPrefix(item, ".") && !strings.ContainsAny(item, "/,"):
			a.exts = append(a.exts, item)
		case strings.Count(item, "/") == 1 && !strings.HasPrefix(item, "/") && !strings.HasSuffix(item, "/"):
			a.types = append(a.types, item)
		default:
			return acceptList{}, fmt.Errorf("accept %q is neither an extension (.png) nor a MIME type (image/png)", item)
		}
	}
	return a, nil
}

// allowsName is the check of an offer: the file's extension, the type of that extension,
// or the type the browser claims. The bytes are checked later (allowsContent).
func (a acceptList) allowsName(name, claimed string) bool {
	if a.matches("*/*") {
		return true
	}
	ext := strings.ToLower(path.Ext(name))
	if ext != "" && (slices.Contains(a.exts, ext) || a.matches(mediaType(mime.TypeByExtension(ext)))) {
		return true
	}
	return claimed != "" && a.matches(mediaType(claimed))
}

// allowsContent is the check of the bytes: when the list names MIME types, the sniffed
// type must be one of them or the type of a listed extension.
func (a acceptList) allowsContent(sniffed string) bool {
	if len(a.types) == 0 {
		return true
	}
	t := mediaType(sniffed)
	if a.matches(t) {
		return true
	}
	for _, ext := range a.exts {
		if mediaType(mime.TypeByExtension(ext)) == t {
			return true
		}
	}
	return false
}

func (a acceptList) matches(t string) bool {
	if t == "" {
		return false
	}
	for _, p := range a.types {
		if p == "*/*" || p == t || (strings.HasSuffix(p, "/*") && strings.HasPrefix(t, p[:len(p)-1])) {
			return true
		}
	}
	return false
}

// mediaType is a MIME type without its parameters, lower case.
func mediaType(t string) string {
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	return strings.ToLower(strings.TrimSpace(t))
}
