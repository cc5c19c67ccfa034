// Command example serves the live runtime's example app on 127.0.0.1.
//
//	go run ./live/example/cmd/example -addr 127.0.0.1:4000
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/liveapp/liveapp/live/example"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:4000", "address to listen on")
	dev := flag.Bool("dev", true, "dev mode: detailed errors, websocket without Origin allowed")
	flag.Parse()
	if err := run(*addr, *dev); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

func run(addr string, dev bool) error {
	secret := make([]byte, 48)
	_, _ = rand.Read(secret)
	app, err := example.New(example.Config{Secret: secret, Dev: dev})
	if err != nil {
		return err
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
