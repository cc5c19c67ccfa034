package accounts

import (
	"errors"
	"fmt"
	"runtime"
	"time"
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

	// HashConcurrency bounds how many password hashes run at once, since
	// running more than there are cores adds memory and latency, not
	// throughput. Default runtime.GOMAXPROCS(0).
	HashConcurrency int

	// HashWait bounds how long a hash waits for a free slot before it gives up
	// with ErrBusy. Default 2 seconds.
	HashWait time.Duration

	// UniformRegistration, when implemented, will make Register answer the
	// same way whether or not the email is taken (the owner of the address is
	// told by email instead), so registration cannot reveal who has an
	// account. It is not implemented yet: New refuses a Config that sets it,
	// rather than silently ignoring it.
	UniformRegistration bool

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
	if c.SessionValidity < 0 || c.SessionReissueAfter < 0 {
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
	if c.UniformRegistration {
		return c, errors.New("accounts: UniformRegistration is not implemented yet")
	}
	return c, nil
}
