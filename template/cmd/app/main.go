// Command app serves the app, or migrates its database.
//
//	app            serve HTTP (the same as app serve)
//	app serve      serve HTTP on HOST:PORT until SIGINT or SIGTERM
//	app migrate    apply pending database migrations, then exit
//	app secret     print a new random SECRET_KEY_BASE
//	app audit      print the routes and security settings as JSON, then exit
//
// liveapp:auth begin
// Configuration comes from the environment; see the README. The app runs in
// production unless APP_ENV=dev, which `liveapp dev` sets. Development has
// conveniences: a fixed secret when SECRET_KEY_BASE is unset, emails shown at
// /dev/mailbox instead of sent, migrations applied at startup, errors shown in
// the browser. Production has none of them and refuses to start without its
// settings.
// liveapp:auth else
// // Configuration comes from the environment; see the README. The app runs in
// // production unless APP_ENV=dev, which `liveapp dev` sets. Development has
// // conveniences: a fixed secret when SECRET_KEY_BASE is unset, migrations
// // applied at startup, errors shown in the browser. Production has none of
// // them and refuses to start without its settings.
// liveapp:auth end
package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"expvar"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/devmode"
	"github.com/liveapp/liveapp/live/pubsub"
	"github.com/liveapp/liveapp/live/pubsub/pgpubsub"
	// liveapp:auth begin
	"github.com/liveapp/liveapp/mail"
	// liveapp:auth end

	"github.com/liveapp/liveapp/template/internal/web"
	"github.com/liveapp/liveapp/template/migrations"
)

// shutdownTimeout bounds a graceful shutdown: finishing requests in flight
// and closing websockets.
const shutdownTimeout = 20 * time.Second

// webDir is the web package's directory, relative to the app's root. In dev
// mode, run from the root (as `liveapp dev` and `go run ./cmd/app` do), the
// app reads its templates and static files there, so edits need no rebuild.
const webDir = "internal/web"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(os.Args[0]), err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	if len(args) > 1 {
		return fmt.Errorf("%s takes no arguments; configuration comes from the environment", cmd)
	}
	switch cmd {
	case "serve", "migrate":
	case "secret":
		fmt.Println(newSecret())
		return nil
	case "audit":
		return audit(os.Stdout)
	case "help", "-h", "-help", "--help":
		fmt.Printf("usage: %s [serve|migrate|secret|audit]\n", filepath.Base(os.Args[0]))
		return nil
	default:
		return fmt.Errorf("unknown command %q; want serve, migrate, secret or audit", cmd)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal starts a graceful shutdown, a second one kills.
	context.AfterFunc(ctx, stop)

	if cmd == "migrate" {
		// A release step needs the database only, not the serving settings.
		url, err := migrateConfig(os.Getenv)
		if err != nil {
			return fmt.Errorf("configuration:\n%w", err)
		}
		if err := migrate(ctx, url); err != nil {
			return err
		}
		newLogger(os.Stderr, os.Getenv("APP_ENV") == "dev", slog.LevelInfo).Info("database migrated")
		return nil
	}

	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(os.Stderr, cfg.Dev, cfg.LogLevel)
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	return serve(ctx, cfg, log)
}

// migrate applies the pending migrations. It is safe to run on several nodes
// at once: the migrations hold a lock while they run.
func migrate(ctx context.Context, databaseURL string) error {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return fmt.Errorf("connect to the database: %w", err)
	}
	defer conn.Close(context.Background())
	return migrations.Apply(ctx, conn)
}

