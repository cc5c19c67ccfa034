package live

import (
	"net/netip"
	"sync"
	"time"
)

// addrKey is the unit a client address is counted in: the address itself for IPv4, its
// /64 for IPv6, where one client usually holds a whole /64. The zero key (an unknown
// address) is never counted.
type addrKey netip.Prefix

func addrKeyOf(ip netip.Addr) addrKey {
	if !ip.IsValid() {
		return addrKey{}
	}
	ip = ip.Unmap()
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return addrKey(p)
}

// maxCooling bounds the cool-down table, so that a flood from many addresses cannot grow
// it without limit; past it, expired entries are swept, and if none has expired new ones
// are not recorded.
const maxCooling = 1 << 16

// limits holds what the runtime counts per client across sockets: the sockets open per
// address (Config.MaxSocketsPerAddress) and the browsers and addresses cooling down after
// a flood (Config.FloodCooldown).
type limits struct {
	maxPerAddr int
	cooldown   time.Duration

	mu      sync.Mutex
	open    map[addrKey]int32
	cooling map[string]time.Time // "a"+address or "b"+browser binding → end of the cool-down
}

// admit counts one more socket for addr, unless addr is at its cap.
func (l *limits) admit(addr addrKey) bool {
	if addr == (addrKey{}) || l.maxPerAddr < 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if int(l.open[addr]) >= l.maxPerAddr {
		return false
	}
	if l.open == nil {
		l.open = make(map[addrKey]int32)
	}
	l.open[addr]++
	return true
}

// release uncounts a socket admitted for addr.
func (l *limits) release(addr addrKey) {
	if addr == (addrKey{}) || l.maxPerAddr < 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := l.open[addr] - 1; n > 0 {
		l.open[addr] = n
	} else {
		delete(l.open, addr)
	}
}

// coolDown makes addr and the browser with binding wait before their next socket.
func (l *limits) coolDown(addr addrKey, binding string, now time.Time) {
	if l.cooldown <= 0 {
		return
	}
	until := now.Add(l.cooldown)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cooling == nil {
		l.cooling = make(map[string]time.Time)
	}
	if len(l.cooling) >= maxCooling-1 {
		for k, t := range l.cooling {
			if !t.After(now) {
				delete(l.cooling, k)
			}
		}
		if len(l.cooling) >= maxCooling-1 {
			return
		}
	}
	if addr != (addrKey{}) {
		l.cooling["a"+netip.Prefix(addr).String()] = until
	}
	if binding != "" {
		l.cooling["b"+binding] = until
	}
}

// coolingDown returns how long addr or the browser with binding must still wait, or 0.
func (l *limits) coolingDown(addr addrKey, binding string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.cooling) == 0 {
		return 0
	}
	var wait time.Duration
	check := func(k string) {
		if until, ok := l.cooling[k]; ok {
			if d := until.Sub(now); d > wait {
				wait = d
			} else if d <= 0 {
				delete(l.cooling, k)
			}
		}
	}
	if addr != (addrKey{}) {
		check("a" + netip.Prefix(addr).String())
	}
	if binding != "" {
		check("b" + binding)
	}
	return wait
}
