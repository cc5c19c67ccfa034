//go:build unix

package live

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (server, client *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		done <- c
	}()
	cl, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	sv := <-done
	if sv == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { sv.Close(); cl.Close() })
	return sv.(*net.TCPConn), cl.(*net.TCPConn)
}

// fill writes to c until its buffers are full, and returns how much that took.
func fill(t *testing.T, c *net.TCPConn) int {
	t.Helper()
	chunk := make([]byte, 64<<10)
	total := 0
	for {
		ok, err := tryWrite(c, rawConnOf(c), chunk[:1], time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return total
		}
		total++
		if total > 64<<20 {
			t.Fatal("the socket took 64 MiB without filling")
		}
	}
}

func TestTryWriteLeavesAFullSocketAlone(t *testing.T) {
	sv, cl := tcpPair(t)
	_ = sv.SetWriteBuffer(4096)
	_ = cl.SetReadBuffer(4096)
	n := fill(t, sv)
	if ok, err := tryWrite(sv, rawConnOf(sv), []byte("more"), time.Minute); ok || err != nil {
		t.Fatalf("tryWrite on a full socket = %v, %v; want false and no error", ok, err)
	}
	// Everything written arrives, and nothing of the refused write.
	got := make([]byte, n+4)
	_ = cl.SetReadDeadline(time.Now().Add(time.Minute))
	if _, err := io.ReadFull(cl, got[:n]); err != nil {
		t.Fatal(err)
	}
	_ = cl.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if k, _ := cl.Read(got[n:]); k != 0 {
		t.Fatalf("read %q after the %d bytes written", got[n:n+k], n)
	}
}

func TestTryWriteFinishesWhatItStarted(t *testing.T) {
	sv, cl := tcpPair(t)
	_ = sv.SetWriteBuffer(4096)
	// Far larger than the socket's buffers: it takes part at once, and the rest as the
	// client reads.
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	read := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(cl, int64(len(data))))
		read <- b
	}()
	ok, err := tryWrite(sv, rawConnOf(sv), data, time.Minute)
	if !ok || err != nil {
		t.Fatalf("tryWrite = %v, %v", ok, err)
	}
	if got := <-read; !bytes.Equal(got, data) {
		t.Fatalf("the client read %d bytes, not the %d written, whole and in order", len(got), len(data))
	}
}

func TestTryWriteTimesOutWhenTheClientStopsReading(t *testing.T) {
	sv, _ := tcpPair(t)
	_ = sv.SetWriteBuffer(4096)
	data := make([]byte, 16<<20)
	ok, err := tryWrite(sv, rawConnOf(sv), data, 50*time.Millisecond)
	var ne net.Error
	if !ok || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("tryWrite to a client that does not read = %v, %v; want a timeout after a partial write", ok, err)
	}
}

func TestFrameHeadersAreWhatAWebsocketClientReads(t *testing.T) {
	sizes := []int{0, 1, 125, 126, 127, 0xffff, 0x10000, 200_000}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for i, n := range sizes {
			msg := strings.Repeat(string(rune('a'+i)), n)
			data := append(appendFrameHeader(nil, n), msg...)
			if ok, err := tryWrite(ws.NetConn(), rawConnOf(ws.NetConn()), data, time.Minute); !ok || err != nil {
				t.Errorf("frame of %d bytes: tryWrite = %v, %v", n, ok, err)
				return
			}
		}
		_, _, _ = ws.ReadMessage() // until the client closes
	}))
	defer srv.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(time.Minute))
	for i, n := range sizes {
		typ, got, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("frame of %d bytes: %v", n, err)
		}
		if want := strings.Repeat(string(rune('a'+i)), n); typ != websocket.TextMessage || string(got) != want {
			t.Fatalf("frame of %d bytes: read a frame of type %d and %d bytes", n, typ, len(got))
		}
	}
}
