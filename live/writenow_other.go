//go:build !unix

package live

import (
	"net"
	"syscall"
	"time"
)

// rawConnOf returns nil: see tryWrite.
func rawConnOf(net.Conn) syscall.RawConn { return nil }

// tryWrite writes nothing where the socket cannot be written without blocking: every
// frame goes through the writer.
func tryWrite(net.Conn, syscall.RawConn, []byte, time.Duration) (bool, error) {
	return false, nil
}
