// Package fakeclock provides a clock that moves only when a test moves it, for
// code that takes its time from a func() time.Time such as accounts.Config.Now:
// a test advances it past an expiry or a window instead of sleeping, so that its
// outcome does not depend on how fast the machine runs it.
package fakeclock

import (
	"sync"
	"time"
)

// Start is the time a Clock from New shows first: a fixed instant, so that runs
// of a test see the same times, in microseconds as PostgreSQL stores them.
var Start = time.Date(2030, time.January, 2, 3, 4, 5, 0, time.UTC)

// Clock is a clock that moves only by Advance. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a Clock showing Start.
func New() *Clock { return &Clock{now: Start} }

// Now returns the clock's time. Pass the method value, c.Now, where a
// func() time.Time is wanted.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
