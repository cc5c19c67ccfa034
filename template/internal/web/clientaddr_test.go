package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClientAddrFromProxy(t *testing.T) {
	tests := []struct {
		name string
		xff  []string
		want string
	}{
		{"no header keeps the connection's address", nil, "10.0.0.1"},
		{"the last entry is the balancer's view of the client", []string{"203.0.113.9, 198.51.100.7"}, "198.51.100.7"},
		{"of several headers, the last one counts", []string{"203.0.113.9", "198.51.100.7"}, "198.51.100.7"},
		{"IPv6 works", []string{"2001:db8::1"}, "2001:db8::1"},
		{"garbage is ignored", []string{"not an address"}, "10.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			h := clientAddrFromProxy(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				got = clientAddr(r).String()
			}))
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "10.0.0.1:5000"
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want {
				t.Errorf("client %s, want %s", got, tt.want)
			}
		})
	}
}
