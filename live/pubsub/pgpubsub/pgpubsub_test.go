package pgpubsub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/live/pubsub"
	"github.com/liveapp/liveapp/live/pubsub/pgpubsub"
	"github.com/liveapp/liveapp/pgtest"
)

func TestMessagesCrossNodesBothWays(t *testing.T) {
	a, b, _ := twoNodes(t, pgpubsub.Options{})
	inA, inB := subscribe(t, a, "room"), subscribe(t, b, "room")

	publish(t, a, "room", "a1")
	inA.want(t, "a1") // at once, without the server
	publish(t, b, "room", "b1")
	if got := inB.data(); !slices.Contains(got, "b1") {
		t.Fatalf("b's own message was not delivered at once: %q", got)
	}

	// b1 was committed after a1, so once a has b1 it has also read a1's echo.
	inA.waitFor(t, "b1")
	inA.want(t, "a1", "b1")
	publish(t, a, "room", "a2")
	inB.waitFor(t, "a2")
	inA.want(t, "a1", "b1", "a2")
	// b's own b1 may come before or after a1, which crossed the server.
	if got := inB.data(); !slices.Equal(got, []string{"a1", "b1", "a2"}) && !slices.Equal(got, []string{"b1", "a1", "a2"}) {
		t.Fatalf("b received %q, want a1, b1 and a2 once each, a1 before a2", got)
	}

	if s := a.Stats(); s.Echoes < 1 || s.Sent != 2 || s.Malformed != 0 {
		t.Errorf("a's stats: %+v", s)
	}
	if s := b.Stats(); s.Echoes != 1 || s.Sent != 1 || s.Received != 3 {
		t.Errorf("b's stats: %+v, want 1 echo of 1 sent, 3 received", s)
	}
}

func TestMessagesOfOnePublisherArriveInOrder(t *testing.T) {
	a, b, _ := twoNodes(t, pgpubsub.Options{})
	in := subscribe(t, b, "feed")
	other := subscribe(t, b, "other feed")
	sent := seq("m", 300)
	for i, d := range sent {
		publish(t, a, "feed", d)
		if i%3 == 0 {
			publish(t, a, "other feed", d)
		}
	}
	in.waitFor(t, sent[len(sent)-1])
	in.want(t, sent...)
	other.waitFor(t, sent[len(sent)-1-(len(sent)-1)%3])
	if got := other.data(); len(got) != 100 || got[0] != "m0" || got[99] != "m297" {
		t.Fatalf("other feed received %q", got)
	}
}

func TestMessagesReachOnlyTheirTopicWhenChannelsCollide(t *testing.T) {
	a, b, _ := twoNodes(t, pgpubsub.WithChannel(pgpubsub.Options{}, "liveapp_shared"))
	x, y := subscribe(t, a, "x"), subscribe(t, a, "y")
	publish(t, b, "z", "z1") // nobody's topic, on the same channel
	publish(t, b, "y", "y1")
	publish(t, b, "x", "x1")
	x.waitFor(t, "x1")
	y.waitFor(t, "y1")
	x.want(t, "x1")
	y.want(t, "y1")
	if s := a.Stats(); s.Channels != 1 || s.Received != 3 {
		t.Fatalf("a listens on %d channels and received %d notifications, want 1 and 3", s.Channels, s.Received)
	}
}

func TestSubscribeReturnsOnceTheNodeListens(t *testing.T) {
	a, b, _ := twoNodes(t, pgpubsub.Options{})
	for i := range 20 {
		topic := fmt.Sprintf("fresh %d", i)
		in := subscribe(t, a, topic) // no other subscription shares its channel
		publish(t, b, topic, "first")
		in.waitFor(t, "first")
	}
}

func TestPublishTxDeliversOnlyOnCommit(t *testing.T) {
	a, b, pool := twoNodes(t, pgpubsub.Options{})
	inA, inB := subscribe(t, a, "orders"), subscribe(t, b, "orders")
	ctx := t.Context()

	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.PublishTx(ctx, tx, "orders", []byte("rolled back")); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	tx, err = pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Equal messages in one transaction, which PostgreSQL would merge if their payloads
	// were equal.
	for range 2 {
		if err := a.PublishTx(ctx, tx, "orders", []byte("committed")); err != nil {
			t.Fatal(err)
		}
	}
	barrier(t, b, "orders", inA, "before commit")
	inA.want(t, "before commit")
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	barrier(t, b, "orders", inA, "after commit")
	inA.want(t, "before commit", "committed", "committed", "after commit")
	// b's own messages are delivered at once, so only the count of the others is certain.
	barrier(t, a, "orders", inB, "after commit on a")
	got := inB.data()
	if n := count(got, "committed"); n != 2 || slices.Contains(got, "rolled back") {
		t.Fatalf("b received %q, want \"committed\" twice and no \"rolled back\"", got)
	}
}

