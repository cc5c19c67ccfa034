// liveapp:auth begin
// Package web is the app's web layer: the routes, the layout, the live views and
// the few plain HTTP handlers that must set cookies (logging in and out).
// liveapp:auth else
// // Package web is the app's web layer: the routes, the layout and the live
// // views.
// liveapp:auth end
//
// New wires everything from a Config; cmd/app and the tests share it. Routes are
// listed in routes.go, which is the place to start reading.
// liveapp:auth begin
//
// # Authentication in both pipelines
//
// A live page is requested twice: once over plain HTTP (the dead render) and
// again over the websocket. Each live session therefore names both HTTP
// middleware (for the first) and hooks (for the second) that make the same
// check, and the authenticated session revalidates its open sockets at an
// interval, so a session revoked elsewhere cannot keep a tab alive.
//
// # Authorization
//
// Views get the current user's accounts.Scope from the hooks and pass it to
// liveapp:projects begin
// every call into a domain package (projects.Store.Get(ctx, scope, id)), which
// liveapp:projects else
// // every call into a domain package (such as Store.Get(ctx, scope, id)), which
// liveapp:projects end
// filters by it in SQL. A view never checks ownership itself, so it cannot
// forget to.
// liveapp:auth end
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	// liveapp:auth begin
	"path/filepath"
	"time"
	// liveapp:auth end

	"github.com/jackc/pgx/v5/pgxpool"

	// liveapp:auth begin
	"github.com/liveapp/liveapp/accounts"
	authweb "github.com/liveapp/liveapp/accounts/web"
	// liveapp:auth end
	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/pubsub"
	// liveapp:auth begin
	"github.com/liveapp/liveapp/live/storage"
	"github.com/liveapp/liveapp/mail"

	"github.com/liveapp/liveapp/template/internal/avatars"
	// liveapp:auth end
	// liveapp:projects begin
	"github.com/liveapp/liveapp/template/internal/projects"
	// liveapp:projects end
)

// AppName is the app's name as users see it: in page titles, the nav bar and
// emails.
const AppName = "app"

// CookiePrefix names the app's cookies: PREFIX_session, _PREFIX_csrf... Browsers
// share cookies between the apps of one host name whatever their ports, so
// each app on localhost needs a prefix of its own. Letters, digits, _ and -.
const CookiePrefix = "app"

