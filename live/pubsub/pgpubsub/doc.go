// Package pgpubsub is a pubsub.PubSub for applications that run on several nodes sharing a
// PostgreSQL database: a message published on one node reaches the subscribers of every node,
// through LISTEN/NOTIFY. It lives apart from package pubsub so that the runtime does not
// depend on pgx.
//
//	ps, err := pgpubsub.New(ctx, pool, pgpubsub.Options{})
//	if err != nil { ... }
//	defer ps.Close()
//	rt, err := live.New(live.Config{PubSub: ps, ...})
//
// # One listener per node
//
// Each PubSub holds one connection of its own, outside the pool, on which it LISTENs; a
// goroutine waits on it for notifications and calls the subscribers. A node thus needs the
// pool's connections plus one, and the server's max_connections must allow for every node's.
// The listener must reach PostgreSQL directly: a proxy that pools transactions cannot keep a
// LISTEN, so give Options.ConnConfig a direct address when the pool goes through one.
// Publishing needs no session and works through such a proxy.
//
// # Channels
//
// Topics are up to 256 bytes of anything; channel names are identifiers of at most 63. A
// topic's channel is Options.Prefix ("liveapp_") followed by 16 hex digits of the topic's
// SHA-256, such as liveapp_6b3a55e0261b0304. Topics that share a channel are told apart by
// the topic inside each payload, so a collision costs traffic, never a wrong delivery. The
// node LISTENs on a channel when its first local subscriber arrives, and UNLISTENs when the
// last one leaves; while connected, Subscribe returns once the LISTEN has run, so a view that
// subscribes and then loads its data cannot miss a change made after the load. Channels are
// not free: the server matches every notification against each listener's list of channels,
// and in BenchmarkNotify a node listening on 10,000 of them received half as fast as one
// listening on one.
//
// # Local first
//
// Publish calls this node's subscribers at once, in process, as pubsub.Memory does, then
// sends the message with SELECT pg_notify on a connection of the pool. Every node listening on
// the channel receives it, the sender included; the sender recognizes its own node id in the
// payload and ignores that echo. Messages from one publisher arrive in the order it published
// them, on every node: each Publish commits before it returns, and PostgreSQL delivers
// notifications in commit order.
//
// PublishTx sends a message within the caller's transaction instead: it goes out if the
// transaction commits, and nowhere if it rolls back. Since nothing tells the PubSub about the
// commit, its own node delivers the message from the server too, like every other node: the
// payload says it came from PublishTx, so that echo is not ignored. That costs the local
// subscribers a round trip, and a Publish right after the commit may overtake it locally.
//
// # Payloads
//
// NOTIFY payloads are text without NUL, shorter than 8000 bytes (MaxPayload). A message is
// sent as four fields separated by spaces, in ASCII:
//
//	p0123456789abcdef 2a projects:42 NDI
//
// The first byte is 'p' for Publish and 't' for PublishTx, followed by the publishing node's
// random 64-bit id in hex. Then come a hex count of the node's messages (it keeps two equal
// messages in one transaction apart, which PostgreSQL would merge), the topic with spaces,
// control characters, '%' and non-ASCII bytes escaped as %XX, and the data in base64 without
// padding. The data may be any bytes; base64 makes it a third larger, so a message holds
// about 5.8 KB of data. Larger ones fail with ErrTooLarge before reaching the server. Send
// ids, not HTML: subscribers load what changed themselves, which also keeps each user's view
// of the data subject to their own permissions. A payload that does not parse is dropped and
// counted (Stats.Malformed); other prefixes' channels are not listened to at all.
//
// # Outages
//
// When the listening connection fails, the listener reconnects with exponential backoff and
// jitter (Options.MinBackoff to MaxBackoff), LISTENs again on every channel that still has
// subscribers, resets the pool (its idle connections most likely died with the listener's,
// and pgxpool would lend one used less than a second before the loss without a check), and
// then calls the functions registered with OnResume (pubsub.Resumer) on a goroutine of
// their own. Messages published elsewhere during the gap are lost to this node;
// the OnResume functions are where its subscribers catch up, for instance by reloading their
// views. A connection that dies silently is noticed by the ping the listener sends every
// Options.PingEvery. During the outage, Subscribe and cancel work as usual on local state, and local
// delivery goes on; Publish still reaches this node's subscribers and returns the server's
// error within its ctx and Options.Timeout. Stats reports the traffic, the reconnections and
// the last gap's length, and Var publishes them through expvar.
package pgpubsub
