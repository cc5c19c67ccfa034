package pgpubsub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/live/pubsub"
)

// ErrTooLarge reports a message whose payload would exceed MaxPayload. Nothing was sent or
// delivered. Send ids, not HTML: subscribers load what changed themselves.
var ErrTooLarge = errors.New("pgpubsub: message too large for NOTIFY")

// ErrClosed reports a call on a PubSub after Close.
var ErrClosed = errors.New("pgpubsub: closed")

// Options configures New. The zero value is ready to use.
type Options struct {
	// ConnConfig configures the listening connection. Nil means a copy of the pool's
	// configuration, to which the pool's BeforeConnect hook applies as well. Set it when the
	// pool reaches PostgreSQL through a proxy that pools transactions (PgBouncer in
	// transaction mode, for one), which cannot keep a LISTEN: the listener needs a session
	// of its own. New copies it.
	ConnConfig *pgx.ConnConfig

	// Prefix starts every channel name. Empty means "liveapp_". Applications that share a
	// database but not their topics need different prefixes. It must be 1 to 40 lowercase
	// ASCII letters, digits or underscores.
	Prefix string

	// Timeout bounds Publish's round trip to the server (unless its ctx ends first), each
	// connection attempt and command of the listener, and how long Subscribe waits for the
	// listener. Zero means 5 s.
	Timeout time.Duration

	// MinBackoff and MaxBackoff bound the delay before each attempt to reconnect the
	// listener: it starts at MinBackoff and doubles after each failure, up to MaxBackoff,
	// and each wait is drawn at random between half the delay and the delay, so that nodes
	// do not all reconnect at once. Zero means 100 ms and 10 s.
	MinBackoff, MaxBackoff time.Duration

	// PingEvery is how often the listener checks its connection with a round trip. A
	// connection that died without a word (a network partition, a server host that crashed)
	// is noticed within PingEvery + Timeout instead of when TCP gives up, many minutes
	// later. Zero means 30 s.
	PingEvery time.Duration

	// Logger receives the listener's connection losses and reconnections. Nil means
	// slog.Default().
	Logger *slog.Logger

	channel func(topic string) string // names a topic's channel; tests force collisions
}

// PubSub is a pubsub.PubSub whose messages reach every node that listens on the same
// PostgreSQL database. It also implements pubsub.Resumer. Its methods are safe for
// concurrent use.
type PubSub struct {
	pool          *pgxpool.Pool
	config        *pgx.ConnConfig                              // the listening connection's
	beforeConnect func(context.Context, *pgx.ConnConfig) error // the pool's hook, when config is the pool's
	opts          Options
	node          string // this node's id, in the payloads it publishes
	log           *slog.Logger

	local pubsub.Memory // this node's subscribers
	seq   atomic.Uint64 // messages published, so that no two payloads of a node are equal

	sent, sendErrors, received, echoes, malformed atomic.Uint64

	stop     context.CancelFunc // stops the listener
	done     chan struct{}      // closed when the listener has stopped
	resumeWG sync.WaitGroup     // the goroutine running OnResume functions

	closed atomic.Bool // set under mu, read without it

	mu         sync.Mutex
	channels   map[string]*channel
	dirty      bool               // some channel may need a LISTEN or an UNLISTEN
	interrupt  context.CancelFunc // ends the listener's wait for a notification
	connected  bool               // the listening connection is up
	pid        uint32             // its backend's process id
	reconnects uint64
	lastGap    time.Duration
	resumers   map[uint64]func()
	nextID     uint64
	resuming   bool // a goroutine runs the OnResume functions
	again      bool // and must run them once more: another outage ended meanwhile
}

// channel is a NOTIFY channel and what this node wants of it.
type channel struct {
	subs     int           // local subscriptions to its topics
	listened bool          // the listening connection listens on it, and no UNLISTEN is under way
	ready    chan struct{} // closed when listened becomes true or the connection is lost; nil if nobody waits
}

