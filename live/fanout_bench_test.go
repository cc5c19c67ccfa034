package live_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
)

var fanTemplates = template.Must(template.New("fan").Parse(`
{{define "feed"}}<section>
<h1>Feed</h1>
<p id="feed-version">version {{.Version}}</p>
<ol id="feed">{{.RowsHTML}}</ol>
</section>{{end}}
{{define "feed-row"}}<li id="feed-{{.ID}}">row {{.ID}} v{{.Version}}</li>{{end}}`))

// fanRow is one row of fanFeed.
type fanRow struct {
	ID      int
	Version int64
}

// fanStore is the list every fanFeed shows; each update changes one row.
type fanStore struct {
	mu      sync.Mutex
	version int64
	rows    [25]fanRow
}

func (f *fanStore) snapshot() (int64, [25]fanRow) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.version, f.rows
}

// fanFeed is the example app's /feed: 25 rows through a Memo, re-read on every message.
type fanFeed struct {
	store   *fanStore
	memo    *live.Memo[fanRow]
	Version int64
	Rows    [25]fanRow
}

func (v *fanFeed) Mount(_ context.Context, s *live.Socket) error {
	v.memo = live.NewMemo[fanRow](s, fanTemplates.Lookup("feed-row"))
	v.Version, v.Rows = v.store.snapshot()
	return s.Subscribe("feed", func(context.Context, string, []byte) error {
		v.Version, v.Rows = v.store.snapshot()
		return nil
	})
}

func (v *fanFeed) RowsHTML() (template.HTML, error) { return v.memo.Each(v.Rows[:]) }

func (v *fanFeed) Render(w io.Writer) error { return fanTemplates.ExecuteTemplate(w, "feed", v) }

// BenchmarkFanOut publishes one update at a time to 1,000 sockets showing the example's
// feed, and waits until every socket has read the frame that shows it: one op is one
// update delivered to all of them. The sockets are read with raw frames into buffers they
// reuse, so B/op and allocs/op are the server's, for 1,000 deliveries.
//
//	go test ./live -run '^$' -bench FanOut -benchmem
func BenchmarkFanOut(b *testing.B) {
	const viewers = 1000
	store := &fanStore{}
	for i := range store.rows {
		store.rows[i].ID = i + 1
	}
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger(), MaxSocketsPerAddress: 2 * viewers,
		HeartbeatTimeout: time.Hour}) // the sockets send no heartbeats
	if err != nil {
		b.Fatal(err)
	}
	rt.Session("a", live.SessionOptions{}).Live("/counter", func() live.View { return &fanFeed{store: store} })
	mux := http.NewServeMux()
	rt.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	r := newFanReaders(viewers)
	p := loadPage(b, srv, "/counter")
	for n := range viewers {
		ws, _ := p.dial(b, dialOpts{})
		defer ws.Close()
		joined(b, ws)
		_ = ws.NetConn().SetReadDeadline(time.Time{}) // dial set one for the handshake
		go r.read(n, rawClient{conn: ws.NetConn(), r: bufio.NewReader(ws.NetConn())})
	}
	b.ReportAllocs()
	for b.Loop() {
		store.mu.Lock()
		store.version++
		v := store.version
		store.rows[(v-1)%25].Version = v
		store.mu.Unlock()
		r.want.Store(v)
		if err := rt.PubSub().Publish(context.Background(), "feed", nil); err != nil {
			b.Fatal(err)
		}
		r.await(b, v, func() string { return fmt.Sprintf("%+v", rt.Stats()) })
	}
	b.ReportMetric(viewers, "sockets")
}

// BenchmarkFanOutFloor is BenchmarkFanOut without the runtime: the same 1,000 readers,
// over plain loopback TCP, get a frame of the size of a feed update's patch written to
// each of them by two goroutines, one per core here. It is what the kernel and the
// readers cost by themselves, so BenchmarkFanOut's ns/op over this one's, in the same
// run, is what the runtime adds to a fan-out.
//
//	go test ./live -run '^$' -bench 'FanOut(Floor)?$' -benchtime 300x
func BenchmarkFanOutFloor(b *testing.B) {
	const viewers, writers = 1000, 2
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	r := newFanReaders(viewers)
	servers := make([]net.Conn, viewers)
	for n := range viewers {
		cl, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer cl.Close()
		if servers[n], err = ln.Accept(); err != nil {
			b.Fatal(err)
		}
		defer servers[n].Close()
		go r.read(n, rawClient{conn: cl, r: bufio.NewReader(cl)})
	}
	var v int64
	for b.Loop() {
		v++
		r.want.Store(v)
		// What the runtime sends the feed's sockets for one update: two text ops.
		payload := fmt.Appendf(nil, `{"t":"ops","ops":[["t",[0,2,0],"version %d"],["t",[0,3,%d,0],"row %d v%d"]]}`, v, (v-1)%25, (v-1)%25+1, v)
		frame := append([]byte{0x81, byte(len(payload))}, payload...)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for n := w; n < viewers; n += writers {
					if _, err := servers[n].Write(frame); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		r.await(b, v, func() string { return "" })
	}
	b.ReportMetric(viewers, "sockets")
}

// fanReaders reads the frames of many sockets and counts, for the version in want, the
// sockets that show it.
type fanReaders struct {
	want    atomic.Int64   // the version every socket must show
	arrived chan struct{}  // a socket showed want
	seen    []atomic.Int64 // the last version each socket showed
	failed  []atomic.Value // why a socket stopped reading
}

func newFanReaders(n int) *fanReaders {
	return &fanReaders{arrived: make(chan struct{}, n), seen: make([]atomic.Int64, n), failed: make([]atomic.Value, n)}
}

// read reads socket n's frames until it fails, reporting each first sight of want.
func (r *fanReaders) read(n int, cl rawClient) {
	var mark []byte
	for {
		frame, err := cl.readFrame()
		if err != nil {
			r.failed[n].Store(err.Error())
			return
		}
		w := r.want.Load()
		if w == r.seen[n].Load() {
			continue
		}
		mark = strconv.AppendInt(append(mark[:0], "version "...), w, 10)
		if i := bytes.Index(frame, mark); i >= 0 && (i+len(mark) == len(frame) || !isDigit(frame[i+len(mark)])) {
			r.seen[n].Store(w)
			r.arrived <- struct{}{}
		}
	}
}

// await waits until every socket shows version v, for a minute at most.
func (r *fanReaders) await(b *testing.B, v int64, state func() string) {
	timeout := time.NewTimer(time.Minute)
	defer timeout.Stop()
	for i := range r.seen {
		select {
		case <-r.arrived:
		case <-timeout.C:
			for n := range r.seen {
				if r.seen[n].Load() != v {
					b.Logf("socket %d shows version %d (%v)", n, r.seen[n].Load(), r.failed[n].Load())
				}
			}
			b.Fatalf("update %d reached %d of %d sockets in a minute %s", v, i, len(r.seen), state())
		}
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
