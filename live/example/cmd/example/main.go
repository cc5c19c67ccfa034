// Command example serves the live runtime's example app on 127.0.0.1.
//
//	go run ./live/example/cmd/example -addr 127.0.0.1:4000
//
// With -debug-addr (off by default) it also serves, on that loopback address only,
// GET /debug/memstats (runtime.MemStats after a runtime.GC, as JSON) and net/http/pprof
// under /debug/pprof/, for the load tool in cmd/liveload.
//
// With -feed-control as well (off by default) the debug address also serves
// POST /debug/feed?n=N, which applies N updates to the /feed page, each published on its
// own in a tight loop, and answers {"version":V} with the version after the last. It is a
// load-only endpoint: cmd/liveload's fanout and burst scenarios drive the feed with it.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/liveapp/liveapp/live/example"
)

// maxFeedUpdates bounds one POST /debug/feed.
const maxFeedUpdates = 100_000

func main() {
	addr := flag.String("addr", "127.0.0.1:4000", "address to listen on")
	dev := flag.Bool("dev", true, "dev mode: detailed errors, websocket without Origin allowed")
	debugAddr := flag.String("debug-addr", "", "loopback address for /debug/memstats and /debug/pprof/ (off when empty)")
	feedControl := flag.Bool("feed-control", false, "with -debug-addr, also serve POST /debug/feed there to update the /feed page (for load tests)")
	flag.Parse()
	if err := run(*addr, *dev, *debugAddr, *feedControl); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

func run(addr string, dev bool, debugAddr string, feedControl bool) error {
	if feedControl && debugAddr == "" {
		return errors.New("-feed-control needs -debug-addr")
	}
	secret := make([]byte, 48)
	_, _ = rand.Read(secret)
	app, err := example.New(example.Config{Secret: secret, Dev: dev})
	if err != nil {
		return err
	}
	if debugAddr != "" {
		var feed *example.App
		if feedControl {
			feed = app
		}
		if err := serveDebug(debugAddr, feed); err != nil {
			return err
		}
	}
	srv := &http.Server{Addr: addr, Handler: app, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	slog.Info("example app listening", "url", "http://"+addr+"/")
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = app.Runtime.Shutdown(shutdown)
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveDebug serves memory statistics and profiles on addr, which must be a loopback
// address: they reveal the process's internals and are for local measurement only. When
// feed is not nil it also serves POST /debug/feed, which updates feed's /feed page.
func serveDebug(addr string, feed *example.App) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-debug-addr %q: must be a loopback IP and port, such as 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("debug listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/memstats", func(w http.ResponseWriter, _ *http.Request) {
		runtime.GC() // count live memory, not garbage waiting for the next cycle
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]uint64{
			"HeapInuse": m.HeapInuse, "HeapAlloc": m.HeapAlloc, "StackInuse": m.StackInuse,
			"Sys": m.Sys, "NumGoroutine": uint64(runtime.NumGoroutine()),
		})
	})
	if feed != nil {
		mux.HandleFunc("POST /debug/feed", func(w http.ResponseWriter, r *http.Request) {
			n := 1
			if q := r.URL.Query().Get("n"); q != "" {
				var err error
				if n, err = strconv.Atoi(q); err != nil || n < 1 || n > maxFeedUpdates {
					http.Error(w, fmt.Sprintf("n must be a count from 1 to %d", maxFeedUpdates), http.StatusBadRequest)
					return
				}
			}
			v, err := feed.UpdateFeed(r.Context(), n)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]int64{"version": v})
		})
	}
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return nil
}
