package live

import (
	"hash/maphash"
	"sync"
)

// diffCache remembers the last diffs computed for sockets that keep no parsed tree, keyed
// by the HTML before and after. When many sockets show the same page and the same change
// reaches them all (a PubSub fan-out to every tab of a list), the first one diffs and the
// others find the result: they skip both parses and the diff, share the new HTML instead
// of each keeping a copy, and share the encoded frame. Entries are compared in full, never
// by hash alone, so a hit is always exact.
type diffCache struct {
	seed    maphash.Seed
	mu      sync.Mutex
	entries [diffCacheSize]diffEntry
	next    int
}

// diffCacheSize is how many recent diffs are kept: enough for a few pages changing at
// once, small enough that a miss costs little.
const diffCacheSize = 16

// diffEntry is one remembered diff.
type diffEntry struct {
	key      uint64
	old, new string
	ops      []byte // encoded; nil when the HTML differs but the trees do not
	frame    []byte // the ops frame for ops, without pushed events
}

func newDiffCache() *diffCache { return &diffCache{seed: maphash.MakeSeed()} }

func (dc *diffCache) key(old string, new []byte) uint64 {
	var h maphash.Hash
	h.SetSeed(dc.seed)
	h.WriteString(old)
	h.WriteByte(0)
	h.Write(new)
	return h.Sum64()
}

// get returns the entry for the change from old to new, if remembered.
func (dc *diffCache) get(key uint64, old string, new []byte) (diffEntry, bool) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	for i := range dc.entries {
		e := &dc.entries[i]
		if e.key == key && e.old == old && e.new == string(new) {
			return *e, true
		}
	}
	return diffEntry{}, false
}

// put remembers an entry, replacing the oldest.
func (dc *diffCache) put(e diffEntry) {
	if len(e.old)+len(e.new) > maxCachedHTML {
		return // a huge page would pin its HTML; it is unlikely to be shared anyway
	}
	dc.mu.Lock()
	dc.entries[dc.next] = e
	dc.next = (dc.next + 1) % diffCacheSize
	dc.mu.Unlock()
}

// maxCachedHTML bounds the HTML one entry pins, so the cache holds at most 16 × 256 KiB.
const maxCachedHTML = 256 << 10
