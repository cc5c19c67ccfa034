// Package web connects package accounts to HTTP handlers and live views: logging in and
// out with cookies, HTTP middleware that finds the current user, and live hooks that do
// the same for both mounts of a live view.
//
//	auth := &web.Auth{Store: store, Runtime: rt, SecureCookies: true}
//	app := rt.Session("app", live.SessionOptions{
//		Middleware: auth.RequireAuthenticated,
//		Hooks:      []live.Hook{auth.MountCurrentUser},
//		Requires:   []live.Requirement{auth.LoggedIn()},
//		Revalidate: auth.Revalidate,
//	})
//
// # Cookies
//
// A session is a random accounts.SessionToken; the browser holds it, base64url-encoded,
// in the session cookie, and the database only its hash. As phx.gen.auth does, a login
// with "remember me" also writes the same token to a separate remember-me cookie with a
// Max-Age (RememberFor, 14 days by default), while the session cookie has none and ends
// with the browser session. When the session cookie is gone, the remember-me cookie
// logs the user in and the session cookie is set again. Neither cookie is signed: the
// token is 32 bytes from crypto/rand, found by its hash, so a signature would not make
// it any harder to forge.
//
// Cookies are HttpOnly, SameSite=Lax and for path /. Over HTTPS, or with SecureCookies,
// they are Secure and named with the __Host- prefix, which browsers accept only from
// the host itself, so a sibling subdomain cannot plant a session.
//
// # Rotation
//
// LogIn deletes the session of the browser's old cookies before it creates a new one, so
// the token always changes on login: a token planted before the login (session
// fixation) is worthless after it, and logging in as another user keeps nothing of the
// previous session. FetchCurrentUser replaces tokens older than the Store's
// SessionReissueAfter. Every deleted token has its sockets closed through
// Runtime.Disconnect on accounts.SocketID(token), which is the ID MountCurrentUser gives
// the sockets: the browser reconnects, and the hooks decide what it sees.
//
// # Middleware and hooks
//
// Live session Middleware runs only for the dead render; the websocket mount runs only
// the Hooks. So a guarded live session needs both: the middleware (which also
// remembers the page to return to after login, and reissues old tokens, which a
// websocket cannot do) and the hooks. During the dead render MountCurrentUser reuses
// what the middleware found instead of asking the Store again. Revalidate, run every
// RevalidateEvery, closes sockets whose session has been deleted or has expired even if
// the Disconnect broadcast was missed.
package web
