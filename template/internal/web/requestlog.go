package web

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	// liveapp:auth begin
	"strings"
	// liveapp:auth end
	"time"
)

// logRequests logs a line for each request next serves, at level: the method,
// the path, the status and how long it took. The query is left out, and so is
// the path of a page whose path holds a secret (see secretPath). A websocket
// upgrade is logged as it is handed over, with status 101; what the socket then
// does is logged by live.LogActivity. A handler that panics gets no line: the
// panic's own report says more.
//
// In development the lines are at slog.LevelInfo, so they show in the
// terminal; in production at slog.LevelDebug, so they cost nothing unless the
// log asks for them (LOG_LEVEL=debug).
func logRequests(next http.Handler, log *slog.Logger, level slog.Level) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !log.Enabled(r.Context(), level) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		line := func(status int) {
			log.LogAttrs(context.Background(), level, r.Method+" "+secretPath(r.URL.Path),
				slog.Int("status", status), slog.Duration("took", time.Since(start)))
		}
		// A websocket's handler returns when the socket closes: its line is
		// written as the connection is handed over.
		sw := &statusWriter{ResponseWriter: w, hijacked: func() { line(http.StatusSwitchingProtocols) }}
		next.ServeHTTP(sw, r)
		switch {
		case sw.status == http.StatusSwitchingProtocols:
		case sw.status == 0:
			line(http.StatusOK) // nothing written: net/http answers 200
		default:
			line(sw.status)
		}
	})
}

// activityLevel is the level of the lines for requests and live activity:
// Info in development, where the terminal shows them, Debug in production.
func activityLevel(dev bool) slog.Level {
	if dev {
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// secretPath returns path, or, for a page whose path carries a token from an
// email, the path with the token cut: a log must not let its reader log in.
func secretPath(path string) string {
	// liveapp:auth begin
	if path == "/users/log-in/magic-link" { // where the form to ask for a link posts
		return path
	}
	for _, prefix := range []string{"/users/log-in/", "/users/settings/confirm-email/"} {
		if strings.HasPrefix(path, prefix) {
			return prefix + "…"
		}
	}
	// liveapp:auth end
	return path
}

// statusWriter remembers the status of a response. It passes Flush and Hijack
// on, so that streaming and websockets work through it.
type statusWriter struct {
	http.ResponseWriter
	status   int
	hijacked func() // called once the connection is hijacked
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("web: the response cannot be hijacked")
	}
	conn, rw, err := h.Hijack()
	if err == nil {
		w.status = http.StatusSwitchingProtocols
		w.hijacked()
	}
	return conn, rw, err
}

// Unwrap lets http.ResponseController reach the ResponseWriter underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
