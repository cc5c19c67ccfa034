package live

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// An idle socket's reader goroutine is parked waiting for the client's next frame, and its
// stack is most of what an idle socket costs. Parked inside gorilla's NextReader it sits
// under a dozen frames (frame parsing, bufio, net.Conn.Read, the poller) and the garbage
// collector cannot shrink its stack below 4 KiB; parked in waitReadable, a few frames
// deep, it can, to 2 KiB. waitReadable only waits while gorilla's read buffer is empty,
// so no buffered frame is left waiting for more bytes from the network.

// readBufferSize is the size of the read buffer gorilla reads frames through: client
// frames are small, and larger ones are read in pieces. Gorilla reuses a hijacked reader
// only when it is larger than 256 bytes; 288 is the next allocation size class.
const readBufferSize = 288

// hijackWriter hands gorilla a read buffer of ours, so that the reader loop can tell
// whether a frame is already buffered.
type hijackWriter struct {
	http.ResponseWriter
	br *bufio.Reader
}

// Hijack takes over the connection and wraps it in a readBufferSize reader.
func (h *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("live: hijack: %w", err)
	}
	if brw.Reader.Buffered() > 0 {
		_ = nc.Close()
		return nil, nil, errors.New("live: client sent data before the handshake completed")
	}
	h.br = bufio.NewReaderSize(nc, readBufferSize)
	return nc, bufio.NewReadWriter(h.br, brw.Writer), nil
}

// Unwrap lets http.ResponseController reach the server's ResponseWriter.
func (h *hijackWriter) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// A client's heartbeat is one masked text frame of 9 bytes: the header byte for a final
// text frame, the mask bit with the length, the 4-byte mask, and {"t":"h"} masked.
const (
	heartbeatHeader0 = 0x81 // FIN, opcode 1 (text)
	heartbeatHeader1 = 0x80 | byte(len(heartbeatJSON))
	heartbeatWireLen = 2 + 4 + len(heartbeatJSON)
)

// takeHeartbeat consumes the next frame from br if it is a heartbeat, and reports whether
// it did. Heartbeats are most of what an idle socket receives; reading them here, between
// whole messages, keeps the reader's stack within the 2 KiB that the parked goroutine
// needs, instead of growing it in gorilla's frame reader. Anything else is left in br
// for gorilla, untouched.
func takeHeartbeat(br *bufio.Reader) bool {
	h, err := br.Peek(2)
	if err != nil || h[0] != heartbeatHeader0 || h[1] != heartbeatHeader1 {
		return false
	}
	f, err := br.Peek(heartbeatWireLen)
	if err != nil {
		return false
	}
	mask, payload := f[2:6], f[6:]
	for i := range payload {
		if payload[i]^mask[i%4] != heartbeatJSON[i] {
			return false
		}
	}
	_, _ = br.Discard(heartbeatWireLen)
	return true
}
