package live

import "time"

// bucket is a token bucket: it holds up to burst tokens, refills at rate per second, and
// each event takes one. It is used by one goroutine at a time (the socket's), so it has no
// lock; at 24 bytes it costs an idle socket little.
type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   int64 // unix nanoseconds of the last refill
}

func newBucket(rate float64, burst int) *bucket {
	if burst < 1 {
		burst = 1
	}
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

// allow takes a token if one is available at now.
func (b *bucket) allow(now time.Time) bool {
	n := now.UnixNano()
	if b.last != 0 && n > b.last {
		b.tokens += float64(n-b.last) / 1e9 * b.rate
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
	}
	b.last = n
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
