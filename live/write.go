package live

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net"
	"time"

	"github.com/gorilla/websocket"
)

// send queues frame for the writer. Any goroutine may call it. A client that has let
// more than Config.MaxBufferedBytes wait is not reading: it is dropped with
// CloseSlowClient.
//
// When nothing is being written, send first tries to write the frame itself, without
// waiting (writeNow): a healthy client's socket takes it at once, and the frame goes out
// without a hop to a writer goroutine, which in a fan-out to thousands of sockets waited
// its turn behind every other socket's work. Only a frame the socket cannot take whole
// waits for the writer.
func (c *conn) send(frame []byte) { c.sendFrame(frame, false) }

// sendScratch is send for a frame in the caller's scratch memory, which the caller reuses
// once sendScratch returns: a frame written at once costs no allocation, and one that
// has to wait is copied.
func (c *conn) sendScratch(frame []byte) { c.sendFrame(frame, true) }

func (c *conn) sendFrame(frame []byte, scratch bool) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	if c.outBytes+len(frame) > c.rt.cfg.MaxBufferedBytes && c.outBytes > 0 {
		c.mu.Unlock()
		// close may block on the write lock for a second; the caller may be the reader.
		go c.close(CloseSlowClient, "too slow")
		return
	}
	c.sent += len(frame)
	if !c.writing {
		c.writing = true // this goroutine writes, and others queue behind it
		c.mu.Unlock()
		sent, err := c.writeNow(frame)
		c.mu.Lock()
		if !sent && err == nil {
			if scratch {
				frame = bytes.Clone(frame)
			}
			c.out = append(c.out, frame)
			c.outBytes += len(frame)
		}
		if len(c.out) > 0 || c.finalCode != 0 || c.flushLate {
			go c.write() // what others queued meanwhile, and what follows it
		} else {
			c.writing = false
		}
		c.mu.Unlock()
		if err != nil {
			c.writeFailed(err)
		}
		return
	}
	if scratch {
		frame = bytes.Clone(frame)
	}
	c.out = append(c.out, frame)
	c.outBytes += len(frame)
	c.mu.Unlock()
}

// writeNow writes frame at once if the socket takes it without waiting, and reports
// whether it did. A socket that takes part of it gets the rest as the writer would, within
// Config.WriteTimeout: a frame cannot be left half written, since a close frame could
// follow it. On a connection that is not a plain socket (TLS served by the app itself)
// it writes nothing.
func (c *conn) writeNow(frame []byte) (bool, error) {
	if c.raw == nil {
		return false, nil
	}
	buf := c.rt.buffers.Get().(*bytes.Buffer)
	defer c.releaseBuffer(buf)
	buf.Write(appendFrameHeader(buf.AvailableBuffer(), len(frame)))
	buf.Write(frame)
	return tryWrite(c.ws.NetConn(), c.raw, buf.Bytes(), c.rt.cfg.WriteTimeout)
}

// appendFrameHeader appends the header of an unmasked, final text frame of n bytes
// (RFC 6455, section 5.2), as a server sends it.
func appendFrameHeader(b []byte, n int) []byte {
	const finText = 0x80 | websocket.TextMessage
	switch {
	case n <= 125:
		return append(b, finText, byte(n))
	case n <= 0xffff:
		return append(b, finText, 126, byte(n>>8), byte(n))
	}
	return binary.BigEndian.AppendUint64(append(b, finText, 127), uint64(n))
}

// writeFailed closes the socket after a failed write: with CloseSlowClient when the
// write timed out, the client no longer reading.
func (c *conn) writeFailed(err error) {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		c.close(CloseSlowClient, "too slow")
	} else {
		c.close(0, "")
	}
}

// startWriter starts the writer unless it runs. c.mu must be held.
func (c *conn) startWriter() {
	if !c.writing {
		c.writing = true
		go c.write()
	}
}

// write is the writer: it sends the queued frames in order and exits when none are left.
// A write that blocks for Config.WriteTimeout means the client stopped reading.
func (c *conn) write() {
	for {
		c.mu.Lock()
		if len(c.out) == 0 || (c.closed && c.finalCode == 0) {
			c.out, c.outBytes, c.writing = nil, 0, false
			code := c.finalCode
			c.finalCode = 0
			flush := c.flushLate && !c.closed
			c.flushLate = false
			c.mu.Unlock()
			if code != 0 {
				c.sendClose(code, closeReason(code))
			}
			if flush {
				// The worker left a render for when this batch was written.
				c.post(job{run: (*conn).flush})
			}
			return
		}
		frame := c.out[0]
		c.out[0] = nil
		c.out = c.out[1:]
		c.mu.Unlock()

		_ = c.ws.SetWriteDeadline(time.Now().Add(c.rt.cfg.WriteTimeout))
		err := c.ws.WriteMessage(websocket.TextMessage, frame)
		c.mu.Lock()
		c.outBytes = max(0, c.outBytes-len(frame)) // close may have emptied the queue meanwhile
		c.mu.Unlock()
		if err != nil {
			c.writeFailed(err)
		}
	}
}

func closeReason(code int) string {
	switch code {
	case CloseRateLimit:
		return "too many events"
	case CloseOverloaded:
		return "overloaded"
	case CloseResync:
		return "reconnect: messages may have been missed"
	}
	return ""
}
