package live

import (
	"bytes"
	"errors"
	"io"
	"net"
	"time"

	"github.com/gorilla/websocket"
)

// read is the connection's reader loop; it returns when the connection ends. It is the
// only goroutine that reads from ws or sets its read deadline (see conn).
func (c *conn) read() {
	defer c.finish()
	ws, cfg := c.ws, &c.rt.cfg
	ws.SetReadLimit(cfg.MaxMessageSize)
	_ = ws.SetReadDeadline(time.Now().Add(cfg.HeartbeatTimeout))
	for {
		if c.br.Buffered() == 0 {
			waitReadable(c.raw)
		}
		if takeHeartbeat(c.br) {
			if !c.closing() {
				_ = ws.SetReadDeadline(time.Now().Add(cfg.HeartbeatTimeout))
				c.heartbeat()
			}
			continue
		}
		typ, buf, data, err := c.readFrame()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && !c.closing() {
				c.close(CloseHeartbeat, "heartbeat timeout")
			}
			return
		}
		if !c.closing() { // else drain until the client's close reply, or until the drain timer cuts it
			_ = ws.SetReadDeadline(time.Now().Add(cfg.HeartbeatTimeout))
			c.take(typ, data)
		}
		if buf != nil {
			c.releaseBuffer(buf)
		}
	}
}

// readFrame reads the next frame whole, within Config.MaxMessageSize (gorilla enforces
// the read limit). A text frame is read into a pooled buffer, which the caller gives back
// with releaseBuffer once it has taken the frame: decodeClientFrame keeps nothing of it.
// A binary frame (an upload chunk, whose data waits for the worker) gets memory of its
// own, and buf is nil.
func (c *conn) readFrame() (typ int, buf *bytes.Buffer, data []byte, err error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return 0, nil, nil, err
	}
	if typ != websocket.TextMessage {
		data, err = io.ReadAll(r)
		return typ, nil, data, err
	}
	buf = c.rt.buffers.Get().(*bytes.Buffer)
	if _, err := buf.ReadFrom(r); err != nil {
		c.releaseBuffer(buf)
		return 0, nil, nil, err
	}
	return typ, buf, buf.Bytes(), nil
}

// take handles one client frame on the reader: it decodes it, charges it to the event
// bucket and queues it for the worker, or answers it at once when it is refused.
func (c *conn) take(typ int, data []byte) {
	if c.violations >= c.rt.cfg.MaxViolations {
		return // a flood: the socket closes once the frames accepted before it are answered
	}
	if typ == websocket.BinaryMessage {
		c.takeChunk(data) // an upload chunk; see upload.go
		return
	}
	f, err := decodeClientFrame(data)
	if err != nil {
		c.answerBadFrame(err)
		return
	}
	if f.Kind == frameHeartbeat {
		c.heartbeat()
		return
	}
	// Every frame draws from the bucket, navigation too: it mounts views. So does the
	// room left in the event queue, which fills only when handlers are slower than the
	// bucket lets events in.
	if !c.limiter.allow(c.rt.now()) || !c.postEvent(f) {
		if f.Ref > 0 {
			c.send(frameReply(f.Ref, nil, "too many events: slow down", nil))
		}
		c.violation()
		return
	}
	c.violations = 0
}

// heartbeat queues the answer to a client heartbeat. Heartbeats draw from the event
// bucket too, since each costs a write, but a refused one gets no reply (it has no ref).
func (c *conn) heartbeat() {
	if c.violations >= c.rt.cfg.MaxViolations {
		return
	}
	if !c.limiter.allow(c.rt.now()) {
		c.violation()
		return
	}
	c.violations = 0
	c.post(job{run: (*conn).beat})
}

// violation counts a refused frame. MaxViolations in a row are a flood: the reader takes
// nothing more, the worker answers the frames it accepted before, and then the socket
// closes with CloseRateLimit; the client's browser and address wait Config.FloodCooldown
// before a new socket is accepted.
func (c *conn) violation() {
	c.violations++
	if c.violations == c.rt.cfg.MaxViolations {
		c.rt.limits.coolDown(c.addr, c.binding, c.rt.now())
		c.mu.Lock()
		c.events = append(c.events, &clientFrame{Kind: frameFlood})
		c.startWorker()
		c.mu.Unlock()
	}
}

// answerBadFrame answers a frame that did not decode (err is a *FrameError): with a reply
// when its ref could be read, so the client can settle what waits for it, and with an
// error frame otherwise.
func (c *conn) answerBadFrame(err error) {
	var fe *FrameError
	if !errors.As(err, &fe) {
		fe = &FrameError{Reason: "malformed frame"}
	}
	if fe.Ref > 0 {
		c.send(frameReply(fe.Ref, nil, fe.Reason, nil))
	} else {
		c.send(frameError(fe.Reason))
	}
}
