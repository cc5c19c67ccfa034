package accounts

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// ErrTooManyAttempts is returned by Authenticate, and by the magic-link
// requests, when an attempt is over one of the limits of Config.RateLimits.
// Nothing was checked or sent; the caller should ask the user to wait a few
// minutes, for instance with HTTP status 429.
var ErrTooManyAttempts = errors.New("accounts: too many attempts, try again later")

// Limit allows at most Max attempts in a window of length Window. The window
// opens at the first attempt and, once it has ended, the next attempt opens a
// new one. A zero Limit takes the default of the field that holds it; a
// negative Max turns the limit off, and Max 0 refuses every attempt.
type Limit struct {
	Max    int
	Window time.Duration
}

// RateLimits bound login and magic-link attempts. The counters live in
// PostgreSQL (table rate_limits), so every node of an app shares them, and
// every zero field takes the default its comment names.
//
// Attempts are counted by the email address as submitted (case-insensitively)
// and never by user: an unknown address is counted exactly like a registered
// one, so a limit never tells them apart. An IPv6 address counts as its /64
// prefix, since one client usually holds a whole /64. Behind a reverse proxy,
// callers must pass the client's address, not the proxy's; the zero
// netip.Addr counts as one address shared by every caller that passes it.
//
// Windows are fixed, not sliding: a client that spends a whole allowance at
// the end of one window and another at the start of the next gets up to twice
// Max in a short span. The longer FailedLoginsPerEmail window bounds sustained
// guessing regardless.
type RateLimits struct {
	// Disabled turns every limit off, for tests and benchmarks. Never set it
	// in production: without limits, passwords can be guessed at the speed of
	// hashing.
	Disabled bool

	// PerIPAndEmail bounds the attempts of one kind (login, magic link) from
	// one address for one email, successful or not. Default 10 per 3 minutes:
	// plenty for a person mistyping a password, and slow for a script.
	PerIPAndEmail Limit

	// PerIP bounds the attempts of one kind from one address, whatever the
	// email, which stops one address from trying a password on many accounts.
	// Default 100 per 3 minutes: room for dozens of people behind one NAT
	// logging in at the same time, while one address can try at most 2,000
	// passwords an hour.
	PerIP Limit

	// FailedLoginsPerEmail bounds the failed logins for one email from all
	// addresses together, which stops a guesser who spreads attempts over
	// many addresses. Default 100 per hour. Once it is reached, even the right
	// password is refused until the window ends: that is the price of the
	// protection, since anyone can lock an address out of password login that
	// way. Magic links, which have limits of their own, still work.
	FailedLoginsPerEmail Limit
}

// Defaults of RateLimits.
var (
	defaultPerIPAndEmail        = Limit{Max: 10, Window: 3 * time.Minute}
	defaultPerIP                = Limit{Max: 100, Window: 3 * time.Minute}
	defaultFailedLoginsPerEmail = Limit{Max: 100, Window: time.Hour}
)

// withDefaults returns r with its zero limits set to their defaults, or an
// error when a limit is invalid.
func (r RateLimits) withDefaults() (RateLimits, error) {
	for _, l := range []struct {
		name string
		l    *Limit
		def  Limit
	}{
		{"PerIPAndEmail", &r.PerIPAndEmail, defaultPerIPAndEmail},
		{"PerIP", &r.PerIP, defaultPerIP},
		{"FailedLoginsPerEmail", &r.FailedLoginsPerEmail, defaultFailedLoginsPerEmail},
	} {
		if *l.l == (Limit{}) {
			*l.l = l.def
		}
		if l.l.Max >= 0 && l.l.Window < time.Microsecond {
			return r, fmt.Errorf("accounts: rate limit %s: window %v is not positive", l.name, l.l.Window)
		}
	}
	return r, nil
}

// The kinds of attempt that limitAttempt counts.
const (
	kindLogin     = "login"
	kindMagicLink = "magic_link"
)

// counter is one row of rate_limits: the attempts against one limit by one
// address, one email, or one pair of them.
type counter struct {
	bucket []byte // SHA-256 of name, address and email
	name   string // which limit, stored for operators ("login per IP")
	limit  Limit
}

// newCounter returns the counter of limit name for ip and email; either may be
// left out (the zero Addr, "") when the limit does not depend on it. Only a
// hash of the email is stored, so the table does not keep what people typed
// into the email field (sometimes a password) in clear.
func newCounter(name string, limit Limit, ip netip.Addr, email string) counter {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", name, addressKey(ip), strings.ToLower(email))
	return counter{bucket: h.Sum(nil), name: name, limit: limit}
}