// liveapp:auth begin
// Config configures the app. DB, Secret and Mailer are required.
// liveapp:auth else
// // Config configures the app. DB and Secret are required.
// liveapp:auth end
type Config struct {
	// DB is the app's database, migrated (see package migrations).
	DB *pgxpool.Pool

	// Secret signs live view tokens and flash cookies: at least 32 random
	// bytes, the same on every node.
	Secret []byte

	// liveapp:auth begin
	// Dev turns on development mode: detailed errors in the browser, and the
	// dev-only routes (the dashboard at /dev/dashboard, and the mailbox at
	// /dev/mailbox when Mailer is a *mail.DevMailbox). Never in production.
	// liveapp:auth else
	// // Dev turns on development mode: detailed errors in the browser, and the
	// // dev dashboard at /dev/dashboard. Never in production.
	// liveapp:auth end
	Dev bool

	// DevDir, in dev mode, is this package's directory on disk: internal/web,
	// relative to the app's root. Templates and static files are then read from
	// there instead of the copies compiled into the binary, so an edit shows
	// without a rebuild (see ReloadTemplates). Empty uses the compiled-in
	// copies, as production must: New refuses DevDir outside dev mode.
	DevDir string

	// liveapp:auth begin
	// PublicURL is the address users reach the app at, such as
	// https://example.com. Links in emails point there, and outside dev mode it
	// is the only origin allowed to open websockets; an https URL also makes
	// cookies Secure, for apps behind a TLS-terminating load balancer. Nil
	// allows websockets from the page's own origin (scheme and Host), and links
	// in emails are paths only.
	// liveapp:auth else
	// // PublicURL is the address users reach the app at, such as
	// // https://example.com. Outside dev mode it is the only origin allowed to
	// // open websockets; an https URL also makes cookies Secure, for apps behind
	// // a TLS-terminating load balancer. Nil allows websockets from the page's
	// // own origin (scheme and Host).
	// liveapp:auth end
	PublicURL *url.URL
	// liveapp:auth begin

	// Mailer sends the accounts emails (login links, email changes).
	Mailer mail.Mailer
	// liveapp:auth end

	// TrustProxy trusts the headers a load balancer sets, for apps behind one:
	// the client's address is the last one in X-Forwarded-For, and a request
	// whose last X-Forwarded-Proto is https counts as HTTPS (Secure cookies with
	// the __Host- prefix, HSTS, websockets from https origins only). Earlier
	// values of either header come from the client and are ignored.
	// liveapp:auth begin
	// Rate limits and the sessions list use the address.
	// liveapp:auth end
	// Leave it off when clients can reach the app directly: they could then
	// forge both headers.
	TrustProxy bool

	// liveapp:auth begin
	// PubSub carries live updates between views, and the closing of a
	// logged-out session's tabs. cmd/app passes a pgpubsub.PubSub on DB, which
	// reaches the views of every node that shares the database. Nil is
	// in-process, which reaches the views of this node only: enough for tests
	// and for an app that runs on one node.
	// liveapp:auth else
	// // PubSub carries live updates between views. cmd/app passes a
	// // pgpubsub.PubSub on DB, which reaches the views of every node that
	// // shares the database. Nil is in-process, which reaches the views of this
	// // node only: enough for tests and for an app that runs on one node.
	// liveapp:auth end
	//
	// The PubSub stays the caller's: close it after Shutdown, and before DB.
	PubSub pubsub.PubSub
	// liveapp:auth begin

	// Accounts configures the accounts Store; the zero value is the
	// production default. Tests lower its password hashing cost. Its Mailer,
	// Sockets and Logger are set by New, and UniformRegistration is on.
	Accounts accounts.Config

	// RevalidateEvery is how often each open socket of a logged-in page checks
	// that its session still exists. Default one minute.
	RevalidateEvery time.Duration

	// UploadsDir is the directory uploaded files are kept in: the users'
	// avatars, under avatars/. Every node must see the same directory (a
	// shared volume), and it must outlive deploys. Empty turns avatars off:
	// the settings page then offers none.
	UploadsDir string
	// liveapp:auth end

	// Logger receives errors, and a line per request and per live mount, event
	// and navigation: at Info in dev mode, at Debug otherwise. Nil uses
	// slog.Default().
	Logger *slog.Logger
}

// App is the running app: its stores, its live runtime and its HTTP handler.
type App struct {
	Runtime *live.Runtime
	// Metrics counts what the live views do (events per second, latencies,
	// the slowest): the dev dashboard shows it, and cmd/app publishes it
	// through expvar for production's monitoring.
	Metrics *live.Metrics
	// liveapp:auth begin
	Accounts *accounts.Store
	// liveapp:projects begin
	Projects *projects.Store
	// liveapp:projects end
	Avatars *avatars.Store // nil when Config.UploadsDir is empty
	// liveapp gen.live adds the stores of new resources above this line.

	auth *authweb.Auth
	// liveapp:auth end
	cfg       Config
	log       *slog.Logger
	templates templateSet // swapped by ReloadTemplates
	handler   http.Handler
	routeList []string // every route, for the dev 404 page

	// What Audit reports: the runtime's configuration (without its secret)
	// and the plain HTTP routes.
	runtimeConfig live.Config
	httpRoutes    *routeMux
}

// New builds the app from cfg.
func New(cfg Config) (*App, error) { return newApp(cfg, false) }

