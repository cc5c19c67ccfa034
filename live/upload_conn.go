package live

// The socket's side of uploads. The reader admits each chunk against the gate of its
// entry (admitChunk) before queueing it; the worker turns offers into entries, writes
// the chunks it is given, and stops entries that stall. Socket's upload state and API are
// in upload.go, the frames in upload_wire.go.

import (
	"fmt"
	"net/http"
	"time"
)

// handleUpload runs an upload frame on the worker.
func (c *conn) handleUpload(f *clientFrame) {
	switch f.Kind {
	case frameUpload:
		c.offer(f)
	case frameChunk:
		c.chunk(f)
	case frameUploadProgress:
		c.externalProgress(f)
	}
}

// offer turns the files a browser offers into entries, refused or ready for bytes, and
// tells the browser which it may send.
func (c *conn) offer(f *clientFrame) {
	s, up := c.sock, f.Upload
	u := s.upload(up.Name)
	if u == nil {
		msg := "upload not allowed"
		if c.rt.cfg.Dev {
			msg = fmt.Sprintf("no upload named %q: the view allows %s", truncate(up.Name, 64), s.uploadNames())
		}
		c.send(frameReply(f.Ref, nil, msg, nil))
		return
	}
	// A new offer drops the entries that were refused. An upload of one file replaces its
	// entry too, unless bytes of it are arriving: choosing again means another file.
	var stale []*uploadEntry
	for _, e := range u.entries {
		arriving := e.Received > 0 && !e.Done
		if e.Err != nil || (u.opts.MaxEntries == 1 && !arriving) {
			stale = append(stale, e)
		}
	}
	s.dropEntries(u, stale)
	u.errs = nil
	if len(u.entries)+len(up.Files) > u.opts.MaxEntries {
		u.errs = []error{fmt.Errorf("%w (at most %d)", ErrUploadTooMany, u.opts.MaxEntries)}
		c.after(f.Ref, "")
		return
	}
	held := s.heldBytes()
	var offers []entryOffer
	for i, file := range up.Files {
		e := &uploadEntry{UploadEntry: UploadEntry{Ref: newEntryRef(), Name: file.Name, Size: file.Size}}
		switch {
		case file.Size > u.opts.MaxFileSize:
			e.Err = fmt.Errorf("%w (at most %s)", ErrUploadTooLarge, formatBytes(u.opts.MaxFileSize))
		case !u.accept.allowsName(file.Name, file.Type):
			e.Err = ErrUploadNotAccepted
		case u.opts.External == nil && held+file.Size > c.rt.cfg.MaxUploadBytes:
			e.Err = ErrUploadNoRoom
		}
		u.entries = append(u.entries, e)
		if e.Err != nil {
			continue
		}
		switch {
		case u.opts.External != nil:
			e.External, e.ContentType = true, file.Type
			ctx, cancel := c.callContext()
			url, fields, err := u.opts.External(ctx, e.UploadEntry)
			cancel()
			if err != nil {
				c.rt.log.Error("live: external upload", "upload", u.name, "err", err)
				e.Err = ErrUploadFailed
				continue
			}
			e.Fields = fields
			offers = append(offers, entryOffer{I: i, ID: e.Ref, URL: url, Fields: fields})
		case file.Size == 0:
			// Nothing will arrive: sniff nothing, and the entry is complete.
			if !u.accept.allowsContent(http.DetectContentType(nil)) {
				e.Err = ErrUploadNotAccepted
				continue
			}
			e.ContentType, e.Done = http.DetectContentType(nil), true
			if err := s.spool(e, nil); err != nil {
				e.Err = err
			}
		default:
			held += file.Size
			c.openGate(e.Ref, file.Size, u.chunk)
			offers = append(offers, entryOffer{I: i, ID: e.Ref})
		}
	}
	if len(offers) > 0 {
		c.send(frameUploadEntries(f.Ref, u.name, u.chunk, u.opts.AutoUpload, offers))
	}
	c.after(f.Ref, "")
}

// chunk writes one chunk the reader admitted (see admitChunk) and answers it with the
// patches its progress made. A failure stops the entry; the reply says why, so the
// browser stops sending it.
func (c *conn) chunk(f *clientFrame) {
	s, up := c.sock, f.Upload
	c.mu.Lock()
	if g := c.gates[up.Entry]; g != nil {
		g.inflight = false
	}
	c.mu.Unlock()
	u, e := s.findEntry(up.Entry)
	if e == nil || e.Err != nil || e.Done || up.Offset != e.Received {
		// Cancelled or failed while the chunk was on its way.
		c.send(frameReply(f.Ref, nil, "upload entry was cancelled", nil))
		return
	}
	if e.path == "" {
		e.ContentType = http.DetectContentType(up.Data) // it reads at most 512 bytes
		if !u.accept.allowsContent(e.ContentType) {
			s.fail(e, ErrUploadNotAccepted)
			c.after(f.Ref, ErrUploadNotAccepted.Error())
			return
		}
	}
	if err := s.spool(e, up.Data); err != nil {
		s.fail(e, err)
		c.after(f.Ref, err.Error())
		return
	}
	if !e.Done && e.timer == nil {
		c.watchStall(e, c.rt.cfg.UploadIdleTimeout)
	}
	c.after(f.Ref, "")
}