// addressKey is what an address is counted as: an IPv4 address as itself, an
// IPv6 address as its /64.
func addressKey(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	switch {
	case !ip.IsValid():
		return ""
	case ip.Is4():
		return ip.String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

// limitAttempt counts an attempt of kind (kindLogin, kindMagicLink) from ip
// for email against the PerIPAndEmail and PerIP limits, and returns
// ErrTooManyAttempts when it is over either. Attempts over a limit count too;
// they do not lengthen its window.
func (s *Store) limitAttempt(ctx context.Context, kind string, ip netip.Addr, email string) error {
	rl := s.config.RateLimits
	if rl.Disabled {
		return nil
	}
	var cs []counter
	if rl.PerIPAndEmail.Max >= 0 {
		cs = append(cs, newCounter(kind+" per IP and email", rl.PerIPAndEmail, ip, email))
	}
	if rl.PerIP.Max >= 0 {
		cs = append(cs, newCounter(kind+" per IP", rl.PerIP, ip, ""))
	}
	_, err := s.count(ctx, cs)
	return err
}

// reserveFailedLogin counts a login for email against FailedLoginsPerEmail
// before its password is checked, so that concurrent guesses cannot overshoot
// the limit while their hashes run; it returns ErrTooManyAttempts when the
// limit is reached. The caller calls refund when the attempt turns out not to
// be a failure (a success, or no password checked at all). A success refunds
// only its own attempt rather than resetting the counter, which would hand a
// guesser racing with the owner a fresh allowance.
func (s *Store) reserveFailedLogin(ctx context.Context, email string) (refund func(), err error) {
	rl := s.config.RateLimits
	if rl.Disabled || rl.FailedLoginsPerEmail.Max < 0 {
		return func() {}, nil
	}
	c := newCounter("failed logins per email", rl.FailedLoginsPerEmail, netip.Addr{}, email)
	windowEnds, err := s.count(ctx, []counter{c})
	if err != nil {
		return nil, err
	}
	return func() {
		// The attempt is over, whether or not its caller is still there; a
		// lost refund only makes the limit stricter by one.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_, _ = s.db.Exec(ctx,
			"UPDATE rate_limits SET hits = hits - 1 WHERE bucket = $1 AND window_ends_at = $2 AND hits > 0",
			c.bucket, windowEnds[0])
	}, nil
}

// countSQL adds an attempt to each counter, in one statement: a counter whose
// window has ended starts over at 1 with a new window. Rows are locked in
// bucket order, so that concurrent statements over the same counters cannot
// deadlock. $4 is the current time (see dbNow).
const countSQL = `
INSERT INTO rate_limits AS r (bucket, name, hits, window_ends_at)
SELECT c.bucket, c.name, 1, coalesce($4::timestamptz, now()) + c.window_us * interval '1 microsecond'
FROM unnest($1::bytea[], $2::text[], $3::bigint[]) AS c (bucket, name, window_us)
ORDER BY c.bucket
ON CONFLICT (bucket) DO UPDATE SET
	hits = CASE WHEN r.window_ends_at > coalesce($4::timestamptz, now()) THEN r.hits + 1 ELSE 1 END,
	window_ends_at = CASE WHEN r.window_ends_at > coalesce($4::timestamptz, now()) THEN r.window_ends_at ELSE excluded.window_ends_at END
RETURNING bucket, hits, window_ends_at`

// pruneOdds is the chance, one in pruneOdds, that an attempt which opens a
// new window also deletes ended ones. Only new windows add rows, so pruning in
// proportion to them keeps the table near the size of its live counters.
const pruneOdds = 64

// count adds an attempt to each of cs and returns when their windows end, in
// the order of cs; it returns ErrTooManyAttempts when any is over its limit.
func (s *Store) count(ctx context.Context, cs []counter) (windowEnds []time.Time, err error) {
	if len(cs) == 0 {
		return nil, nil
	}
	buckets, names, windows := make([][]byte, len(cs)), make([]string, len(cs)), make([]int64, len(cs))
	for i, c := range cs {
		buckets[i], names[i], windows[i] = c.bucket, c.name, c.limit.Window.Microseconds()
	}
	rows, err := s.db.Query(ctx, countSQL, buckets, names, windows, s.dbNow())
	if err != nil {
		return nil, fmt.Errorf("accounts: rate limit: %w", err)
	}
	defer rows.Close()
	windowEnds = make([]time.Time, len(cs))
	over, opened := false, false
	for rows.Next() {
		var (
			bucket []byte
			hits   int
			ends   time.Time
		)
		if err := rows.Scan(&bucket, &hits, &ends); err != nil {
			return nil, fmt.Errorf("accounts: rate limit: %w", err)
		}
		i := slices.IndexFunc(cs, func(c counter) bool { return string(c.bucket) == string(bucket) })
		if i < 0 {
			return nil, errors.New("accounts: rate limit: unexpected counter")
		}
		windowEnds[i] = ends
		over = over || hits > cs[i].limit.Max
		opened = opened || hits == 1
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts: rate limit: %w", err)
	}
	if opened && rand.N(pruneOdds) == 0 {
		s.pruneRateLimits(ctx)
	}
	if over {
		return windowEnds, ErrTooManyAttempts
	}
	return windowEnds, nil
}

// pruneBatch bounds the rows one prune deletes, so that it stays short.
const pruneBatch = 1000

// pruneRateLimits deletes up to pruneBatch counters whose window has ended: an
// ended counter counts the same as a missing one. It skips rows that others
// hold locked, and ignores errors, since the next prune tries again.
func (s *Store) pruneRateLimits(ctx context.Context) {
	_, _ = s.db.Exec(ctx, `DELETE FROM rate_limits WHERE bucket IN (
		SELECT bucket FROM rate_limits WHERE window_ends_at <= coalesce($2::timestamptz, now())
		ORDER BY window_ends_at LIMIT $1 FOR UPDATE SKIP LOCKED)`, pruneBatch, s.dbNow())
}
