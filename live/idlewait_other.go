//go:build !unix

package live

import "syscall"

// waitReadable returns at once where peeking at a socket is not available; the reader
// then waits inside gorilla's read, on a deeper stack.
func waitReadable(syscall.RawConn) {}
