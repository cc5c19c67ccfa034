package live_test

import (
	"bufio"
	"bytes"
	"context"
	"html/template"
	"io"
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
	var want atomic.Int64 // the version every socket must show
	arrived := make(chan struct{}, viewers)
	p := loadPage(b, srv, "/counter")
	seen := make([]atomic.Int64, viewers)   // the last version each socket showed
	failed := make([]atomic.Value, viewers) // why a socket stopped reading
	for n := range viewers {
		ws, _ := p.dial(b, dialOpts{})
		defer ws.Close()
		joined(b, ws)
		cl := rawClient{conn: ws.NetConn(), r: bufio.NewReader(ws.NetConn())}
		_ = ws.NetConn().SetReadDeadline(time.Time{}) // dial set one for the handshake
		go func() {
			var mark []byte
			for {
				frame, err := cl.readFrame()
				if err != nil {
					failed[n].Store(err.Error())
					return
				}
				w := want.Load()
				if w == seen[n].Load() {
					continue
				}
				mark = strconv.AppendInt(append(mark[:0], "version "...), w, 10)
				if i := bytes.Index(frame, mark); i >= 0 && (i+len(mark) == len(frame) || !isDigit(frame[i+len(mark)])) {
					seen[n].Store(w)
					arrived <- struct{}{}
				}
			}
		}()
	}
	b.ReportAllocs()
	for b.Loop() {
		store.mu.Lock()
		store.version++
		v := store.version
		store.rows[(v-1)%25].Version = v
		store.mu.Unlock()
		want.Store(v)
		if err := rt.PubSub().Publish(context.Background(), "feed", nil); err != nil {
			b.Fatal(err)
		}
		timeout := time.NewTimer(time.Minute)
		for i := range viewers {
			select {
			case <-arrived:
			case <-timeout.C:
				for n := range seen {
					if seen[n].Load() != v {
						b.Logf("socket %d shows version %d (%v)", n, seen[n].Load(), failed[n].Load())
					}
				}
				b.Fatalf("update %d reached %d of %d sockets in a minute (%+v)", v, i, viewers, rt.Stats())
			}
		}
		timeout.Stop()
	}
	b.ReportMetric(viewers, "sockets")
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
