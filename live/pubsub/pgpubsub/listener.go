package pgpubsub

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// maxBatch bounds the LISTEN and UNLISTEN statements sent in one query, so that after a
// reconnection with many channels the first subscribers stop waiting early.
const maxBatch = 500

// listen is the listener's goroutine: it owns the listening connection, serves it until it
// fails, and reconnects, until run ends.
func (p *PubSub) listen(run context.Context, conn *pgx.Conn) {
	defer close(p.done)
	var lost time.Time // when the current outage began, zero outside one
	delay := p.opts.MinBackoff
	for {
		listened, err := p.serve(run, conn, lost)
		p.disconnected()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(ctx)
		cancel()
		if run.Err() != nil {
			return
		}
		if listened {
			// The outage, if any, ended on this connection. One that fails before it
			// listens again (a server that refuses LISTEN) extends the outage and the
			// backoff instead, rather than reconnecting in a tight loop.
			lost, delay = time.Time{}, p.opts.MinBackoff
		}
		if lost.IsZero() {
			lost = time.Now()
		}
		p.log.Warn("pgpubsub: lost the listening connection; reconnecting", "err", err)
		if conn = p.reconnect(run, &delay); conn == nil {
			return
		}
	}
}

// serve listens on conn for every channel with subscribers and delivers notifications until
// conn fails or run ends. lost is when the outage that conn ends began, zero for the first
// connection. listened reports whether conn got as far as listening on every channel.
func (p *PubSub) serve(run context.Context, conn *pgx.Conn, lost time.Time) (listened bool, err error) {
	p.mu.Lock()
	p.connected, p.pid = true, conn.PgConn().PID() // a Subscribe from now on waits for its LISTEN
	p.mu.Unlock()
	if err := p.sync(run, conn); err != nil {
		return false, err
	}
	if !lost.IsZero() {
		p.resumed(time.Since(lost))
	}
	// wait lasts across notifications, until a change of channels interrupts it or
	// PingEvery passes, so that a busy listener does not make a context per message.
	var wait context.Context
	stop := context.CancelFunc(func() {})
	defer func() { stop() }()
	for {
		p.mu.Lock()
		if p.dirty {
			p.mu.Unlock()
			if err := p.sync(run, conn); err != nil {
				return true, err
			}
			continue
		}
		if wait == nil || wait.Err() != nil {
			stop()
			wait, stop = context.WithTimeout(run, p.opts.PingEvery)
			p.interrupt = stop
		}
		p.mu.Unlock()

		n, err := conn.WaitForNotification(wait)
		if n != nil {
			p.dispatch(n)
		}
		switch {
		case err == nil:
		case run.Err() != nil:
			return true, run.Err()
		case conn.IsClosed() || wait.Err() == nil:
			return true, err
		case errors.Is(wait.Err(), context.DeadlineExceeded):
			// PingEvery has passed: make sure the connection is still there. Notifications
			// prove it too, but a ping this rare costs less than tracking them.
			ctx, cancel := context.WithTimeout(run, p.opts.Timeout)
			err := conn.Ping(ctx)
			cancel()
			if err != nil {
				return true, fmt.Errorf("ping: %w", err)
			}
		}
		// Otherwise wake interrupted the wait: the loop syncs.
	}
}

// op is a LISTEN or an UNLISTEN.
type op struct {
	channel string
	listen  bool
}

// sync LISTENs on every channel with subscribers and UNLISTENs from every channel without,
// in batches, and releases the subscribers waiting for each batch.
func (p *PubSub) sync(run context.Context, conn *pgx.Conn) error {
	p.mu.Lock()
	p.dirty = false
	var ops []op
	for name, ch := range p.channels {
		switch {
		case ch.subs > 0 && !ch.listened:
			ops = append(ops, op{name, true})
		case ch.subs == 0 && ch.listened:
			ops = append(ops, op{name, false})
			// A Subscribe from now on must wait for the LISTEN that follows the UNLISTEN.
			ch.listened = false
		}
	}
	p.mu.Unlock()

	var sql strings.Builder
	for batch := range slices.Chunk(ops, maxBatch) {
		sql.Reset()
		for _, o := range batch {
			if o.listen {
				sql.WriteString("LISTEN ")
			} else {
				sql.WriteString("UNLISTEN ")
			}
			sql.WriteString(pgx.Identifier{o.channel}.Sanitize())
			sql.WriteString(";")
		}
		ctx, cancel := context.WithTimeout(run, p.opts.Timeout)
		_, err := conn.PgConn().Exec(ctx, sql.String()).ReadAll()
		cancel()
		if err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		p.applied(batch)
	}
	return nil
}

