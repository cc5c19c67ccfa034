//go:build unix

package live

import (
	"io"
	"net"
	"syscall"
	"time"
)

// canTryWrite reports whether tryWrite can write to nc: whether it is a socket.
func canTryWrite(nc net.Conn) bool {
	_, ok := nc.(syscall.Conn)
	return ok
}

// tryWrite writes data to nc if the socket takes some of it at once, and reports whether
// it did. When the socket takes only part, it waits for room to write the rest, until
// timeout, so that data always goes out whole. It writes nothing on a connection that is
// not a socket, or whose buffer is full.
func tryWrite(nc net.Conn, data []byte, timeout time.Duration) (bool, error) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false, nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false, nil
	}
	if err := nc.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return false, err
	}
	off := 0
	var werr error
	write := func(fd uintptr) bool {
		for off < len(data) {
			n, err := syscall.Write(int(fd), data[off:])
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN:
				return off == 0 // none written: the writer takes the frame; some: wait for room
			case err != nil:
				werr = err
				return true
			case n == 0:
				werr = io.ErrShortWrite
				return true
			}
			off += n
		}
		return true
	}
	if err := rc.Write(write); err != nil {
		return off > 0, err
	}
	if off == 0 && werr == nil {
		return false, nil
	}
	return true, werr
}
