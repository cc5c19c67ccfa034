package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live"
)

// hostPrefix makes browsers refuse a cookie unless it is Secure, host-only and for
// path /, so a sibling subdomain cannot plant a session (a login CSRF) over HTTPS.
const hostPrefix = "__Host-"

// returnToMaxAge bounds how long a remembered return-to path waits for the login.
const returnToMaxAge = 10 * 60

// secure reports whether r gets Secure cookies: over TLS, with SecureCookies, or when the
// Runtime says so (behind a proxy it trusts to say https; live.Config.TrustForwardedProto).
func (a *Auth) secure(r *http.Request) bool {
	return r.TLS != nil || a.SecureCookies || (a.Runtime != nil && a.Runtime.Secure(r))
}

// cookieName returns the name under which name is set for r: with the __Host- prefix
// when the cookie is Secure.
func (a *Auth) cookieName(r *http.Request, name string) string {
	if a.secure(r) {
		return hostPrefix + name
	}
	return name
}

// readNames returns the names a cookie may be read under: only the prefixed one when the
// request is secure, since an unprefixed cookie may come from a sibling subdomain.
func (a *Auth) readNames(secure bool, name string) []string {
	if secure {
		return []string{hostPrefix + name}
	}
	return []string{hostPrefix + name, name}
}

// tokenFromRequest returns the session token of r's cookie name, if any.
func (a *Auth) tokenFromRequest(r *http.Request, name string) (accounts.SessionToken, bool) {
	for _, n := range a.readNames(a.secure(r), name) {
		if c, err := r.Cookie(n); err == nil {
			return decodeToken(c.Value)
		}
	}
	return nil, false
}

// tokenFromSocket returns the session token of the cookie name of the request that
// mounted s; over HTTPS (or with SecureCookies) only the prefixed name counts, as for
// requests.
func (a *Auth) tokenFromSocket(s *live.Socket, name string) (accounts.SessionToken, bool) {
	for _, n := range a.readNames(a.SecureCookies || s.Secure(), name) {
		if v, ok := s.Cookie(n); ok {
			return decodeToken(v)
		}
	}
	return nil, false
}

func encodeToken(t accounts.SessionToken) string { return base64.RawURLEncoding.EncodeToString(t) }

func decodeToken(v string) (accounts.SessionToken, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) == 0 {
		return nil, false
	}
	return accounts.SessionToken(b), true
}

// setCookie sets name to value for path /, HttpOnly and SameSite=Lax, Secure with the
// __Host- prefix over HTTPS. maxAge 0 makes a browser-session cookie, negative deletes it.
func (a *Auth) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: a.cookieName(r, name), Value: value, Path: "/", HttpOnly: true,
		Secure: a.secure(r), SameSite: http.SameSiteLaxMode}
	switch {
	case maxAge < 0:
		c.MaxAge = -1
	case maxAge > 0:
		c.MaxAge = int(maxAge / time.Second)
	}
	http.SetCookie(w, c)
}

// setSessionCookies writes token to the session cookie and, when remember is true, to the
// remember-me cookie; otherwise it deletes the remember-me cookie.
func (a *Auth) setSessionCookies(w http.ResponseWriter, r *http.Request, token accounts.SessionToken, remember bool) {
	v := encodeToken(token)
	a.setCookie(w, r, a.sessionCookie(), v, 0)
	if remember {
		a.setCookie(w, r, a.rememberCookie(), v, a.rememberFor())
	} else if _, ok := a.tokenFromRequest(r, a.rememberCookie()); ok {
		a.setCookie(w, r, a.rememberCookie(), "", -1)
	}
}

// clearSessionCookies deletes the session and remember-me cookies.
func (a *Auth) clearSessionCookies(w http.ResponseWriter, r *http.Request) {
	a.setCookie(w, r, a.sessionCookie(), "", -1)
	a.setCookie(w, r, a.rememberCookie(), "", -1)
}

// localPath reports whether u is a path on this site: it starts with one slash and
// names no scheme or host, so a redirect to it cannot leave the site.
func localPath(u string) bool {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "/\\") {
		return false
	}
	if strings.ContainsAny(u, "\\\x00\r\n\t") {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "" && p.Host == "" && p.User == nil
}

// takeReturnTo returns the remembered return-to path when it is local, and deletes the
// cookie.
func (a *Auth) takeReturnTo(w http.ResponseWriter, r *http.Request) string {
	name := a.cookieName(r, a.returnToCookie())
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	a.setCookie(w, r, a.returnToCookie(), "", -1)
	to, err := url.QueryUnescape(c.Value)
	if err != nil || !localPath(to) {
		return ""
	}
	return to
}

// putReturnTo remembers to, when it is local, as where LogIn redirects.
func (a *Auth) putReturnTo(w http.ResponseWriter, r *http.Request, to string) {
	if !localPath(to) {
		return
	}
	a.setCookie(w, r, a.returnToCookie(), url.QueryEscape(to), returnToMaxAge*time.Second)
}
