package pgpubsub_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/liveapp/liveapp/live/pubsub"
	"github.com/liveapp/liveapp/live/pubsub/pgpubsub"
	"github.com/liveapp/liveapp/pgtest"
)

// BenchmarkNotify measures how many messages per second go from Publish on one node to the
// subscriber of another, through the server: b.N messages of an 8-byte id, spread over
// publishing goroutines, timed until the last one is delivered. "tx" sends them 100 to a
// transaction with PublishTx, which commits once per 100. "channels" makes the receiving
// node listen on that many more channels first, as a node with a topic per socket does: the
// server looks for each notification's channel in the listener's list of channels.
func BenchmarkNotify(b *testing.B) {
	for _, bench := range []struct {
		publishers, perTx, channels int
	}{{1, 1, 0}, {8, 1, 0}, {1, 100, 0}, {1, 100, 10000}} {
		name := fmt.Sprintf("publishers=%d", bench.publishers)
		if bench.perTx > 1 {
			name += fmt.Sprintf("/tx=%d", bench.perTx)
		}
		if bench.channels > 0 {
			name += fmt.Sprintf("/channels=%d", bench.channels)
		}
		b.Run(name, func(b *testing.B) {
			pool := pgtest.New(b)
			from := start(b, pool, pgpubsub.Options{})
			to := start(b, anotherPool(b, pool), pgpubsub.Options{})
			// First, so that the server finds bench's channel last in the listener's list.
			listenOn(b, to, bench.channels)
			var got atomic.Int64
			all := make(chan struct{})
			cancel, err := to.Subscribe("bench", func(pubsub.Message) {
				if got.Add(1) == int64(b.N) {
					close(all)
				}
			})
			if err != nil {
				b.Fatal(err)
			}
			defer cancel()
			ctx := context.Background()
			id := []byte("12345678")

			b.ResetTimer()
			begin := time.Now()
			var wg sync.WaitGroup
			for p := range bench.publishers {
				n := b.N / bench.publishers
				if p == 0 {
					n += b.N % bench.publishers
				}
				wg.Go(func() {
					for n > 0 {
						k := min(n, bench.perTx)
						n -= k
						var err error
						if bench.perTx == 1 {
							err = from.Publish(ctx, "bench", id)
						} else {
							err = publishTx(ctx, pool, from, k, id)
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			select {
			case <-all:
			case <-time.After(patience):
				b.Fatalf("%d of %d messages delivered", got.Load(), b.N)
			}
			elapsed := time.Since(begin)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
		})
	}
}

func publishTx(ctx context.Context, pool interface {
	Begin(context.Context) (pgx.Tx, error)
}, ps *pgpubsub.PubSub, n int, data []byte) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	for range n {
		if err := ps.PublishTx(ctx, tx, "bench", data); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// listenOn makes ps listen on n more channels, as a node does that has many sockets, each
// with a topic of its own.
func listenOn(b *testing.B, ps *pgpubsub.PubSub, n int) {
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := g; i < n; i += 16 {
				cancel, err := ps.Subscribe(fmt.Sprintf("socket %d", i), func(pubsub.Message) {})
				if err != nil {
					b.Error(err)
					return
				}
				b.Cleanup(cancel)
			}
		})
	}
	wg.Wait()
	if got := ps.Stats().Channels; got < n {
		b.Fatalf("listening on %d channels, want %d or more", got, n)
	}
}
