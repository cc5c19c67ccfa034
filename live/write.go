package live

import (
	"errors"
	"net"
	"time"

	"github.com/gorilla/websocket"
)

// send queues frame for the writer. Any goroutine may call it. A client that has let
// more than Config.MaxBufferedBytes wait is not reading: it is dropped with
// CloseSlowClient.
func (c *conn) send(frame []byte) {
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
	c.out = append(c.out, frame)
	c.outBytes += len(frame)
	c.sent += len(frame)
	c.startWriter()
	c.mu.Unlock()
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
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				c.close(CloseSlowClient, "too slow")
			} else {
				c.close(0, "")
			}
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