func count(s []string, v string) int {
	n := 0
	for _, e := range s {
		if e == v {
			n++
		}
	}
	return n
}

func TestOversizeMessagesAreRefusedBeforeTheServer(t *testing.T) {
	a, b, pool := twoNodes(t, pgpubsub.Options{})
	in := subscribe(t, b, "big")
	ctx := t.Context()

	// The limit is the server's.
	if _, err := pool.Exec(ctx, "SELECT pg_notify('x', repeat('a', $1))", pgpubsub.MaxPayload); err != nil {
		t.Fatalf("the server refuses a payload of MaxPayload bytes: %v", err)
	}
	if _, err := pool.Exec(ctx, "SELECT pg_notify('x', repeat('a', $1))", pgpubsub.MaxPayload+1); err == nil {
		t.Fatal("the server accepts a payload over MaxPayload")
	}

	err := a.Publish(ctx, "big", make([]byte, 6000))
	if !errors.Is(err, pgpubsub.ErrTooLarge) || !strings.Contains(err.Error(), "send ids") {
		t.Fatalf("6000 bytes: got %v, want ErrTooLarge", err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if err := a.PublishTx(ctx, tx, "big", make([]byte, 6000)); !errors.Is(err, pgpubsub.ErrTooLarge) {
		t.Fatalf("PublishTx of 6000 bytes: got %v, want ErrTooLarge", err)
	}
	if _, err := tx.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatalf("the transaction is broken: %v", err)
	}

	// The largest message that passes the check also passes the server.
	n := 6000
	for {
		err := a.Publish(ctx, "big", bytes.Repeat([]byte{'x'}, n))
		if err == nil {
			break
		}
		if !errors.Is(err, pgpubsub.ErrTooLarge) {
			t.Fatalf("%d bytes: %v", n, err)
		}
		n--
	}
	in.waitFor(t, strings.Repeat("x", n))
	if n < 5800 {
		t.Fatalf("the largest message holds %d bytes of data, want 5800 or more", n)
	}
	if s := a.Stats(); s.SendErrors != 0 {
		t.Fatalf("%d send errors", s.SendErrors)
	}
}

func TestBinaryTopicsAndDataRoundTrip(t *testing.T) {
	a, b, _ := twoNodes(t, pgpubsub.Options{})
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	topics := []string{"plain", "a b%c\x00\xff\xfe:é\n", strings.Repeat("\x00", pubsub.MaxTopicLen)}
	datas := [][]byte{nil, {0}, []byte("\xff\xfe invalid UTF-8 \xc3"), all, bytes.Repeat(all, 16)}
	for _, topic := range topics {
		in := subscribe(t, a, topic)
		for _, d := range datas {
			if err := b.Publish(t.Context(), topic, d); err != nil {
				t.Fatal(err)
			}
		}
		publish(t, b, topic, "end")
		in.waitFor(t, "end")
		got := in.messages()
		if len(got) != len(datas)+1 {
			t.Fatalf("topic %q: %d messages, want %d", topic, len(got), len(datas)+1)
		}
		for i, d := range datas {
			if got[i].Topic != topic || !bytes.Equal(got[i].Data, d) {
				t.Fatalf("topic %q, message %d: got %q on %q, want %q", topic, i, got[i].Data, got[i].Topic, d)
			}
		}
		if got[0].Data != nil {
			t.Errorf("empty data arrived as %#v, want nil", got[0].Data)
		}
	}
}

func TestTheLastSubscriberToLeaveUnlistens(t *testing.T) {
	a, b, _ := twoNodes(t, pgpubsub.Options{})
	c1, err := a.Subscribe("t", func(pubsub.Message) {})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := a.Subscribe("t", func(pubsub.Message) {})
	if err != nil {
		t.Fatal(err)
	}
	if n := a.Stats().Channels; n != 1 {
		t.Fatalf("listening on %d channels after Subscribe, want 1", n)
	}
	c1()
	c1()
	if n := a.Stats().Channels; n != 1 {
		t.Fatalf("listening on %d channels with a subscriber left, want 1", n)
	}
	c2()
	eventually(t, "UNLISTEN", func() bool { return a.Stats().Channels == 0 })

	// The server no longer sends a's listener anything on t's channel.
	before := a.Stats().Received
	in := subscribe(t, a, "marker")
	publish(t, b, "t", "unheard")
	barrier(t, b, "marker", in, "heard")
	if got := a.Stats().Received - before; got != 1 {
		t.Fatalf("a's listener read %d notifications, want 1 (the marker)", got)
	}
}

func TestSubscriptionsChurningAgainstTheListener(t *testing.T) {
	a, b, _ := twoNodes(t, pgpubsub.Options{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				cancel, err := a.Subscribe(fmt.Sprintf("churn %d", (g+i)%5), func(pubsub.Message) {})
				if err != nil {
					t.Error(err)
					return
				}
				if i%2 == 0 {
					cancel()
				}
				cancel()
			}
		})
	}
	wg.Wait()
	eventually(t, "UNLISTEN of every channel", func() bool { return a.Stats().Channels == 0 })
	in := subscribe(t, a, "churn 3")
	publish(t, b, "churn 3", "still heard")
	in.waitFor(t, "still heard")
	if n := a.Stats().Channels; n != 1 {
		t.Fatalf("listening on %d channels, want 1", n)
	}
}

