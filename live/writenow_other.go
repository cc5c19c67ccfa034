//go:build !unix

package live

import (
	"net"
	"time"
)

// canTryWrite reports false: see tryWrite.
func canTryWrite(net.Conn) bool { return false }

// tryWrite writes nothing where the socket cannot be written without blocking: every
// frame goes through the writer.
func tryWrite(net.Conn, []byte, time.Duration) (bool, error) { return false, nil }
