package live_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

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

func TestDisconnectUsesOneSubscriptionForEverySocketID(t *testing.T) {
	app := newTestApp(t, func(c *live.Config) { c.MaxSocketsPerAddress = -1 })
	app.valid.Store(map[string]bool{"alice": true, "bob": true, "carol": true})
	srv := httptest.NewServer(app.h)
	defer srv.Close()
	socks := map[string]*websocket.Conn{}
	for _, user := range []string{"alice", "bob", "carol"} {
		p := loadPageWith(t, srv, "/guarded", &http.Cookie{Name: "user", Value: user})
		ws, status := p.dial(t, dialOpts{url: ptr(srv.URL + "/guarded")})
		if status != 101 {
			t.Fatalf("%s: status %d", user, status)
		}
		joined(t, ws)
		socks[user] = ws
	}
	if n := app.rt.PubSub().(*pubsub.Memory).Subscribers("live:disconnect"); n != 1 {
		t.Fatalf("%d subscriptions to Disconnect broadcasts for 3 socket ids, want 1", n)
	}
	if err := app.rt.Disconnect(t.Context(), "user:bob"); err != nil {
		t.Fatal(err)
	}
	if _, code := next(t, socks["bob"]); code != live.CloseDisconnect {
		t.Fatalf("bob's socket: close %d, want %d", code, live.CloseDisconnect)
	}
	send(t, socks["alice"], `{"t":"e","ref":7,"n":"x","k":"click"}`) // alice's socket stays
	readUntil(t, socks["alice"], "the reply", func(m map[string]any) bool { return m["ref"] == float64(7) })
}

func TestShutdownTellsClientsToReconnectElsewhereAndRefusesNewSockets(t *testing.T) {
	app := newTestApp(t, nil)
	srv := httptest.NewServer(app.h)
	defer srv.Close()
	p := loadPage(t, srv, "/counter")
	ws, _ := p.dial(t, dialOpts{})
	joined(t, ws)
	if err := app.rt.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, code := next(t, ws); code != live.CloseRestart {
		t.Fatalf("close %d, want %d", code, live.CloseRestart)
	}
	if _, status := p.dial(t, dialOpts{}); status != http.StatusServiceUnavailable {
		t.Fatalf("a socket after Shutdown got %d, want 503", status)
	}
}