// serve runs the app until ctx ends, then shuts it down gracefully.
func serve(ctx context.Context, cfg *config, log *slog.Logger) error {
	if cfg.Dev {
		// In production, run `app migrate` as a release step instead, so that
		// a failed migration stops the release rather than the app.
		if err := migrate(ctx, cfg.DatabaseURL); err != nil {
			return err
		}
	}
	db, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer db.Close()
	// Live updates and the closing of logged-out tabs travel through the
	// database too, so every node that shares DATABASE_URL shares them. It
	// holds one connection of its own, beside the pool's.
	ps, err := pgpubsub.New(ctx, db, pgpubsub.Options{Logger: log})
	if err != nil {
		return fmt.Errorf("pubsub: %w", err)
	}
	defer ps.Close() // after app.Shutdown, before db.Close
	// Its counters (messages sent and received, reconnections, the last
	// outage's length) join the process's expvar figures, which DEBUG_ADDR
	// serves; each reconnection is logged with them too.
	expvar.Publish("pubsub", ps.Var())
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}

	app, err := web.New(webConfig(cfg, db, ps, log))
	if err != nil {
		return err
	}
	// What the live views do (events per second, latencies, the slowest) and
	// their open sockets join the expvar figures too, under "live".
	expvar.Publish("live", expvar.Func(func() any {
		return liveVars{Activity: app.Metrics.Snapshot(), Sockets: app.Runtime.Stats(), Views: app.Runtime.SocketsByView()}
	}))
	// Under `liveapp dev`, the dev server tells the app when to reload pages,
	// swap a stylesheet or re-read templates. Production refuses it.
	if err := devmode.Attach(ctx, app.Runtime, app.ReloadTemplates); err != nil {
		return err
	}

	var fresh freshConns
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ConnState:         fresh.track,
	}
	// The socket `liveapp dev` passes, which outlives restarts, or else
	// HOST:PORT.
	ln, err := devmode.Listen(cfg.Addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	if cfg.TLS != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cfg.TLS}, MinVersion: tls.VersionTLS12}
		go func() { errc <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	url := ""
	if cfg.PublicURL != nil {
		url = cfg.PublicURL.String()
	}
	log.Info("listening", "addr", ln.Addr().String(), "url", url, "tls", cfg.TLS != nil, "dev", cfg.Dev)
	if err := devmode.Ready(); err != nil {
		log.Warn("could not tell liveapp dev the app is ready", "err", err)
	}
	// liveapp:auth begin
	if cfg.Dev {
		log.Info("emails are not sent in dev: read them at " + cfg.PublicURL.String() + "/dev/mailbox")
	}
	// liveapp:auth end

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stop, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	// Stop accepting connections, let those accepted already send their
	// request (Shutdown would drop them unanswered), and finish the requests
	// in flight; then close the websockets: their browsers reconnect at once,
	// to the next process or another node behind the load balancer.
	_ = ln.Close()
	<-errc // Serve has returned: it tracks every connection it accepted
	fresh.wait(time.Second)
	err = srv.Shutdown(stop)
	if err := app.Shutdown(stop); err != nil {
		log.Warn("closing websockets", "err", err)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// webConfig is the web.Config of cfg: what serve runs and audit describes.
func webConfig(cfg *config, db *pgxpool.Pool, ps pubsub.PubSub, log *slog.Logger) web.Config {
	// liveapp:auth begin
	// In dev, emails are kept in a file under .liveapp (beside the binary
	// liveapp dev builds), so that they survive restarts.
	var mailer mail.Mailer = &mail.DevMailbox{File: filepath.Join(".liveapp", "mailbox.json")}
	switch {
	case cfg.Dev:
	case cfg.SMTP != nil:
		mailer = cfg.SMTP
	default:
		mailer = mail.Log{Logger: log}
	}
	// liveapp:auth end
	return web.Config{
		DB:        db,
		Secret:    cfg.Secret,
		Dev:       cfg.Dev,
		PublicURL: cfg.PublicURL,
		// liveapp:auth begin
		Mailer:     mailer,
		UploadsDir: cfg.UploadsDir,
		// liveapp:auth end
		TrustProxy: cfg.TrustProxy,
		PubSub:     ps,
		DevDir:     devDir(cfg.Dev, log),
		Logger:     log,
	}
}

// liveVars is what the expvar "live" reports, as JSON (durations in
// nanoseconds).
type liveVars struct {
	Activity live.MetricsSnapshot // since the start, and recent
	Sockets  live.Stats           // open now, and closed by a limit
	Views    map[string]int       // open sockets by view
}

// serveDebug serves expvar's /debug/vars and Go's profiles (/debug/pprof/) on
// addr, a listener of its own, and returns a function that stops it. (Importing
// net/http/pprof also registers them on http.DefaultServeMux, which the app
// never serves: keep it that way.)
func serveDebug(addr string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("DEBUG_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /debug/vars", expvar.Handler())
	mux.HandleFunc("GET /debug/pprof/", pprof.Index) // heap, goroutine, allocs, ...
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("serving /debug/vars and /debug/pprof/", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }, nil
}

// freshConns counts the connections accepted but not yet reading a request.
// http.Server.Shutdown closes those at once, unanswered, even when a request
// is on its way: waiting for them first means no request is refused while a
// process hands its socket over (to its next build under liveapp dev, or to a
// new release).
type freshConns struct {
	mu  sync.Mutex
	set map[net.Conn]bool
}

// track is an http.Server ConnState hook.
func (f *freshConns) track(c net.Conn, state http.ConnState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if state == http.StateNew {
		if f.set == nil {
			f.set = make(map[net.Conn]bool)
		}
		f.set[c] = true
	} else {
		delete(f.set, c)
	}
}

// wait returns once no connection is fresh, or after limit.
func (f *freshConns) wait(limit time.Duration) {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		f.mu.Lock()
		n := len(f.set)
		f.mu.Unlock()
		if n == 0 {
			return
		}
	}
}

// devDir returns webDir in dev mode when it exists, so that the app reads its
// templates and static files from disk, and "" otherwise.
func devDir(dev bool, log *slog.Logger) string {
	if !dev {
		return ""
	}
	if _, err := os.Stat(filepath.Join(webDir, "templates")); err != nil {
		log.Info("templates and static files are the compiled-in ones: run the app from its root to read them from " + webDir)
		return ""
	}
	return webDir
}

// newSecret returns 48 random bytes in base64: a SECRET_KEY_BASE.
func newSecret() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b) // never fails: see crypto/rand.Read
	return base64.StdEncoding.EncodeToString(b)
}

// newLogger logs to w from level up: as JSON lines for a log collector in
// production, and in dev as short text lines for a terminal, with the time of
// day and the level only when it is not INFO:
//
//	time=13:49:57 msg="GET /projects" status=200 took=1.2ms
func newLogger(w io.Writer, dev bool, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if !dev {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
		switch {
		case len(groups) > 0:
		case a.Key == slog.TimeKey:
			return slog.String(a.Key, a.Value.Time().Format(time.TimeOnly))
		case a.Key == slog.LevelKey && a.Value.Any() == slog.LevelInfo:
			return slog.Attr{}
		}
		return a
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
