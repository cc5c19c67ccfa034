package pgpubsub_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/internal/pgcluster"
	"github.com/liveapp/liveapp/live/pubsub"
	"github.com/liveapp/liveapp/live/pubsub/pgpubsub"
	"github.com/liveapp/liveapp/pgtest"
)

func TestListenerReconnectsWhenItsBackendIsTerminated(t *testing.T) {
	a, b, pool := twoNodes(t, pgpubsub.Options{})
	in := subscribe(t, a, "t")
	resumed := make(chan struct{}, 1)
	a.OnResume(signal(resumed))
	cancelled := a.OnResume(func() { t.Error("a cancelled OnResume function ran") })
	cancelled()

	before := a.Stats()
	terminate(t, pool, before.ListenerPID)
	await(t, resumed, "OnResume")

	after := a.Stats()
	if after.Reconnects != 1 || after.LastGap <= 0 || !after.Connected || after.Channels != 1 ||
		after.ListenerPID == 0 || after.ListenerPID == before.ListenerPID {
		t.Fatalf("stats before %+v, after %+v", before, after)
	}
	barrier(t, b, "t", in, "after the outage")
}

func TestSubscriptionsAndLocalDeliveryGoOnWhileTheListenerIsDown(t *testing.T) {
	pool := pgtest.New(t)
	var down atomic.Bool
	config := pool.Config().ConnConfig
	dial := config.DialFunc
	config.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if down.Load() {
			return nil, errors.New("the server is down (test)")
		}
		return dial(ctx, network, addr)
	}
	a := start(t, pool, pgpubsub.Options{ConnConfig: config})
	b := start(t, anotherPool(t, pool), pgpubsub.Options{})
	kept := subscribe(t, a, "kept")
	resumed := make(chan struct{}, 1)
	a.OnResume(signal(resumed))

	down.Store(true)
	terminate(t, pool, a.Stats().ListenerPID)
	eventually(t, "losing the listener", func() bool { return !a.Stats().Connected })

	// Local state only, at once.
	gone, err := a.Subscribe("gone", func(pubsub.Message) {})
	if err != nil {
		t.Fatal(err)
	}
	gone()
	added := subscribe(t, a, "added")
	publish(t, a, "added", "local")
	added.want(t, "local")
	publish(t, b, "kept", "lost") // nobody listens on a's behalf: lost to a

	down.Store(false)
	await(t, resumed, "OnResume")
	if s := a.Stats(); s.Channels != 2 || s.Reconnects != 1 {
		t.Fatalf("after the outage: %+v, want 2 channels (kept and added) and 1 reconnect", s)
	}
	barrier(t, b, "kept", kept, "after the outage")
	kept.want(t, "after the outage")
	barrier(t, b, "added", added, "added after the outage")
}

func TestPublishFailsQuicklyWhenTheServerCannotBeReached(t *testing.T) {
	pool := pgtest.New(t)

	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there now
		refused := newPool(t, "postgres://nobody@"+addr+"/none?sslmode=disable")
		ps := start(t, refused, pgpubsub.Options{ConnConfig: pool.Config().ConnConfig})
		in := subscribe(t, ps, "t")
		if err := ps.Publish(t.Context(), "t", []byte("x")); err == nil {
			t.Fatal("Publish succeeded")
		}
		in.want(t, "x") // this node's subscribers have it all the same
		if s := ps.Stats(); s.SendErrors != 1 || s.Sent != 0 {
			t.Fatalf("stats %+v", s)
		}
	})

	t.Run("a server that never answers", func(t *testing.T) {
		silent := startProxy(t, pool)
		silent.partition(true)
		cfg := pool.Config()
		cfg.ConnConfig.DialFunc = silent.dial
		cfg.ConnConfig.ConnectTimeout = 0
		unanswered, err := pgxpool.NewWithConfig(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(unanswered.Close)
		const timeout = 200 * time.Millisecond
		ps := start(t, unanswered, pgpubsub.Options{ConnConfig: pool.Config().ConnConfig, Timeout: timeout})
		begin := time.Now()
		if err := ps.Publish(t.Context(), "t", nil); err == nil {
			t.Fatal("Publish succeeded")
		}
		if took := time.Since(begin); took < timeout || took > patience {
			t.Fatalf("Publish failed after %v, want Options.Timeout (%v)", took, timeout)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
		defer cancel()
		if err := ps.Publish(ctx, "t", nil); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Publish with a shorter ctx: %v", err)
		}
	})
}

