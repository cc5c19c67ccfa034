package loadproc

import (
	"bytes"
	"io"
	"sync"
)

// Tail keeps the last bytes written to it, up to a bound: enough of a child's
// output to explain why it failed, however long it ran. It is safe for
// concurrent use.
type Tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// NewTail returns a Tail that keeps the last max bytes.
func NewTail(max int) *Tail { return &Tail{max: max} }

// Write keeps the last max bytes of what was written so far, p included. It
// never fails.
func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// String returns the bytes kept, without leading and trailing white space.
func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}

// Tee returns a writer that writes to t and, when w is not nil, to w too: a
// child's output for error messages, and copied to the terminal with -v.
func (t *Tail) Tee(w io.Writer) io.Writer {
	if w == nil {
		return t
	}
	return io.MultiWriter(t, w)
}
