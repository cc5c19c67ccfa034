//go:build race

package dom

// raceEnabled reports whether the race detector is on: it makes sync.Pool drop what it
// holds at random, so allocation counts mean nothing.
const raceEnabled = true
