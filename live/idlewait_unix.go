//go:build unix

package live

import "syscall"

// waitReadable blocks until the socket rc has bytes to read, has reached EOF or failed,
// or its read deadline passes, on a shallow stack. Any doubt returns at once: the read
// that follows sees the real state. A nil rc (not a socket) returns at once.
func waitReadable(rc syscall.RawConn) {
	if rc != nil {
		_ = rc.Read(peekReadable)
	}
}

// peekReadable is waitReadable's poll function; it captures nothing, so that a wait
// allocates nothing.
func peekReadable(fd uintptr) bool {
	var b [1]byte
	n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	return n > 0 || err != syscall.EAGAIN
}