// watchStall stops the entry with ErrUploadStalled when no chunk has arrived for
// Config.UploadIdleTimeout: a client that starts an upload and stalls holds a file and an
// upload slot, and must not hold them for as long as it keeps its socket open.
func (c *conn) watchStall(e *uploadEntry, d time.Duration) {
	e.timer = c.rt.afterFunc(d, func() {
		c.post(job{run: func(c *conn) { c.checkStall(e) }})
	})
}

func (c *conn) checkStall(e *uploadEntry) {
	s := c.sock
	if _, cur := s.findEntry(e.Ref); cur != e || e.Done || e.Err != nil {
		return // gone, finished or stopped meanwhile
	}
	e.timer = nil
	if left := c.rt.cfg.UploadIdleTimeout - c.rt.now().Sub(e.last); left > 0 {
		c.watchStall(e, left)
		return
	}
	s.fail(e, ErrUploadStalled)
	c.dirty = true
}

// externalProgress records what the browser reports of an external upload. It is shown,
// never trusted: the app checks the object store when it consumes the entry.
func (c *conn) externalProgress(f *clientFrame) {
	s, up := c.sock, f.Upload
	_, e := s.findEntry(up.Entry)
	if e == nil || !e.External || e.Err != nil || e.Done {
		c.send(frameReply(f.Ref, nil, "no such external upload entry", nil))
		return
	}
	switch {
	case up.Percent < 0:
		s.fail(e, ErrUploadFailed)
	case up.Percent == 100:
		e.Received, e.Done = e.Size, true
	default:
		e.Received = max(e.Received, e.Size*int64(up.Percent)/100)
	}
	c.after(f.Ref, "")
}

// chunkGate is what the reader knows of an entry that takes chunks, to refuse a bad chunk
// before it is queued: c.mu guards it.
type chunkGate struct {
	size, next int64 // the announced size; the offset of the next chunk
	chunk      int64 // the chunk size
	started    bool  // a chunk arrived: the entry counts against Config.MaxConcurrentUploads
	inflight   bool  // a chunk waits for the worker; the next must wait for its reply
}

// openGate lets chunks of a new entry in.
func (c *conn) openGate(ref string, size int64, chunk int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gates == nil {
		c.gates = make(map[string]*chunkGate)
	}
	c.gates[ref] = &chunkGate{size: size, chunk: int64(chunk)}
}

// closeGate refuses further chunks of an entry.
func (c *conn) closeGate(ref string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g := c.gates[ref]; g != nil {
		if g.started {
			c.uploading--
		}
		delete(c.gates, ref)
	}
}

// takeChunk handles a binary frame on the reader. A chunk takes no token from the event
// bucket (a large upload is many chunks), but only the next chunk of an entry the server
// accepted, of exactly the agreed size, after the reply to the one before, is admitted;
// any other is refused and counts as a violation, so a flood of chunks closes the socket
// as a flood of events does.
func (c *conn) takeChunk(data []byte) {
	f, err := decodeChunk(data)
	if err != nil {
		c.answerBadFrame(err)
		c.violation()
		return
	}
	if reason := c.admitChunk(f); reason != "" {
		c.send(frameReply(f.Ref, nil, reason, nil))
		c.violation()
		return
	}
	c.violations = 0
}

// admitChunk queues a chunk for the worker, or says why it cannot.
func (c *conn) admitChunk(f *clientFrame) string {
	up := f.Upload
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ""
	}
	g := c.gates[up.Entry]
	switch {
	case g == nil:
		return "unknown upload entry" // forged, replayed, finished or cancelled
	case g.inflight:
		return "chunk sent before the previous one was answered"
	case up.Offset != g.next:
		return "chunk out of order"
	case int64(len(up.Data)) != min(g.chunk, g.size-g.next):
		return "chunk has the wrong size"
	case !g.started && c.uploading >= c.rt.cfg.MaxConcurrentUploads:
		return "too many uploads at once"
	}
	if !g.started {
		g.started = true
		c.uploading++
	}
	g.next += int64(len(up.Data))
	if g.next == g.size {
		// The last chunk: the entry takes no more and frees its slot.
		delete(c.gates, up.Entry)
		c.uploading--
	} else {
		g.inflight = true
	}
	c.events = append(c.events, f)
	c.startWorker()
	return ""
}
