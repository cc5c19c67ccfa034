package web

import (
	"net/http"

	"github.com/liveapp/liveapp/live"
	// liveapp:auth begin
	"github.com/liveapp/liveapp/mail"
	// liveapp:auth end
)

// routes builds the app's handler. Live routes are grouped in live sessions by
// who may see them; navigating inside a live session keeps the websocket, and
// crossing to another is a full page load through that session's middleware.
//
// Who may reach a page is declared here, not in the views: a session or a
// route either requires something (live.Requirement: "user", "sudo") or is
// marked public. `app audit` prints this table, and `liveapp audit` reports
// a page that does neither.
func (a *App) routes() http.Handler {
	// liveapp:auth begin
	rt, auth := a.Runtime, a.auth

	// Pages for anyone, with the current user when there is one. The login
	// page is here, not in "guest", because logged-in users come back to it to
	// re-authenticate for sudo mode.
	current := rt.Session("current", live.SessionOptions{
		Layout:     a.layout,
		Middleware: auth.FetchCurrentUser,
		Hooks:      []live.Hook{auth.MountCurrentUser, assignFormToken, a.assignAvatar},
		Public:     true,
	})
	// liveapp:auth else
	// rt := a.Runtime
	//
	// // Pages for anyone.
	// current := rt.Session("current", live.SessionOptions{
	// 	Layout: a.layout,
	// 	Hooks:  []live.Hook{assignFormToken},
	// 	Public: true,
	// })
	// liveapp:auth end
	current.Live("/", func() live.View { return &Home{app: a} })
	if a.cfg.Dev {
		// A dev-only page: in production it is not routed at all.
		current.Live("/dev/dashboard", func() live.View { return &Dashboard{app: a} })
	}
	// liveapp:auth begin
	current.Live("/users/log-in", func() live.View { return &LogIn{app: a} })
	current.Live("/users/log-in/{token}", func() live.View { return &MagicLink{app: a} })

	// Pages only for visitors who are not logged in.
	guest := rt.Session("guest", live.SessionOptions{
		Layout:     a.layout,
		Middleware: auth.RedirectIfAuthenticated,
		Hooks:      []live.Hook{auth.MountCurrentUser, auth.RedirectIfAuthenticatedHook, assignFormToken},
		Public:     true,
	})
	guest.Live("/users/register", func() live.View { return &Register{app: a} })

	// Pages for logged-in users. The middleware guards the dead render, the
	// requirement the websocket mount, and Revalidate the sockets that stay
	// open.
	private := rt.Session("authenticated", live.SessionOptions{
		Layout:          a.layout,
		Middleware:      auth.RequireAuthenticated,
		Hooks:           []live.Hook{auth.MountCurrentUser, assignFormToken, a.assignAvatar},
		Requires:        []live.Requirement{auth.LoggedIn()},
		Revalidate:      auth.Revalidate,
		RevalidateEvery: a.cfg.RevalidateEvery,
	})
	private.Live("/users/settings", func() live.View { return &Settings{app: a} }).Requires(auth.Sudo())
	private.Live("/users/settings/confirm-email/{token}", func() live.View { return &ConfirmEmail{app: a} })
	private.Live("/users/sessions", func() live.View { return &Sessions{app: a} })
	// liveapp:projects begin
	private.Live("/projects", func() live.View { return &ProjectIndex{app: a} })
	private.Live("/projects/new", func() live.View { return &ProjectForm{app: a} })
	private.Live("/projects/{id}", func() live.View { return &ProjectShow{app: a} })
	private.Live("/projects/{id}/edit", func() live.View { return &ProjectForm{app: a, edit: true} })
	// liveapp:projects end
	// liveapp gen.live adds the routes of new resources above this line.
	// liveapp:auth end

	mux := newRouteMux()
	rt.Register(mux.ServeMux)
	// liveapp:auth begin
	// Plain HTTP handlers, for what live events cannot do: set cookies, and
	// know the client's address, which the login rate limits count by.
	mux.HandlePublic("POST /users/log-in", auth.FetchCurrentUser(http.HandlerFunc(a.logIn)))
	mux.HandlePublic("POST /users/log-in/magic-link", http.HandlerFunc(a.requestMagicLink))
	mux.HandlePublic("POST /users/log-out", auth.FetchCurrentUser(http.HandlerFunc(a.logOut)))
	mux.Handle("POST /users/update-password", auth.RequireAuthenticated(http.HandlerFunc(a.updatePassword)))
	mux.Handle("GET /users/avatar/{key}", auth.RequireAuthenticated(http.HandlerFunc(a.serveAvatar)))
	// liveapp gen.live adds the file routes of new resources above this line.
	// liveapp:auth end
	mux.HandlePublic("GET /static/", a.staticFiles())

	a.routeList = mux.list(rt)
	a.httpRoutes = mux

	// Where no route matches, the app's 404 page.
	var notFound http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.errorPage(w, r, http.StatusNotFound, nil)
	})
	// liveapp:auth begin
	notFound = auth.FetchCurrentUser(notFound) // its nav bar shows who is logged in
	// liveapp:auth end
	var h http.Handler = a.withErrorPages(mux.ServeMux, notFound)
	h = rt.ProtectForms(h) // every POST needs a CSRF token
	// liveapp:auth begin
	if mb, ok := a.cfg.Mailer.(*mail.DevMailbox); ok && a.cfg.Dev {
		// A dev-only route: in production it does not exist at all. It is
		// outside ProtectForms since the mailbox's page, not the app's, holds
		// its one form (Clear): the mailbox refuses forms of other sites.
		dev := http.NewServeMux()
		dev.Handle("/dev/mailbox", mb)
		dev.Handle("/", h)
		h = dev
	}
	// liveapp:auth end
	h = a.securityHeaders(h)
	if a.cfg.TrustProxy {
		h = clientAddrFromProxy(h)
	}
	return logRequests(h, a.log, activityLevel(a.cfg.Dev))
}
