package live_test

import (
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/pubsub"
)

// lossyPubSub is an in-memory PubSub that a test can declare recovered from an outage.
type lossyPubSub struct {
	*pubsub.Memory
	mu      sync.Mutex
	resumes []func()
}

func (p *lossyPubSub) OnResume(fn func()) func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.resumes = append(p.resumes, fn)
	return func() {}
}

func (p *lossyPubSub) resume() {
	p.mu.Lock()
	fns := p.resumes
	p.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

func TestAfterAPubSubOutageSubscribedSocketsMountAgain(t *testing.T) {
	ps := &lossyPubSub{Memory: pubsub.NewMemory()}
	app := newTestApp(t, func(c *live.Config) { c.PubSub = ps })
	srv := httptest.NewServer(app.h)
	defer srv.Close()
	subscribed, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{}) // the counter subscribes
	joined(t, subscribed)
	quiet, _ := loadPage(t, srv, "/other").dial(t, dialOpts{url: ptr(srv.URL + "/other")})
	joined(t, quiet)
	ps.resume()
	if _, code := next(t, subscribed); code != live.CloseResync {
		t.Fatalf("the subscribed socket got close %d, want %d", code, live.CloseResync)
	}
	// The socket that subscribes to nothing missed nothing: it stays.
	send(t, quiet, `{"t":"e","ref":5,"n":"nope","k":"click"}`)
	readUntil(t, quiet, "the reply", func(m map[string]any) bool { return m["ref"] == float64(5) })
}
