package live

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Errors a connecting client can cause. They are answered with an HTTP status before any
// websocket exists.
var (
	errBadToken     = errors.New("live: invalid view token")
	errExpiredToken = errors.New("live: view token expired")
	errBadCSRF      = errors.New("live: invalid CSRF token")
)

var b64 = base64.RawURLEncoding

// signer makes and checks HMAC-SHA256 signatures with keys derived from the app secret,
// one key per purpose, so a value signed for one purpose never verifies for another.
type signer struct {
	viewKey  []byte
	flashKey []byte
	bindKey  []byte
}

func newSigner(secret []byte) signer {
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("liveapp/" + purpose))
		return m.Sum(nil)
	}
	return signer{viewKey: derive("view-token/v1"), flashKey: derive("flash/v1"), bindKey: derive("csrf-binding/v1")}
}

// sign returns base64(payload) "." base64(mac).
func sign(key, payload []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(m.Sum(nil))
}

// unsign verifies a value made by sign and returns its payload. It refuses a value longer
// than max before decoding it, so an oversized value costs no more than its length check.
func unsign(key []byte, value string, max int) ([]byte, bool) {
	if len(value) > max {
		return nil, false
	}
	p, s, ok := strings.Cut(value, ".")
	if !ok {
		return nil, false
	}
	payload, err1 := b64.DecodeString(p)
	mac, err2 := b64.DecodeString(s)
	if err1 != nil || err2 != nil {
		return nil, false
	}
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	if !hmac.Equal(mac, m.Sum(nil)) {
		return nil, false
	}
	return payload, true
}

// Size bounds of signed values.
//
// A view token carries the URL of its page, so it must hold the longest URL a live page
// may have (maxURL, 8 KiB) together with the flash messages of the dead render: at most
// maxTokenFlash bytes of them, as JSON. The URL's JSON encoding is at most twice its
// length (a '"' or '\' doubles; the runtime does not escape HTML in it), so the payload
// stays under 2*8 + 4 + 1 KiB, about 28 KiB once base64-encoded. maxViewToken is a hard
// cap above that: unsign refuses a longer token before decoding it, and a dead render
// whose token would be longer answers 414 instead of rendering a page that cannot connect.
//
// A flash cookie keeps the 4 KiB that browsers store per cookie.
const (
	maxViewToken   = 32 << 10
	maxTokenFlash  = 4 << 10
	maxFlashCookie = 4 << 10
)

// viewToken names what a dead render showed, so the connected mount can mount the same
// view. It holds no state and no secrets; it is bound to the browser's CSRF secret so that
// a token lifted from one browser is useless in another.
type viewToken struct {
	Version int    `json:"v"`
	Session string `json:"s"`
	Route   string `json:"r"`
	URL     string `json:"u"`
	Expires int64  `json:"e"` // unix milliseconds
	Binding string `json:"b"`
	// Flash carries the dead render's flash messages to the connected mount, which would
	// otherwise render without them and make them vanish as the socket connects.
	Flash [][2]string `json:"f,omitempty"`
}

func (sg signer) binding(csrfSecret []byte) string {
	m := hmac.New(sha256.New, sg.bindKey)
	m.Write(csrfSecret)
	return b64.EncodeToString(m.Sum(nil)[:16])
}

