//go:build unix

package live

import (
	"net"
	"syscall"
)

// waitReadable blocks until nc has bytes to read, has reached EOF or failed, or its read
// deadline passes, on a shallow stack. Any doubt returns at once: the read that follows
// sees the real state.
func waitReadable(nc net.Conn) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	var b [1]byte
	_ = rc.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return n > 0 || err != syscall.EAGAIN
	})
}
