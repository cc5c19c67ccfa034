package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// liveapp:auth begin
// clientAddrFromProxy is middleware for apps behind a load balancer: it sets
// r.RemoteAddr to the client address the balancer appended to
// X-Forwarded-For, so that rate limits and the sessions list see clients
// rather than the balancer. Only the last entry is used: the ones before it
// come from the client and could be forged.
// liveapp:auth else
// // clientAddrFromProxy is middleware for apps behind a load balancer: it sets
// // r.RemoteAddr to the client address the balancer appended to
// // X-Forwarded-For, so that handlers see clients rather than the balancer.
// // Only the last entry is used: the ones before it come from the client and
// // could be forged.
// liveapp:auth end
func clientAddrFromProxy(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				r = r.Clone(r.Context())
				r.RemoteAddr = net.JoinHostPort(ip.Unmap().String(), "0")
			}
		}
		next.ServeHTTP(w, r)
	})
}

// clientAddr returns the address of r's client, or the zero Addr when unknown.
func clientAddr(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}
