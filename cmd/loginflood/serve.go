package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liveapp/liveapp/accounts"
)

// The server side: the same binary, started by the tool with serveEnv set.

// serveEnv, when set, makes the binary (or the test binary, see TestMain) run
// as the server.
const serveEnv = "LOGINFLOOD_SERVE"

// floodEmail is the account every login of the flood tries.
const floodEmail = "flood@example.com"

// serverStats is what the server's GET /stats reports.
type serverStats struct {
	Hashes          int64  `json:"hashes"` // password hashes computed since the start
	Held            int64  `json:"held"`   // requests waiting in POST /debug/hold
	GOMAXPROCS      int    `json:"gomaxprocs"`
	HashConcurrency int    `json:"hash_concurrency"`
	HashMemoryKiB   uint32 `json:"hash_memory_kib"` // argon2id memory of one hash
}

// serve runs the server until SIGTERM and returns its exit code. It prints
// "listening on ADDR" once it accepts connections.
func serve(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loginflood server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := fs.String("database-url", "", "database, migrated")
	hashConcurrency := fs.Int("hash-concurrency", 0, "accounts.Config.HashConcurrency")
	hashWait := fs.Duration("hash-wait", 0, "accounts.Config.HashWait")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := listenAndServe(ctx, *dbURL, *hashConcurrency, *hashWait, stdout); err != nil {
		fmt.Fprintln(stderr, "loginflood server:", err)
		return 1
	}
	return 0
}

func listenAndServe(ctx context.Context, dbURL string, hashConcurrency int, hashWait time.Duration, stdout io.Writer) error {
	db, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var hashes atomic.Int64
	store, err := accounts.New(db, accounts.Config{
		HashConcurrency: hashConcurrency,
		HashWait:        hashWait,
		RateLimits:      accounts.RateLimits{Disabled: true}, // the flood measures the hashing bound
		OnHash:          func() { hashes.Add(1) },
	})
	if err != nil {
		return err
	}
	var taken *accounts.ValidationError
	if _, err := store.Register(ctx, floodEmail, rand.Text()); err != nil && !errors.As(err, &taken) {
		return err
	}
	stats := serverStats{
		GOMAXPROCS:      runtime.GOMAXPROCS(0),
		HashConcurrency: hashConcurrency,
		HashMemoryKiB:   accounts.DefaultHashParams.Memory,
	}
	if stats.HashConcurrency == 0 {
		stats.HashConcurrency = stats.GOMAXPROCS // accounts' default
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /users/log-in", func(w http.ResponseWriter, r *http.Request) {
		client, _ := netip.ParseAddrPort(r.RemoteAddr)
		_, err := store.Authenticate(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), client.Addr())
		switch {
		case err == nil:
			io.WriteString(w, "logged in\n")
		case errors.Is(err, accounts.ErrInvalidCredentials):
			http.Error(w, "invalid email or password", http.StatusUnauthorized)
		case errors.Is(err, accounts.ErrBusy):
			w.Header().Set("Retry-After", "1")
			http.Error(w, "too many logins at once, try again", http.StatusServiceUnavailable)
		case errors.Is(err, accounts.ErrTooManyAttempts):
			http.Error(w, "too many attempts, try again later", http.StatusTooManyRequests)
		default:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	// POST /debug/hold stands for a login without its hash: it reads the form
	// and waits for POST /debug/release, so that the tool can measure the
	// server with every login of the flood in flight but none hashing.
	var held atomic.Int64
	release := make(chan struct{})
	var releaseOnce sync.Once
	mux.HandleFunc("POST /debug/hold", func(w http.ResponseWriter, r *http.Request) {
		_ = r.PostFormValue("email")
		held.Add(1)
		defer held.Add(-1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("POST /debug/release", func(w http.ResponseWriter, r *http.Request) {
		releaseOnce.Do(func() { close(release) })
	})
	// Before the baseline, the tool collects the garbage of the warm-up, so that
	// the baseline does not depend on when the collector would have run.
	mux.HandleFunc("POST /debug/gc", func(w http.ResponseWriter, r *http.Request) { runtime.GC() })
	mux.HandleFunc("POST /debug/memory-limit", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseInt(r.FormValue("bytes"), 10, 64)
		if err != nil || n <= 0 {
			http.Error(w, "bytes: want a positive number", http.StatusBadRequest)
			return
		}
		debug.SetMemoryLimit(n)
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		s := stats
		s.Hashes, s.Held = hashes.Load(), held.Load()
		json.NewEncoder(w).Encode(s)
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "listening on %s\n", ln.Addr())
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
