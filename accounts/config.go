package accounts

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/liveapp/liveapp/mail"
)

// Limits on what Register accepts. Passwords have no composition rules: length
// is what makes them strong, and the maximum only bounds the work one request
// can cause.
const (
	// MaxEmailLength is the longest email address, in characters, that Register
	// accepts; the users table enforces the same limit.
	MaxEmailLength = 160
	// MinPasswordLength is the shortest password, in characters, that Register
	// accepts.
	MinPasswordLength = 12
	// MaxPasswordLength is the longest password, in bytes, that Register
	// accepts. Longer passwords are also refused by Authenticate without hashing.
	MaxPasswordLength = 1024
)

// HashParams are the argon2id parameters used to hash new passwords. A stored
// hash made with lower parameters is rehashed with these at the next successful
// login.
type HashParams struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32 // bytes
	KeyLength   uint32 // bytes
}

// DefaultHashParams meet OWASP's minimum for argon2id (m=19 MiB, t=2, p=1).
// One hash takes about 30 ms and 19 MiB.
var DefaultHashParams = HashParams{
	Memory:      19 * 1024,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// Config configures a Store. Every zero field takes the default its comment
// names, so Config{} is a safe production configuration.
type Config struct {
	// Hash are the argon2id parameters for new hashes; zero means
	// DefaultHashParams. Lower values are accepted (tests use them) but are
	// weaker than OWASP's minimum.
	Hash HashParams

	// SessionValidity is how long a session token is accepted after it was
	// created. Default 14 days.
	SessionValidity time.Duration

	// SessionReissueAfter is the age after which UserBySessionToken reports
	// that a session token should be replaced by a new one. Default 7 days.
	SessionReissueAfter time.Duration

	// SudoFor is how long after the user last proved who they are (password
	// or magic link) the session is in sudo mode, which changing the email or
	// the password requires; see Store.InSudoMode. Default 10 minutes.
	SudoFor time.Duration

	// HashConcurrency bounds how many password hashes run at once, since
	// running more than there are cores adds memory and latency, not
	// throughput. Default runtime.GOMAXPROCS(0).
	HashConcurrency int

	// HashWait bounds how long a hash waits for a free slot before it gives up
	// with ErrBusy. Default 2 seconds.
	HashWait time.Duration

	// SkipHashGC turns off the garbage collection the Store runs after each hash,
	// before the next one may start. Each argon2id hash allocates its whole memory
	// (19 MiB by default) afresh; collecting it at once keeps the memory of
	// hashes within about HashConcurrency + 1 times Hash.Memory even under a login
	// flood (the one more is the allocator's: a new hash may not fit the hole the
	// last one left once small allocations have taken part of it), where the
	// collector's own pacing would let finished hashes pile up to twice
	// HashConcurrency × Hash.Memory and more. A collection costs about a millisecond
	// per 10 MB of live heap, against tens of milliseconds for the hash; set
	// SkipHashGC for apps with heaps of gigabytes.
	SkipHashGC bool

	// RateLimits bound login and magic-link attempts per IP address and per
	// email, in PostgreSQL so that every node of an app shares them. Zero
	// means 10 attempts per 3 minutes per address and email, 100 per 3
	// minutes per address, and 100 failed logins per hour per email; see
	// RateLimits.
	RateLimits RateLimits

	// UniformRegistration makes SignUp answer the same whether or not the
	// email already has an account: the address's owner gets a login link
	// instead, so a sign-up form cannot reveal who is registered. Without it,
	// SignUp (like Register) reports a taken email as a *ValidationError,
	// which is friendlier and what most apps choose.
	UniformRegistration bool

	// Mailer sends the emails that carry magic links and email-change links.
	// Nil makes the functions that send them fail; use a *mail.DevMailbox in
	// development and tests.
	Mailer mail.Mailer

	// MailConcurrency bounds how many emails DeliverLoginInstructions sends
	// at once in the background; at most 256 times as many wait for a turn,
	// and further ones are dropped and logged. Default 4.
	MailConcurrency int

	// MailTimeout bounds the sending of one email, waiting for a turn
	// included. Default 30 seconds.
	MailTimeout time.Duration

	// Logger receives what the Store cannot return: failures to send an
	// email in the background or to close sockets. It never receives a
	// token. Nil means slog.Default().
	Logger *slog.Logger

	// Sockets, when set, closes the live sockets of every session the Store
	// deletes (logout, revoked sessions, password change, first magic-link
	// login), once the deletion is committed. A *live.Runtime fits.
	Sockets Disconnecter

	// Now, when set, is the Store's clock: the current time of everything it
	// records or compares, whether in PostgreSQL (session validity and reissue,
	// last seen, magic-link and email-change expiry, rate-limit windows, and
	// the times it stores) or in Go (InSudoMode). It is for tests, which
	// advance a fake clock instead of waiting; it must be safe for concurrent
	// use. Nil means the database's clock, now(), in PostgreSQL, so that every
	// node of an app shares one clock, and time.Now for InSudoMode.
	Now func() time.Time

	// OnHash, when set, is called once for every password hash the Store
	// computes (register, login, rehash), while the hash holds its
	// concurrency slot and before it runs. It is a hook for tests; it must
	// return promptly.
	OnHash func()
}

// withDefaults returns c with its zero fields set to their defaults, or an
// error when a field is invalid.
func (c Config) withDefaults() (Config, error) {
	if c.Hash == (HashParams{}) {
		c.Hash = DefaultHashParams
	}
	h := c.Hash
	if h.Iterations < 1 || h.Parallelism < 1 || h.Memory < 8*uint32(h.Parallelism) || h.SaltLength < 8 || h.KeyLength < 16 {
		return c, fmt.Errorf("accounts: invalid hash parameters %+v", h)
	}
	if c.SessionValidity == 0 {
		c.SessionValidity = 14 * 24 * time.Hour
	}
	if c.SessionReissueAfter == 0 {
		c.SessionReissueAfter = 7 * 24 * time.Hour
	}
	if c.SudoFor == 0 {
		c.SudoFor = 10 * time.Minute
	}
	if c.SessionValidity < 0 || c.SessionReissueAfter < 0 || c.SudoFor < 0 {
		return c, errors.New("accounts: negative session duration")
	}
	if c.HashConcurrency == 0 {
		c.HashConcurrency = runtime.GOMAXPROCS(0)
	}
	if c.HashConcurrency < 0 {
		return c, errors.New("accounts: negative hash concurrency")
	}
	if c.HashWait == 0 {
		c.HashWait = 2 * time.Second
	}
	if c.HashWait < 0 {
		return c, errors.New("accounts: negative hash wait")
	}
	if c.MailConcurrency == 0 {
		c.MailConcurrency = 4
	}
	if c.MailTimeout == 0 {
		c.MailTimeout = 30 * time.Second
	}
	if c.MailConcurrency < 0 || c.MailTimeout < 0 {
		return c, errors.New("accounts: negative mail concurrency or timeout")
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	rl, err := c.RateLimits.withDefaults()
	if err != nil {
		return c, err
	}
	c.RateLimits = rl
	return c, nil
}