// New starts a PubSub that publishes through pool and listens on a connection of its own,
// and returns once that connection is up. It fails when the connection cannot be made within
// ctx and Options.Timeout; later losses are handled by reconnecting. Close stops it; the pool
// stays the caller's.
//
// A node holds the pool's connections plus one: the listener's.
func New(ctx context.Context, pool *pgxpool.Pool, opts Options) (*PubSub, error) {
	if pool == nil {
		return nil, errors.New("pgpubsub: nil pool")
	}
	if opts.Prefix == "" {
		opts.Prefix = "liveapp_"
	}
	if !validPrefix(opts.Prefix) {
		return nil, fmt.Errorf("pgpubsub: prefix %q: want 1 to 40 lowercase ASCII letters, digits or underscores", opts.Prefix)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 10 * time.Second
	}
	opts.MaxBackoff = max(opts.MaxBackoff, opts.MinBackoff)
	if opts.PingEvery <= 0 {
		opts.PingEvery = 30 * time.Second
	}
	if opts.channel == nil {
		prefix := opts.Prefix
		opts.channel = func(topic string) string { return channelName(prefix, topic) }
	}
	var config *pgx.ConnConfig
	var beforeConnect func(context.Context, *pgx.ConnConfig) error
	if opts.ConnConfig != nil {
		config = opts.ConnConfig.Copy()
	} else {
		pc := pool.Config() // a copy
		config, beforeConnect = pc.ConnConfig, pc.BeforeConnect
	}
	// The listener interrupts its own waits to send LISTENs: a deadline on the socket does
	// it without a word to the server, where a cancel request would open a connection.
	config.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.DeadlineContextWatcherHandler{Conn: c.Conn()}
	}
	config.OnNotification = nil // pgx.Conn queues notifications for WaitForNotification only then
	// connect sets both again on the copy that a BeforeConnect hook may change.

	id := make([]byte, nodeLen/2)
	rand.Read(id)
	p := &PubSub{
		pool:          pool,
		config:        config,
		beforeConnect: beforeConnect,
		opts:          opts,
		node:          hex.EncodeToString(id),
		log:           opts.Logger,
		done:          make(chan struct{}),
		channels:      make(map[string]*channel),
		resumers:      make(map[uint64]func()),
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	conn, err := p.connect(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgpubsub: connect the listener: %w", err)
	}
	// Connected from now on, so that a Subscribe that comes before the listener's goroutine
	// runs waits for its LISTEN.
	p.connected, p.pid = true, conn.PgConn().PID()
	run, stop := context.WithCancel(context.Background())
	p.stop = stop
	go p.listen(run, conn)
	return p, nil
}

func validPrefix(s string) bool {
	if len(s) == 0 || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Subscribe registers fn for topic and returns a function that removes it; calling that
// twice is harmless. fn receives the messages published to topic on this node at once, and
// those published on other nodes through the listening connection, in publication order for
// messages from one publisher. It must not block: the listener calls it.
//
// While the node is connected, Subscribe returns once the listener listens on the topic's
// channel, so that every message published after it returns, anywhere, reaches fn; that
// takes a round trip when no other subscription of this node shares the channel. Waiting is
// bounded by Options.Timeout, and skipped while the listener is disconnected: OnResume's
// functions cover that gap. Do not subscribe from a subscriber's function: the listener
// that called it cannot listen until it returns, so Subscribe waits its full Timeout.
func (p *PubSub) Subscribe(topic string, fn func(pubsub.Message)) (func(), error) {
	if len(topic) == 0 || len(topic) > pubsub.MaxTopicLen {
		return nil, pubsub.ErrBadTopic
	}
	name := p.opts.channel(topic)
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	cancelLocal, err := p.local.Subscribe(topic, fn)
	if err != nil {
		p.mu.Unlock()
		return nil, err
	}
	ch := p.channels[name]
	if ch == nil {
		ch = &channel{}
		p.channels[name] = ch
	}
	ch.subs++
	var ready chan struct{}
	if !ch.listened {
		p.wake()
		if p.connected {
			if ch.ready == nil {
				ch.ready = make(chan struct{})
			}
			ready = ch.ready
		}
	}
	p.mu.Unlock()

	if ready != nil {
		t := time.NewTimer(p.opts.Timeout)
		select {
		case <-ready:
		case <-t.C:
		}
		t.Stop()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			cancelLocal()
			p.release(name)
		})
	}, nil
}

// release drops a subscription to channel name: the last one makes the listener UNLISTEN.
func (p *PubSub) release(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch := p.channels[name]
	ch.subs--
	if ch.subs > 0 {
		return
	}
	if ch.listened {
		p.wake()
	} else {
		// Not listened, or an UNLISTEN is under way: nothing to undo. A LISTEN under way
		// puts the channel back when it completes, and the next round UNLISTENs it.
		delete(p.channels, name)
	}
}

