package accounts

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/alexedwards/argon2id"
)

// ErrBusy is returned when a password hash waited Config.HashWait for a free
// slot in vain: the server is saturated and the caller should try again.
var ErrBusy = errors.New("accounts: too many password checks at once, try again")

// passwordHasher computes argon2id hashes, at most cap(slots) at once.
type passwordHasher struct {
	params argon2id.Params
	slots  chan struct{}
	wait   time.Duration
	onHash func()
	gc     bool // collect each hash's memory before releasing its slot
}

func newPasswordHasher(c Config) *passwordHasher {
	return &passwordHasher{
		params: argon2id.Params(c.Hash),
		slots:  make(chan struct{}, c.HashConcurrency),
		wait:   c.HashWait,
		onHash: c.OnHash,
		gc:     !c.SkipHashGC,
	}
}

// acquire takes a hash slot, waiting at most h.wait. A caller whose ctx has
// ended gets ctx's error rather than ErrBusy, however late it comes to wait.
func (h *passwordHasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	if err := ctx.Err(); err != nil {
		// Checked before the timer starts: once both have fired, select
		// would pick either.
		return err
	}
	timer := time.NewTimer(h.wait)
	defer timer.Stop()
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release frees the slot taken by acquire. The hash that held it has returned, so its
// memory is garbage: collecting it before the next hash can start means at most
// cap(slots) hashes' memory is ever allocated (see Config.SkipHashGC).
func (h *passwordHasher) release() {
	if h.gc {
		runtime.GC()
	}
	<-h.slots
}

// hash returns the encoded argon2id hash of password with the current params.
func (h *passwordHasher) hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	if h.onHash != nil {
		h.onHash()
	}
	return argon2id.CreateHash(password, &h.params)
}

// check reports whether password matches encoded, and whether encoded was made
// with parameters below the current ones.
func (h *passwordHasher) check(ctx context.Context, password, encoded string) (match, weak bool, err error) {
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	if h.onHash != nil {
		h.onHash()
	}
	match, params, err := argon2id.CheckHash(password, encoded)
	if err != nil {
		return false, false, fmt.Errorf("accounts: check password: %w", err)
	}
	return match, h.isWeak(params), nil
}

// isWeak reports whether p is below the current parameters in any respect.
func (h *passwordHasher) isWeak(p *argon2id.Params) bool {
	c := h.params
	return p.Memory < c.Memory || p.Iterations < c.Iterations || p.Parallelism < c.Parallelism ||
		p.SaltLength < c.SaltLength || p.KeyLength < c.KeyLength
}