func TestAPingFindsAConnectionThatDiedSilently(t *testing.T) {
	pool := pgtest.New(t)
	proxy := startProxy(t, pool)
	config := pool.Config().ConnConfig
	config.DialFunc = proxy.dial
	a := start(t, pool, pgpubsub.Options{ConnConfig: config, PingEvery: 50 * time.Millisecond, Timeout: 500 * time.Millisecond})
	b := start(t, anotherPool(t, pool), pgpubsub.Options{})
	in := subscribe(t, a, "t")
	resumed := make(chan struct{}, 1)
	a.OnResume(signal(resumed))

	proxy.partition(true) // packets are lost, connections stay open
	eventually(t, "noticing the silence", func() bool { return !a.Stats().Connected })
	proxy.partition(false)
	await(t, resumed, "OnResume")
	barrier(t, b, "t", in, "after the partition")
}

func TestNewFailsWithoutAServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	pool := newPool(t, "postgres://nobody@"+addr+"/none?sslmode=disable")
	if ps, err := pgpubsub.New(t.Context(), pool, pgpubsub.Options{}); err == nil {
		ps.Close()
		t.Fatal("New succeeded")
	}
	if _, err := pgpubsub.New(t.Context(), nil, pgpubsub.Options{}); err == nil {
		t.Fatal("New accepted a nil pool")
	}
}

// TestListenersSurviveAServerRestart stops a cluster of its own at once, as pg_ctl stop -m
// immediate does, and starts it again.
func TestListenersSurviveAServerRestart(t *testing.T) {
	c := newCluster(t)
	ctx := t.Context()
	poolA, poolB := newPool(t, c.URL("postgres")), newPool(t, c.URL("postgres"))
	a, b := start(t, poolA, pgpubsub.Options{}), start(t, poolB, pgpubsub.Options{})
	inA, inB := subscribe(t, a, "t"), subscribe(t, b, "t")
	resumedA, resumedB := make(chan struct{}, 1), make(chan struct{}, 1)
	a.OnResume(signal(resumedA))
	b.OnResume(signal(resumedB))

	// Both pools hold a connection used a moment ago, which pgxpool would lend again
	// without a check: it pings only those idle for a second or more.
	publish(t, a, "warm", "before")
	publish(t, b, "warm", "before")
	st, err := c.Status()
	if err != nil || !st.Running {
		t.Fatalf("cluster status %+v, %v", st, err)
	}
	if err := syscall.Kill(st.PID, syscall.SIGQUIT); err != nil { // immediate shutdown
		t.Fatal(err)
	}
	eventually(t, "the server stopping", func() bool { st, err := c.Status(); return err == nil && !st.Running })
	eventually(t, "losing the listeners", func() bool { return !a.Stats().Connected && !b.Stats().Connected })
	if err := a.Publish(ctx, "t", []byte("while down")); err == nil {
		t.Fatal("Publish succeeded while the server was down")
	}
	inA.want(t, "while down")

	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	await(t, resumedA, "a's OnResume")
	await(t, resumedB, "b's OnResume")
	// Each node reset its pool, whose connections died with the server, before resuming:
	// the first publish gets a new connection rather than a dead one.
	if err := a.Publish(ctx, "t", []byte("back")); err != nil {
		t.Fatalf("the first publish after the outage: %v", err)
	}
	inB.waitFor(t, "back")
	if err := b.Publish(ctx, "t", []byte("back from b")); err != nil {
		t.Fatalf("the first publish after the outage: %v", err)
	}
	inA.waitFor(t, "back from b")
}

// newCluster starts a throwaway cluster of the test's own, removed when it ends. Like
// pgtest, it skips t when PostgreSQL is not installed, except in CI.
func newCluster(t *testing.T) *pgcluster.Cluster {
	t.Helper()
	if _, err := pgcluster.FindBin(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	c := &pgcluster.Cluster{Dir: filepath.Join(t.TempDir(), "pg"), NoSync: true, Attached: true}
	t.Cleanup(func() {
		if err := c.Remove(context.Background()); err != nil {
			t.Error(err)
		}
	})
	if err := c.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return c
}

func newPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// proxy forwards connections to the server of a pool; partitioned, it drops every byte
// both ways but keeps the connections open, like a network that fails silently.
type proxy struct {
	ln      net.Listener
	network string
	addr    string
	lost    atomic.Bool
	mu      sync.Mutex
	conns   []net.Conn
}

func startProxy(t *testing.T, pool *pgxpool.Pool) *proxy {
	t.Helper()
	cfg := pool.Config().ConnConfig
	p := &proxy{network: "tcp", addr: net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))}
	if strings.HasPrefix(cfg.Host, "/") {
		p.network, p.addr = "unix", filepath.Join(cfg.Host, fmt.Sprintf(".s.PGSQL.%d", cfg.Port))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.ln = ln
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *proxy) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", p.ln.Addr().String())
}

func (p *proxy) partition(lost bool) { p.lost.Store(lost) }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial(p.network, p.addr)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go p.forward(s, c)
		go p.forward(c, s)
	}
}

func (p *proxy) forward(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.lost.Load() {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *proxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}
