package pgpubsub_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/live/pubsub"
	"github.com/liveapp/liveapp/live/pubsub/pgpubsub"
	"github.com/liveapp/liveapp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// patience bounds every wait: generous, since the machine may be busy.
const patience = 60 * time.Second

// start returns a node's PubSub on pool, closed when t ends. Reconnections are quick.
func start(t testing.TB, pool *pgxpool.Pool, opts pgpubsub.Options) *pgpubsub.PubSub {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	if opts.MinBackoff == 0 {
		opts.MinBackoff, opts.MaxBackoff = 5*time.Millisecond, 100*time.Millisecond
	}
	ps, err := pgpubsub.New(t.Context(), pool, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ps.Close)
	return ps
}

// anotherPool returns a second pool on pool's database: another node's.
func anotherPool(t testing.TB, pool *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.NewWithConfig(t.Context(), pool.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// twoNodes returns two PubSubs on one database, each with a pool of its own, and the first
// node's pool.
func twoNodes(t *testing.T, opts pgpubsub.Options) (a, b *pgpubsub.PubSub, pool *pgxpool.Pool) {
	t.Helper()
	pool = pgtest.New(t)
	return start(t, pool, opts), start(t, anotherPool(t, pool), opts), pool
}

// inbox records the messages a subscriber receives.
type inbox struct {
	mu   sync.Mutex
	msgs []pubsub.Message
	more chan struct{} // receives after each message, unless full
}

func newInbox() *inbox { return &inbox{more: make(chan struct{}, 1)} }

// subscribe subscribes a new inbox to topic on ps, until t ends.
func subscribe(t *testing.T, ps pubsub.PubSub, topic string) *inbox {
	t.Helper()
	in := newInbox()
	cancel, err := ps.Subscribe(topic, in.add)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	return in
}

func (in *inbox) add(m pubsub.Message) {
	in.mu.Lock()
	in.msgs = append(in.msgs, pubsub.Message{Topic: m.Topic, Data: bytes.Clone(m.Data)})
	in.mu.Unlock()
	select {
	case in.more <- struct{}{}:
	default:
	}
}

func (in *inbox) messages() []pubsub.Message {
	in.mu.Lock()
	defer in.mu.Unlock()
	return slices.Clone(in.msgs)
}

// data returns the data of the messages received, as strings.
func (in *inbox) data() []string {
	var s []string
	for _, m := range in.messages() {
		s = append(s, string(m.Data))
	}
	return s
}

// waitFor waits until a message with data has arrived.
func (in *inbox) waitFor(t *testing.T, data string) {
	t.Helper()
	timeout := time.NewTimer(patience)
	defer timeout.Stop()
	for !slices.Contains(in.data(), data) {
		select {
		case <-in.more:
		case <-timeout.C:
			t.Fatalf("%q did not arrive within %v; got %q", data, patience, in.data())
		}
	}
}

// want fails t unless the inbox holds exactly the messages with data want, in order.
func (in *inbox) want(t *testing.T, want ...string) {
	t.Helper()
	if got := in.data(); !slices.Equal(got, want) {
		t.Fatalf("received %q, want %q", got, want)
	}
}

// eventually waits until cond holds, checking it every few milliseconds, and fails t if it
// does not within patience.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	timeout := time.NewTimer(patience)
	defer timeout.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-timeout.C:
			t.Fatalf("%s: not within %v", what, patience)
		}
	}
}

// publish publishes data to topic on ps, failing t on error.
func publish(t *testing.T, ps pubsub.PubSub, topic, data string) {
	t.Helper()
	if err := ps.Publish(t.Context(), topic, []byte(data)); err != nil {
		t.Fatal(err)
	}
}

// barrier publishes a marker to topic from one node and waits for it on another: every
// notification committed before, and meant for that node, has been delivered by then, since
// PostgreSQL delivers notifications in commit order.
func barrier(t *testing.T, from *pgpubsub.PubSub, topic string, to *inbox, name string) {
	t.Helper()
	publish(t, from, topic, name)
	to.waitFor(t, name)
}

// signal returns a function that sends on c without blocking, for OnResume.
func signal(c chan struct{}) func() {
	return func() {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// await waits for a value on c.
func await(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(patience):
		t.Fatalf("%s: not within %v", what, patience)
	}
}

func terminate(t *testing.T, pool *pgxpool.Pool, pid uint32) {
	t.Helper()
	if pid == 0 {
		t.Fatal("no listener pid")
	}
	var ok bool
	if err := pool.QueryRow(context.Background(), "SELECT pg_terminate_backend($1)", int32(pid)).Scan(&ok); err != nil || !ok {
		t.Fatalf("terminate backend %d: %v %v", pid, ok, err)
	}
}

func seq(prefix string, n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return s
}
