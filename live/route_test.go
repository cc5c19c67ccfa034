package live

import (
	"testing"
	"time"
)

func TestRouteMatch(t *testing.T) {
	cases := []struct {
		pattern, path string
		ok            bool
		params        map[string]string
	}{
		{"/", "/", true, nil},
		{"/", "/x", false, nil},
		{"/items", "/items", true, nil},
		{"/items", "/items/", false, nil},
		{"/items/{id}", "/items/42", true, map[string]string{"id": "42"}},
		{"/items/{id}", "/items/", false, nil},
		{"/items/{id}/edit", "/items/42/edit", true, map[string]string{"id": "42"}},
		{"/items/{id}/edit", "/items/42/show", false, nil},
		{"/files/{path...}", "/files/a/b/c", true, map[string]string{"path": "a/b/c"}},
	}
	for _, tc := range cases {
		segs, err := parsePattern(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		r := &route{pattern: tc.pattern, segments: segs}
		p := Params{}
		if got := r.match(tc.path, p); got != tc.ok {
			t.Errorf("%s matches %s = %v", tc.pattern, tc.path, got)
		}
		for k, v := range tc.params {
			if p.Get(k) != v {
				t.Errorf("%s on %s: %s = %q, want %q", tc.pattern, tc.path, k, p.Get(k), v)
			}
		}
	}
	for _, bad := range []string{"items", "/a//b", "/{}", "/{a...}/b", "/a{b}"} {
		if _, err := parsePattern(bad); err == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
}

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
