// Command fakeapp stands in for a liveapp app in the dev server's tests: it
// serves on the descriptors the dev server passes, as the contract says, and
// writes down the dev commands it gets.
//
// Files in its working directory steer it: "crash" makes it exit before it is
// ready, "migrate.fail" makes migrate fail. FAKEAPP_IGNORE_TERM=1 makes it
// ignore SIGTERM, FAKEAPP_DEAF=1 leaves its dev commands unread.
package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// version changes with each rebuild the tests ask for.
const version = "v1"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "migrate" {
		appendFile("migrate.log", version+"\n")
		if _, err := os.Stat("migrate.fail"); err == nil {
			fmt.Println("migration 002_broken.sql: syntax error at or near \"TABEL\"")
			os.Exit(1)
		}
		fmt.Println("database migrated")
		return
	}
	if _, err := os.Stat("crash"); err == nil {
		fmt.Println("panic: boom at startup")
		os.Exit(3)
	}
	stopOn := []os.Signal{syscall.SIGTERM, os.Interrupt}
	if os.Getenv("FAKEAPP_IGNORE_TERM") == "1" {
		signal.Ignore(syscall.SIGTERM)
		stopOn = stopOn[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), stopOn...)
	defer stop()

	ln, err := net.FileListener(fd("LIVEAPP_LISTEN_FD"))
	if err != nil {
		fmt.Println("listener:", err)
		os.Exit(1)
	}
	go func() {
		if os.Getenv("FAKEAPP_DEAF") == "1" {
			return // never reads its commands
		}
		sc := bufio.NewScanner(fd("LIVEAPP_DEV_FD"))
		for sc.Scan() {
			appendFile("commands.log", sc.Text()+"\n")
		}
	}()
	var fresh sync.Map // connections accepted, no request read yet
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%s %d", version, os.Getpid())
		}),
		ConnState: func(c net.Conn, s http.ConnState) {
			if s == http.StateNew {
				fresh.Store(c, true)
			} else {
				fresh.Delete(c)
			}
		},
	}
	served := make(chan struct{})
	go func() {
		srv.Serve(ln)
		close(served)
	}()
	// Print before saying ready: a test that kills the app once it serves
	// expects this line in the output the dev server kept.
	fmt.Println("fakeapp", version, "serving")
	ready := fd("LIVEAPP_READY_FD")
	ready.WriteString("ready\n")
	ready.Close()

	<-ctx.Done()
	// Stop accepting, and let the connections accepted already deliver
	// their request before Shutdown: it drops a connection whose request
	// it reads after it began. Closing the listener and waiting for Serve
	// to return first makes sure Serve tracks every connection it accepted.
	// The wait ends as soon as every request is read; its bound leaves a
	// loaded machine time to read them, within the dev server's default
	// StopTimeout of 5 s.
	ln.Close()
	<-served
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		empty := true
		fresh.Range(func(any, any) bool { empty = false; return false })
		if empty {
			break
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
}

func fd(env string) *os.File {
	n, err := strconv.Atoi(os.Getenv(env))
	if err != nil {
		fmt.Println(env, "is not set")
		os.Exit(1)
	}
	return os.NewFile(uintptr(n), env)
}

func appendFile(name, s string) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return
	}
	f.WriteString(s)
	f.Close()
}
