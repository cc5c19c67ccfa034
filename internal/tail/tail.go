// Package tail keeps the end of a child process's output, so that an error can quote
// its last words however long it ran.
package tail

import (
	"bytes"
	"io"
	"sync"
)

// Buffer keeps the last bytes written to it, up to a bound. It is safe for concurrent
// use.
type Buffer struct {
	mu  sync.Mutex
	max int
	buf []byte
	cut bool // bytes were dropped from the front
}

// New returns a Buffer that keeps the last max bytes.
func New(max int) *Buffer { return &Buffer{max: max} }

// Write keeps the last max bytes of what was written so far, p included. It never
// fails.
func (t *Buffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.cut = true
	}
	return len(p), nil
}

// String returns the bytes kept, without leading and trailing white space. Once bytes
// were dropped, the partial line they leave at the front is dropped too, when a whole
// line follows it.
func (t *Buffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if t.cut {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(bytes.TrimSpace(b))
}

// Tee returns a writer that writes to t and, when w is not nil, to w too: a child's
// output for error messages, and copied to the terminal when asked.
func (t *Buffer) Tee(w io.Writer) io.Writer {
	if w == nil {
		return t
	}
	return io.MultiWriter(t, w)
}
