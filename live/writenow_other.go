//go:build !unix

package live

import (
	"net"
	"time"
)

// tryWrite writes nothing where the socket cannot be written without blocking: every
// frame goes through the writer.
func tryWrite(net.Conn, []byte, time.Duration) (bool, error) { return false, nil }
