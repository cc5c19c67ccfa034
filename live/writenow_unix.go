//go:build unix

package live

import (
	"io"
	"net"
	"sync"
	"syscall"
	"time"
)

// rawConnOf returns nc's file descriptor access, or nil when nc is not a socket (TLS
// served by the app itself): a connection asks for it once, since each call allocates.
func rawConnOf(nc net.Conn) syscall.RawConn {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// tryWrite writes data to nc through rc, its rawConnOf, if the socket takes some of it at
// once, and reports whether it did. When the socket takes only part, it waits for room to
// write the rest, until timeout, so that data always goes out whole. It writes nothing
// when rc is nil, or when the socket's buffer is full.
func tryWrite(nc net.Conn, rc syscall.RawConn, data []byte, timeout time.Duration) (bool, error) {
	if rc == nil {
		return false, nil
	}
	if err := nc.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return false, err
	}
	op := writeOps.Get().(*writeOp)
	defer op.release()
	op.data = data
	if err := rc.Write(op.fn); err != nil {
		return op.off > 0, err
	}
	if op.off == 0 && op.err == nil {
		return false, nil
	}
	return true, op.err
}

// A writeOp is one tryWrite's state, with the function it hands the poller bound to it
// once: a closure made per write was garbage on every frame.
type writeOp struct {
	data []byte
	off  int
	err  error
	fn   func(fd uintptr) bool // write, bound
}

var writeOps = sync.Pool{New: func() any {
	op := new(writeOp)
	op.fn = op.write
	return op
}}

func (op *writeOp) release() {
	op.data, op.off, op.err = nil, 0, nil
	writeOps.Put(op)
}

// write writes what is left of op.data, and reports whether it is done: false when the
// socket took part of the data and has no room for the rest, so that the poller waits.
func (op *writeOp) write(fd uintptr) bool {
	for op.off < len(op.data) {
		n, err := syscall.Write(int(fd), op.data[op.off:])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return op.off == 0 // none written: the writer takes the frame; some: wait for room
		case err != nil:
			op.err = err
			return true
		case n == 0:
			op.err = io.ErrShortWrite
			return true
		}
		op.off += n
	}
	return true
}