// applied records the effect of a batch of LISTENs and UNLISTENs that the server ran.
func (p *PubSub) applied(batch []op) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, o := range batch {
		ch := p.channels[o.channel]
		if o.listen {
			if ch == nil {
				// Its last subscriber left while the LISTEN ran: UNLISTEN next.
				ch = &channel{}
				p.channels[o.channel] = ch
			}
			ch.listened = true
			if ch.ready != nil {
				close(ch.ready)
				ch.ready = nil
			}
			if ch.subs == 0 {
				p.dirty = true
			}
			continue
		}
		switch {
		case ch == nil:
		case ch.subs == 0:
			delete(p.channels, o.channel)
		default:
			p.dirty = true // subscribed again while the UNLISTEN ran: LISTEN next
		}
	}
}

// disconnected records the loss of the listening connection: nothing is listened any more,
// and subscribers waiting for a LISTEN stop waiting.
func (p *PubSub) disconnected() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.connected, p.pid, p.interrupt = false, 0, nil
	for name, ch := range p.channels {
		ch.listened = false
		if ch.ready != nil {
			close(ch.ready)
			ch.ready = nil
		}
		if ch.subs == 0 {
			delete(p.channels, name)
		}
	}
}

// reconnect makes a new listening connection. It waits *delay at most before each attempt,
// and doubles *delay after each failure, up to MaxBackoff. It returns nil when run ends first.
func (p *PubSub) reconnect(run context.Context, delay *time.Duration) *pgx.Conn {
	for attempt := 1; ; attempt++ {
		t := time.NewTimer(*delay/2 + rand.N(*delay/2+1))
		select {
		case <-run.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		*delay = min(2**delay, p.opts.MaxBackoff)
		conn, err := p.connect(run)
		if err == nil {
			return conn
		}
		if run.Err() != nil {
			return nil
		}
		p.log.Warn("pgpubsub: cannot reconnect the listener", "attempt", attempt, "err", err)
	}
}

// connect opens a listening connection. The pool's BeforeConnect hook, if the listener
// uses the pool's configuration, may change its copy of the configuration first (to set a
// short-lived password, say).
func (p *PubSub) connect(ctx context.Context) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	config := p.config
	if p.beforeConnect != nil {
		config = config.Copy()
		if err := p.beforeConnect(ctx, config); err != nil {
			return nil, err
		}
		config.BuildContextWatcherHandler = p.config.BuildContextWatcherHandler
		config.OnNotification = nil
	}
	return pgx.ConnectConfig(ctx, config)
}

// dispatch delivers a notification to this node's subscribers of its topic, unless it is
// the echo of a message that Publish delivered here already. Topics that share a channel
// are told apart here: a message reaches the subscribers of its own topic only.
func (p *PubSub) dispatch(n *pgconn.Notification) {
	p.received.Add(1)
	m, err := parsePayload(n.Payload)
	if err != nil {
		p.malformed.Add(1)
		p.log.Debug("pgpubsub: dropped a malformed notification", "channel", n.Channel, "len", len(n.Payload))
		return
	}
	if !m.tx && m.node == p.node {
		p.echoes.Add(1)
		return
	}
	p.local.Publish(context.Background(), m.topic, m.data)
}

// resumed records the end of an outage that lasted gap, and runs the OnResume functions,
// unless they are running already; then they run once more.
//
// First it resets the pool. The pool's idle connections may have died with the server
// without a word, and pgxpool checks only those idle for a second or more before lending
// them: the remounts that the OnResume functions cause would each meet one, fail, and
// reach the user as an error. A reset costs a reconnection per pool connection, once per
// outage, also when only the listener's connection was lost.
func (p *PubSub) resumed(gap time.Duration) {
	p.pool.Reset()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reconnects++
	p.lastGap = gap
	p.log.Info("pgpubsub: listening again", "gap", gap, "reconnects", p.reconnects,
		"sent", p.sent.Load(), "send_errors", p.sendErrors.Load(), "received", p.received.Load())
	if p.resuming {
		p.again = true
		return
	}
	p.resuming = true
	p.resumeWG.Add(1)
	go p.runResumers()
}

func (p *PubSub) runResumers() {
	defer p.resumeWG.Done()
	p.mu.Lock()
	for {
		p.again = false
		ids := slices.Sorted(maps.Keys(p.resumers))
		fns := make([]func(), len(ids))
		for i, id := range ids {
			fns[i] = p.resumers[id]
		}
		p.mu.Unlock()
		for _, fn := range fns {
			fn()
		}
		p.mu.Lock()
		if !p.again {
			p.resuming = false
			p.mu.Unlock()
			return
		}
	}
}
