package live_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// BenchmarkBurst publishes bursts of 1,000 messages in a tight loop to 100 viewers of the
// counter (each message adds 100), and waits until every viewer shows the final count. It
// reports the time per burst, and how many frames each viewer needed: far fewer than the
// messages, since a view renders once for all the messages that arrived together.
//
//	go test ./live -run '^$' -bench Burst -benchtime 20x
func BenchmarkBurst(b *testing.B) {
	const viewers, burst = 100, 1000
	app := newTestApp(b, nil)
	srv := httptest.NewServer(app.h)
	defer srv.Close()
	type viewer struct {
		mu     sync.Mutex
		frames int
		seen   chan struct{}
		want   []byte
	}
	vs := make([]*viewer, viewers)
	for i := range vs {
		ws, _ := loadPage(b, srv, "/counter").dial(b, dialOpts{})
		joined(b, ws)
		v := &viewer{}
		vs[i] = v
		go func() {
			for {
				_, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				v.mu.Lock()
				v.frames++
				if v.seen != nil && bytes.Contains(data, v.want) {
					close(v.seen)
					v.seen = nil
				}
				v.mu.Unlock()
			}
		}()
	}
	total := 0
	b.ResetTimer()
	for range b.N {
		total += burst * 100
		want := []byte(`"` + strconv.Itoa(total) + `"`)
		seen := make([]chan struct{}, viewers)
		for i, v := range vs {
			v.mu.Lock()
			seen[i] = make(chan struct{})
			v.seen, v.want = seen[i], want
			v.mu.Unlock()
		}
		for range burst {
			if err := app.rt.PubSub().Publish(context.Background(), "counter:bump", nil); err != nil {
				b.Fatal(err)
			}
		}
		for i, ch := range seen {
			select {
			case <-ch:
			case <-time.After(time.Minute):
				b.Fatalf("viewer %d never showed %s", i, want)
			}
		}
	}
	b.StopTimer()
	frames := 0
	for _, v := range vs {
		v.mu.Lock()
		frames += v.frames
		v.mu.Unlock()
	}
	b.ReportMetric(float64(frames)/float64(viewers*b.N), "frames/viewer/burst")
	b.ReportMetric(float64(burst), "msgs/burst")
	if s := app.rt.Stats(); s.SlowClients+s.Overloads != 0 {
		b.Fatalf("sockets dropped: %+v", s)
	}
}