// wake tells the listener that channels changed. p.mu is held.
func (p *PubSub) wake() {
	p.dirty = true
	if p.interrupt != nil {
		p.interrupt()
	}
}

// Publish delivers data to this node's subscribers of topic at once, then sends it to the
// other nodes with NOTIFY through a connection of the pool. The subscribers share data and
// must not modify it.
//
// It returns an error when the server could not be reached within ctx and Options.Timeout:
// this node's subscribers have the message, other nodes may not. A payload over MaxPayload
// is refused with ErrTooLarge before anything is delivered.
func (p *PubSub) Publish(ctx context.Context, topic string, data []byte) error {
	name, payload, err := p.encode(false, topic, data)
	if err != nil {
		return err
	}
	if p.closed.Load() {
		return ErrClosed
	}
	if err := p.local.Publish(ctx, topic, data); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	return p.notify(ctx, p.pool, topic, name, payload)
}

// PublishTx sends data to the subscribers of topic on every node, this one included, when
// tx commits, and to none if it rolls back: NOTIFY is transactional. This node's subscribers
// receive it from the server too, a round trip after the commit, so a Publish to the same
// topic right after the commit may reach them first; other nodes see the two in order.
//
// Within one transaction, messages keep their order. Only ctx bounds the statement, since a
// timeout would abort the caller's transaction. A payload over MaxPayload is refused with
// ErrTooLarge before anything is sent, and tx is left as it was.
func (p *PubSub) PublishTx(ctx context.Context, tx pgx.Tx, topic string, data []byte) error {
	name, payload, err := p.encode(true, topic, data)
	if err != nil {
		return err
	}
	if p.closed.Load() {
		return ErrClosed
	}
	return p.notify(ctx, tx, topic, name, payload)
}

// notify runs pg_notify through db.
func (p *PubSub) notify(ctx context.Context, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, topic, name, payload string) error {
	if _, err := db.Exec(ctx, "SELECT pg_notify($1, $2)", name, payload); err != nil {
		p.sendErrors.Add(1)
		return fmt.Errorf("pgpubsub: publish %q: %w", topic, err)
	}
	p.sent.Add(1)
	return nil
}

// encode returns the channel and payload of a message.
func (p *PubSub) encode(tx bool, topic string, data []byte) (name, payload string, err error) {
	if len(topic) == 0 || len(topic) > pubsub.MaxTopicLen {
		return "", "", pubsub.ErrBadTopic
	}
	m := message{tx: tx, node: p.node, seq: p.seq.Add(1), topic: topic, data: data}
	if n := encodedLen(&m); n > MaxPayload {
		return "", "", fmt.Errorf("%w: %d bytes of data on %q make a %d-byte payload, over %d; send ids, not HTML",
			ErrTooLarge, len(data), topic, n, MaxPayload)
	}
	return p.opts.channel(topic), string(appendPayload(make([]byte, 0, encodedLen(&m)), &m)), nil
}

// OnResume registers fn to be called after each outage of the listening connection, once
// the connection is back and listens on every channel that has subscribers again. Messages
// published during the outage may have been lost; fn is where subscribers catch up. The
// functions run one after another, in registration order, on a goroutine of their own; if
// another outage ends while they run, they run once more. cancel removes fn.
func (p *PubSub) OnResume(fn func()) (cancel func()) {
	if fn == nil {
		return func() {}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nextID++
	id := p.nextID
	p.resumers[id] = fn
	return func() {
		p.mu.Lock()
		delete(p.resumers, id)
		p.mu.Unlock()
	}
}

// Close stops the listener and closes its connection, then waits for the listener's
// goroutine and for OnResume functions that are running; do not call it from one. Publish,
// PublishTx and Subscribe return ErrClosed afterwards. Close does not close the pool.
func (p *PubSub) Close() {
	p.mu.Lock()
	if !p.closed.Load() {
		p.closed.Store(true)
		for _, ch := range p.channels {
			if ch.ready != nil {
				close(ch.ready)
				ch.ready = nil
			}
		}
	}
	p.mu.Unlock()
	p.stop()
	<-p.done
	p.resumeWG.Wait()
}

var (
	_ pubsub.PubSub  = (*PubSub)(nil)
	_ pubsub.Resumer = (*PubSub)(nil)
)
