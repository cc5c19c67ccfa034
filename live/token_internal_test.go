package live

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestViewToken(t *testing.T) {
	sg := newSigner([]byte("0123456789abcdef0123456789abcdef"))
	secret := newCSRFSecret()
	now := time.Now()
	tok := sg.signView(viewToken{Session: "s", Route: "/r", URL: "/r", Expires: now.Add(time.Minute).UnixMilli(), Binding: sg.binding(secret)})
	if _, err := sg.verifyView(tok, secret, now); err != nil {
		t.Fatalf("fresh token refused: %v", err)
	}
	if _, err := sg.verifyView(tok, newCSRFSecret(), now); err != errBadToken {
		t.Fatalf("token accepted for another browser: %v", err)
	}
	if _, err := sg.verifyView(tok, secret, now.Add(2*time.Minute)); err != errExpiredToken {
		t.Fatalf("expired token: %v", err)
	}
	other := newSigner([]byte("another-secret-another-secret-xx"))
	if _, err := other.verifyView(tok, secret, now); err != errBadToken {
		t.Fatalf("token verified under another secret: %v", err)
	}
	// A flash cookie is signed with a different key and must not pass as a view token.
	flash := sign(sg.flashKey, []byte(`{"v":1,"s":"s","r":"/r","u":"/r","e":99999999999,"b":"`+sg.binding(secret)+`"}`))
	if _, err := sg.verifyView(flash, secret, now); err != errBadToken {
		t.Fatalf("a value signed for another purpose verified: %v", err)
	}
}

func TestCSRFMask(t *testing.T) {
	secret := newCSRFSecret()
	a, b := maskCSRF(secret), maskCSRF(secret)
	if a == b {
		t.Fatal("two masks of one secret are equal")
	}
	if !csrfMatches(a, secret) || !csrfMatches(b, secret) {
		t.Fatal("a mask does not verify")
	}
	for _, bad := range []string{"", "x", maskCSRF(newCSRFSecret()), a[:len(a)-2]} {
		if csrfMatches(bad, secret) {
			t.Fatalf("%q verified", bad)
		}
	}
	if csrfMatches(a, nil) {
		t.Fatal("verified without a cookie")
	}
}

func TestCSRFCookieRule(t *testing.T) {
	trusted, planted := newCSRFSecret(), newCSRFSecret()
	cookie := func(name string, secret []byte) string { return name + "=" + b64.EncodeToString(secret) }
	cases := []struct {
		name    string
		secure  bool
		cookies string
		want    []byte // nil: no secret
	}{
		{"HTTPS reads the __Host- cookie", true, cookie(csrfCookieSecure, trusted), trusted},
		{"HTTPS ignores an unprefixed cookie", true, cookie(csrfCookie, planted), nil},
		{"HTTPS ignores an unprefixed cookie beside the __Host- one", true,
			cookie(csrfCookie, planted) + "; " + cookie(csrfCookieSecure, trusted), trusted},
		{"HTTP reads the unprefixed cookie", false, cookie(csrfCookie, trusted), trusted},
		{"HTTP ignores a __Host- cookie, which it never sets", false,
			cookie(csrfCookieSecure, planted) + "; " + cookie(csrfCookie, trusted), trusted},
		{"HTTP with only a __Host- cookie has none", false, cookie(csrfCookieSecure, planted), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check := func(what string, got []byte) {
				t.Helper()
				if string(got) != string(tc.want) {
					t.Fatalf("%s: read the wrong secret (or none)", what)
				}
			}
			for _, proxied := range []bool{false, true} {
				rt, err := New(Config{Secret: []byte(strings.Repeat("s", 32)), SecureCookies: proxied && tc.secure})
				if err != nil {
					t.Fatal(err)
				}
				target := "http://example.com/"
				if tc.secure && !proxied {
					target = "https://example.com/" // httptest sets r.TLS
				}
				r := httptest.NewRequest(http.MethodGet, target, nil)
				r.Header.Set("Cookie", tc.cookies)
				check("Runtime.csrfSecret", rt.csrfSecret(r))
			}
			s := &Socket{secure: tc.secure, cookies: tc.cookies}
			tok := s.CSRFToken()
			if tc.want == nil {
				if tok != "" {
					t.Fatalf("Socket.CSRFToken = %q without a trusted cookie", tok)
				}
				return
			}
			if !csrfMatches(tok, tc.want) {
				t.Fatal("Socket.CSRFToken masks another secret than the trusted cookie's")
			}
		})
	}
}

func TestTokenFlashIsBounded(t *testing.T) {
	var flash []Flash
	for range 10 {
		flash = append(flash, Flash{Kind: "info", Message: strings.Repeat("m", 1500)})
	}
	if got := tokenFlash(flash); len(got) != 2 {
		t.Fatalf("the token carries %d messages of 1,500 bytes, want the 2 that fit in %d bytes", len(got), maxTokenFlash)
	}
	if got := tokenFlash(flash[:1]); len(got) != 1 || got[0][1] != flash[0].Message {
		t.Fatalf("a small flash was not carried whole: %v", got)
	}
	small := make([]Flash, 10)
	if got := tokenFlash(small); len(got) != maxFlash {
		t.Fatalf("the token carries %d messages, want at most %d", len(got), maxFlash)
	}
	if tokenFlash([]Flash{{Message: strings.Repeat("m", maxTokenFlash)}}) != nil {
		t.Fatal("a message too large to carry was carried")
	}
}

func TestViewTokenBound(t *testing.T) {
	sg := newSigner([]byte("0123456789abcdef0123456789abcdef"))
	secret := newCSRFSecret()
	now := time.Now()
	// The worst a URL of maxURL bytes can do: every byte escaped by JSON, and the largest flash.
	var flash []Flash
	for range maxFlash {
		flash = append(flash, Flash{Kind: "info", Message: strings.Repeat("\"", maxTokenFlash/maxFlash/2-20)})
	}
	tok := viewToken{Session: "session", Route: "/search", URL: "/search?q=" + strings.Repeat("\"", maxURL-len("/search?q=")),
		Expires: now.Add(time.Minute).UnixMilli(), Binding: sg.binding(secret), Flash: tokenFlash(flash)}
	if len(tok.Flash) != maxFlash {
		t.Fatalf("the flash was cut to %d messages", len(tok.Flash))
	}
	signed := sg.signView(tok)
	if len(signed) > maxViewToken {
		t.Fatalf("a token for a URL of %d bytes is %d bytes, over the bound of %d", maxURL, len(signed), maxViewToken)
	}
	got, err := sg.verifyView(signed, secret, now)
	if err != nil || got.URL != tok.URL {
		t.Fatalf("the token does not verify: %v", err)
	}
	if _, err := sg.verifyView(signed+strings.Repeat("A", maxViewToken), secret, now); err != errBadToken {
		t.Fatalf("an oversized token: %v", err)
	}
}