func (sg signer) signView(t viewToken) string {
	t.Version = 1
	// Without HTML escaping, which would make every '&' of the URL's query six bytes: the
	// payload is base64-encoded and never reaches HTML as JSON.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(t) // a struct of strings and ints always encodes
	return sign(sg.viewKey, bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// tokenFlash returns the flash messages a view token carries: the first of flash, up to
// the 8 that flashFromPairs accepts and maxTokenFlash bytes of JSON. Messages beyond that
// show in the dead render only.
func tokenFlash(flash []Flash) [][2]string {
	pairs := flashPairs(flash)
	if len(pairs) > maxFlash {
		pairs = pairs[:maxFlash]
	}
	for ; len(pairs) > 0; pairs = pairs[:len(pairs)-1] {
		if b, err := json.Marshal(pairs); err == nil && len(b) <= maxTokenFlash {
			return pairs
		}
	}
	return nil
}

// verifyView checks the signature, the binding to the browser and the expiry, in that
// order, so an attacker learns nothing about a token that is not theirs.
func (sg signer) verifyView(value string, csrfSecret []byte, now time.Time) (viewToken, error) {
	var t viewToken
	payload, ok := unsign(sg.viewKey, value, maxViewToken)
	if !ok || json.Unmarshal(payload, &t) != nil || t.Version != 1 {
		return t, errBadToken
	}
	if subtle.ConstantTimeCompare([]byte(t.Binding), []byte(sg.binding(csrfSecret))) != 1 {
		return t, errBadToken
	}
	if now.UnixMilli() >= t.Expires {
		return t, errExpiredToken
	}
	return t, nil
}

// CSRF: the browser holds a random 32-byte secret in an HttpOnly cookie; pages carry it
// masked with a fresh one-time pad, so the token in the HTML differs on every render (which
// defeats compression side channels such as BREACH) while any of them verifies.

const csrfSecretLen = 32

func newCSRFSecret() []byte {
	b := make([]byte, csrfSecretLen)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

func maskCSRF(secret []byte) string {
	out := make([]byte, 2*csrfSecretLen)
	_, _ = rand.Read(out[:csrfSecretLen])
	for i := range csrfSecretLen {
		out[csrfSecretLen+i] = out[i] ^ secret[i]
	}
	return b64.EncodeToString(out)
}

func csrfMatches(token string, secret []byte) bool {
	if len(secret) != csrfSecretLen || len(token) > 200 {
		return false
	}
	raw, err := b64.DecodeString(token)
	if err != nil || len(raw) != 2*csrfSecretLen {
		return false
	}
	plain := make([]byte, csrfSecretLen)
	for i := range csrfSecretLen {
		plain[i] = raw[i] ^ raw[csrfSecretLen+i]
	}
	return subtle.ConstantTimeCompare(plain, secret) == 1
}

// The default cookie names (Config.CookiePrefix "live"). Over HTTPS the __Host- prefix
// makes the browser refuse the cookie unless it is Secure, host-only and for path /, so a
// sibling subdomain cannot plant one.
const (
	csrfCookie       = "_live_csrf"
	csrfCookieSecure = "__Host-live_csrf"
	flashCookie      = "_live_flash"
)

// cookieNames are the names of the runtime's cookies; see Config.CookiePrefix.
type cookieNames struct{ csrf, csrfSecure, flash string }

var defaultCookieNames = cookieNames{csrfCookie, csrfCookieSecure, flashCookie}

// newCookieNames returns the cookie names for prefix, the defaults for "".
func newCookieNames(prefix string) (cookieNames, error) {
	if prefix == "" {
		return defaultCookieNames, nil
	}
	for _, r := range prefix {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return cookieNames{}, fmt.Errorf("live: Config.CookiePrefix %q: use letters, digits, _ and - only", prefix)
		}
	}
	return cookieNames{"_" + prefix + "_csrf", "__Host-" + prefix + "_csrf", "_" + prefix + "_flash"}, nil
}

// csrfName returns the name of the CSRF cookie of a secure (HTTPS, or
// Config.SecureCookies) or a plain request.
func (n cookieNames) csrfName(secure bool) string {
	if secure {
		return n.csrfSecure
	}
	return n.csrf
}

// Secure reports whether r came over HTTPS as far as the runtime can tell: over TLS, with
// Config.SecureCookies set, or, with Config.TrustForwardedProto, with an X-Forwarded-Proto
// header whose last value is https. Secure requests get Secure cookies with the __Host-
// prefix, and their websockets must come from an https origin. accounts/web asks it too.
func (rt *Runtime) Secure(r *http.Request) bool { return rt.secure(r) }

func (rt *Runtime) secure(r *http.Request) bool {
	if r.TLS != nil || rt.cfg.SecureCookies {
		return true
	}
	return rt.cfg.TrustForwardedProto && forwardedHTTPS(r)
}

// forwardedHTTPS reports whether the last value of r's X-Forwarded-Proto header, the one
// the nearest proxy set, is https. Earlier values could come from the client.
func forwardedHTTPS(r *http.Request) bool {
	vs := r.Header.Values("X-Forwarded-Proto")
	if len(vs) == 0 {
		return false
	}
	last := vs[len(vs)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(last), "https")
}

// csrfSecretIn returns the CSRF secret in r's cookie name, if it has a valid one. Callers
// pass the name for a request as secure as r (cookieNames.csrfName). On a secure request
// that is the __Host- cookie: an unprefixed one may have been planted by a sibling
// subdomain, and an attacker who knows the secret can forge the page's CSRF token. On a
// plain request it is the unprefixed cookie, the one the runtime sets there, so that the
// secret RenewCSRF sets is the one read afterwards.
func csrfSecretIn(r *http.Request, name string) []byte {
	c, err := r.Cookie(name)
	if err != nil {
		return nil
	}
	b, err := b64.DecodeString(c.Value)
	if err != nil || len(b) != csrfSecretLen {
		return nil
	}
	return b
}

// csrfSecret returns the CSRF secret of r's browser, by the cookie rule of csrfSecretIn.
func (rt *Runtime) csrfSecret(r *http.Request) []byte {
	return csrfSecretIn(r, rt.cookies.csrfName(rt.secure(r)))
}

// ensureCSRF returns the browser's CSRF secret, creating it and setting the cookie when the
// browser has none.
func (rt *Runtime) ensureCSRF(w http.ResponseWriter, r *http.Request) []byte {
	if s := rt.csrfSecret(r); s != nil {
		return s
	}
	s := newCSRFSecret()
	rt.setCSRFCookie(w, r, s)
	return s
}

// setCSRFCookie sets the browser's CSRF secret to s, in the response and, for later code
// in this request (a form rendered by the same handler), in r.
func (rt *Runtime) setCSRFCookie(w http.ResponseWriter, r *http.Request, s []byte) {
	c := &http.Cookie{Name: rt.cookies.csrf, Value: b64.EncodeToString(s), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if rt.secure(r) {
		c.Name, c.Secure = rt.cookies.csrfSecure, true
	}
	http.SetCookie(w, c)
	cookies := r.Cookies()
	r.Header.Del("Cookie")
	for _, old := range cookies {
		if old.Name != rt.cookies.csrf && old.Name != rt.cookies.csrfSecure {
			r.AddCookie(old)
		}
	}
	r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
}

// RenewCSRF gives r's browser a new CSRF secret, as logging in or out should: a token
// an attacker learned or planted before is worthless afterwards. It also makes the
// view tokens of the browser's other open pages unusable, so those tabs load their page
// again when they next connect. Later code in the same request sees the new secret.
func (rt *Runtime) RenewCSRF(w http.ResponseWriter, r *http.Request) {
	rt.setCSRFCookie(w, r, newCSRFSecret())
}

// CSRFToken returns a masked CSRF token for r's browser, setting the CSRF cookie on w if the
// browser has none yet. Put it in forms that post to ordinary handlers as the field named
// "_csrf", or send it in the X-CSRF-Token header; ProtectForms checks it.
func (rt *Runtime) CSRFToken(w http.ResponseWriter, r *http.Request) string {
	return maskCSRF(rt.ensureCSRF(w, r))
}

// MaxFormBytes bounds the body of a request whose CSRF token ProtectForms reads from the
// form: 1 MiB, plenty for text fields. Uploads larger than that send the token in the
// X-CSRF-Token header instead, and bound their bodies themselves.
const MaxFormBytes = 1 << 20

// ProtectForms wraps next so that every request with an unsafe method (anything but GET,
// HEAD, OPTIONS) must carry a valid CSRF token in the "_csrf" form field or the
// X-CSRF-Token header, and must not come from another origin (net/http's
// CrossOriginProtection). Refused requests get 403 and never reach next. To find the
// field it parses the form, which must then be at most MaxFormBytes: a larger body gets
// 413 "request too large", and a form that cannot be parsed gets 400, so that neither is
// mistaken for a bad token.
func (rt *Runtime) ProtectForms(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			rt.ensureCSRF(w, r)
			next.ServeHTTP(w, r)
			return
		}
		if err := cop.Check(r); err != nil {
			rt.refuse(w, r, http.StatusForbidden, "cross-origin request refused")
			return
		}
		token := r.Header.Get("X-CSRF-Token")
		if token == "" {
			r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
			if status, msg := parseForm(r); status != 0 {
				rt.refuse(w, r, status, msg)
				return
			}
			token = r.PostFormValue("_csrf")
		}
		if !csrfMatches(token, rt.csrfSecret(r)) {
			rt.refuse(w, r, http.StatusForbidden, "invalid CSRF token: reload the page and try again")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuse answers r with status and msg, a message fit for users, through
// Config.ErrorPage when set.
func (rt *Runtime) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if rt.cfg.ErrorPage != nil {
		rt.cfg.ErrorPage(w, r, status, errors.New(msg))
		return
	}
	http.Error(w, msg, status)
}

// parseForm parses r's form, URL-encoded or multipart, and returns the status and message
// of the answer when it cannot: 413 for a body over its limit, 400 for a malformed one.
func parseForm(r *http.Request) (status int, msg string) {
	err := r.ParseForm()
	if err == nil {
		// ParseForm leaves multipart bodies alone. (ParseMultipartForm alone would
		// report a URL-encoded body's error as ErrNotMultipart.)
		err = r.ParseMultipartForm(MaxFormBytes)
	}
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil, errors.Is(err, http.ErrNotMultipart):
		return 0, ""
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, "request too large"
	default:
		return http.StatusBadRequest, "malformed form"
	}
}