func TestCloseStopsEverything(t *testing.T) {
	pool := pgtest.New(t)
	ps := start(t, pool, pgpubsub.Options{})
	cancel, err := ps.Subscribe("t", func(pubsub.Message) {})
	if err != nil {
		t.Fatal(err)
	}
	ps.Close()
	ps.Close()
	cancel()
	if err := ps.Publish(t.Context(), "t", nil); !errors.Is(err, pgpubsub.ErrClosed) {
		t.Errorf("Publish after Close: %v", err)
	}
	if _, err := ps.Subscribe("t", func(pubsub.Message) {}); !errors.Is(err, pgpubsub.ErrClosed) {
		t.Errorf("Subscribe after Close: %v", err)
	}
	if s := ps.Stats(); s.Connected || s.ListenerPID != 0 {
		t.Errorf("stats after Close: %+v", s)
	}
}

func TestOptionsAndTopicsAreChecked(t *testing.T) {
	pool := pgtest.New(t)
	for _, prefix := range []string{"Upper", "with space", strings.Repeat("a", 41)} {
		if _, err := pgpubsub.New(t.Context(), pool, pgpubsub.Options{Prefix: prefix}); err == nil {
			t.Errorf("prefix %q accepted", prefix)
		}
	}
	ps := start(t, pool, pgpubsub.Options{Prefix: "app2_"})
	for _, topic := range []string{"", strings.Repeat("t", pubsub.MaxTopicLen+1)} {
		if _, err := ps.Subscribe(topic, func(pubsub.Message) {}); !errors.Is(err, pubsub.ErrBadTopic) {
			t.Errorf("Subscribe(%.5q…): %v", topic, err)
		}
		if err := ps.Publish(t.Context(), topic, nil); !errors.Is(err, pubsub.ErrBadTopic) {
			t.Errorf("Publish(%.5q…): %v", topic, err)
		}
	}
	if _, err := ps.Subscribe("t", nil); err == nil {
		t.Error("nil function accepted")
	}
}

func TestVarReportsStats(t *testing.T) {
	ps := start(t, pgtest.New(t), pgpubsub.Options{})
	publish(t, ps, "t", "x")
	var got pgpubsub.Stats
	if err := json.Unmarshal([]byte(ps.Var().String()), &got); err != nil {
		t.Fatal(err)
	}
	if got.Sent != 1 || !got.Connected || got.ListenerPID == 0 {
		t.Fatalf("expvar reports %+v", got)
	}
}

func TestThePoolsBeforeConnectHookAppliesToTheListener(t *testing.T) {
	cfg := pgtest.New(t).Config()
	cfg.BeforeConnect = func(_ context.Context, c *pgx.ConnConfig) error {
		c.RuntimeParams["application_name"] = "set by the hook"
		return nil
	}
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	ps := start(t, pool, pgpubsub.Options{})
	var name string
	err = pool.QueryRow(t.Context(), "SELECT application_name FROM pg_stat_activity WHERE pid = $1", int32(ps.Stats().ListenerPID)).Scan(&name)
	if err != nil || name != "set by the hook" {
		t.Fatalf("the listener's application_name is %q (%v)", name, err)
	}
}