// newApp builds the app from cfg for New and, with audit set, NewForAudit,
// which has no database.
func newApp(cfg Config, audit bool) (*App, error) {
	if cfg.DevDir != "" {
		if !cfg.Dev {
			return nil, errors.New("web: Config.DevDir is for dev mode only: production uses the compiled-in templates and static files")
		}
		if err := checkDevDir(cfg.DevDir); err != nil {
			return nil, err
		}
	}
	// liveapp:auth begin
	if (cfg.DB == nil && !audit) || cfg.Mailer == nil {
		return nil, errors.New("web: Config.DB and Mailer are required")
	}
	if cfg.RevalidateEvery <= 0 {
		cfg.RevalidateEvery = time.Minute
	}
	// liveapp:auth else
	// if cfg.DB == nil && !audit {
	// 	return nil, errors.New("web: Config.DB is required")
	// }
	// liveapp:auth end
	a := &App{cfg: cfg, log: cfg.Logger, Metrics: &live.Metrics{}}
	if a.log == nil {
		a.log = slog.Default()
	}
	secure := cfg.PublicURL != nil && cfg.PublicURL.Scheme == "https"
	logActivity := live.LogActivity(a.log, activityLevel(cfg.Dev))
	rc := live.Config{Secret: cfg.Secret, Dev: cfg.Dev, SecureCookies: secure, TrustForwardedProto: cfg.TrustProxy,
		CookiePrefix: CookiePrefix, ErrorPage: a.errorPage, PubSub: cfg.PubSub, Logger: a.log,
		Observe: func(act live.Activity) {
			logActivity(act)
			a.Metrics.Observe(act)
		}}
	if !cfg.Dev && cfg.PublicURL != nil {
		// In development the page's own origin is allowed, whatever host name
		// the browser used (localhost, 127.0.0.1...).
		rc.AllowedOrigins = []string{origin(cfg.PublicURL)}
	}
	var err error
	if a.Runtime, err = live.New(rc); err != nil {
		return nil, err
	}
	a.runtimeConfig = rc
	a.runtimeConfig.Secret = nil
	// liveapp:auth begin
	ac := cfg.Accounts
	// The sign-up form answers a taken email as it answers a new one, and the
	// address's owner gets a login link instead: the form cannot be used to
	// find out who has an account. Delete the line to tell users instead.
	ac.UniformRegistration = true
	ac.Mailer = cfg.Mailer
	ac.Sockets = a.Runtime // deleting a session closes its open tabs at once
	ac.Logger = a.log
	if a.Accounts, err = accounts.New(cfg.DB, ac); err != nil {
		return nil, err
	}
	// liveapp:projects begin
	a.Projects = projects.NewStore(cfg.DB, a.Runtime.PubSub())
	// liveapp:projects end
	if cfg.UploadsDir != "" {
		disk, err := storage.NewDisk(filepath.Join(cfg.UploadsDir, "avatars"))
		if err != nil {
			return nil, fmt.Errorf("web: Config.UploadsDir: %w", err)
		}
		a.Avatars = avatars.NewStore(cfg.DB, disk)
	}
	// liveapp gen.live builds the stores of new resources above this line.
	a.auth = &authweb.Auth{Store: a.Accounts, Runtime: a.Runtime, SecureCookies: secure, Logger: a.log,
		SessionCookie: sessionCookie, RememberCookie: rememberCookie, ReturnToCookie: returnToCookie}
	// liveapp:auth end
	if err := a.loadTemplates(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	a.handler = a.routes()
	return a, nil
}

// ServeHTTP serves the app.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// liveapp:auth begin
// Shutdown closes every open socket with a code that tells browsers to
// reconnect, which they do to another node, or to this one once it restarts,
// and waits for the emails still being sent. Call it after
// http.Server.Shutdown, which does not know about websockets.
// liveapp:auth else
// // Shutdown closes every open socket with a code that tells browsers to
// // reconnect, which they do to another node, or to this one once it
// // restarts. Call it after http.Server.Shutdown, which does not know about
// // websockets.
// liveapp:auth end
//
// Close Config.PubSub, then Config.DB, after Shutdown: until it returns, views
// may still publish and query.
func (a *App) Shutdown(ctx context.Context) error {
	// liveapp:auth begin
	return errors.Join(a.Runtime.Shutdown(ctx), a.Accounts.WaitForMail(ctx))
	// liveapp:auth else
	// return a.Runtime.Shutdown(ctx)
	// liveapp:auth end
}

// origin returns the scheme://host of u, as browsers send it in Origin.
func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }

// liveapp:auth begin

// url returns the absolute URL of path on the public site, for emails; only
// the path without Config.PublicURL.
func (a *App) url(path string) string {
	if a.cfg.PublicURL == nil {
		return path
	}
	return origin(a.cfg.PublicURL) + path
}

// liveapp:auth end
