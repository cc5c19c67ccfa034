package live_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
)

// BenchmarkSocketEvent measures one event through the whole runtime, over a loopback
// websocket: the reader takes the frame, decodes it and queues it, the worker runs the
// handler, renders, diffs and builds the reply, and the writer sends it. The client writes
// each event frame and reads its reply with raw frames into buffers it reuses, so it
// allocates nothing, and B/op and allocs/op are the server's. One event waits for the
// reply to the one before, so this is the cost of a busy socket, not of a loaded server.
//
//	go test ./live -run '^$' -bench SocketEvent -benchmem
func BenchmarkSocketEvent(b *testing.B) {
	for _, bc := range []struct{ name, event, params string }{
		{"counter", "inc", `{}`},
		{"counter-params", "add", `{"by":"1"}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger(), EventRate: 1e9, EventBurst: 1e6})
			if err != nil {
				b.Fatal(err)
			}
			rt.Session("a", live.SessionOptions{}).Live("/counter", func() live.View { return &eventBenchView{} })
			mux := http.NewServeMux()
			rt.Register(mux)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			ws, _ := loadPage(b, srv, "/counter").dial(b, dialOpts{})
			defer ws.Close()
			joined(b, ws)
			cl := rawClient{conn: ws.NetConn(), r: bufio.NewReader(ws.NetConn())}
			_ = ws.NetConn().SetReadDeadline(time.Time{}) // dial set one for the handshake
			var ref int64
			var wire int
			b.ReportAllocs()
			for b.Loop() {
				ref++
				reply := cl.roundTrip(b, ref, bc.event, bc.params)
				wire += len(reply)
			}
			b.ReportMetric(float64(wire)/float64(ref), "reply-B/op")
		})
	}
}

// eventBenchView is the example app's counter (benchCounter's page, whose text between
// the tags makes more nodes than tags), with an event that takes a parameter.
type eventBenchView struct{ benchCounter }

func (v *eventBenchView) Mount(_ context.Context, s *live.Socket) error {
	s.On("inc", func(context.Context, live.Params) error { v.Count++; return nil })
	s.On("add", func(_ context.Context, p live.Params) error {
		by, err := p.Int("by")
		v.Count += by
		return err
	})
	return nil
}

// rawClient speaks just enough websocket to send small masked text frames and read the
// server's unmasked ones, reusing its buffers.
type rawClient struct {
	conn    net.Conn
	r       *bufio.Reader
	out, in []byte
}

// roundTrip sends event ref and returns the payload of its reply, valid until the next
// call. Frames before the reply (none are expected) are skipped.
func (c *rawClient) roundTrip(b *testing.B, ref int64, event, params string) []byte {
	p := c.out[:0]
	p = append(p, 0x81, 0x80, 0, 0, 0, 0) // FIN + text; masked with a zero key; length below
	p = append(p, `{"t":"e","ref":`...)
	p = strconv.AppendInt(p, ref, 10)
	p = append(p, `,"n":"`...)
	p = append(p, event...)
	p = append(p, `","k":"click","p":`...)
	p = append(p, params...)
	p = append(p, '}')
	if len(p)-6 >= 126 {
		b.Fatal("event frame too long for the short header")
	}
	p[1] |= byte(len(p) - 6)
	c.out = p
	if _, err := c.conn.Write(p); err != nil {
		b.Fatal(err)
	}
	for {
		payload, err := c.readFrame()
		if err != nil {
			b.Fatal(err)
		}
		if bytes.HasPrefix(payload, replyPrefix) {
			if err := checkRef(payload[len(replyPrefix):], ref); err != nil {
				b.Fatal(err)
			}
			return payload
		}
	}
}

var replyPrefix = []byte(`{"t":"r","ref":`)

// checkRef checks that a reply's ref, at the start of rest, is ref, and that the event
// did not fail.
func checkRef(rest []byte, ref int64) error {
	var digits [20]byte
	n := strconv.AppendInt(digits[:0], ref, 10)
	if !bytes.HasPrefix(rest, n) || len(rest) == len(n) || (rest[len(n)] != ',' && rest[len(n)] != '}') {
		return fmt.Errorf("reply to another ref: %s", rest)
	}
	if bytes.Contains(rest, []byte(`"err"`)) {
		return fmt.Errorf("event failed: %s", rest)
	}
	return nil
}

// readFrame reads one unmasked server frame (not fragmented: the server writes each frame
// whole) into c.in.
func (c *rawClient) readFrame() ([]byte, error) {
	var h [8]byte
	if _, err := io.ReadFull(c.r, h[:2]); err != nil {
		return nil, err
	}
	if h[0]&0x0f == 0x8 {
		return nil, fmt.Errorf("socket closed")
	}
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		if _, err := io.ReadFull(c.r, h[:2]); err != nil {
			return nil, err
		}
		n = int(binary.BigEndian.Uint16(h[:2]))
	case 127:
		if _, err := io.ReadFull(c.r, h[:8]); err != nil {
			return nil, err
		}
		n = int(binary.BigEndian.Uint64(h[:8]))
	}
	if cap(c.in) < n {
		c.in = make([]byte, n)
	}
	c.in = c.in[:n]
	_, err := io.ReadFull(c.r, c.in)
	return c.in, err
}
