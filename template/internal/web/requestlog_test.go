package web_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live/livetest"
	"github.com/liveapp/liveapp/template/internal/web"
)

// logBuffer is a log the test reads while the app writes it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// withLog sends the app's log, from level up, to a buffer.
func withLog(buf *logBuffer, level slog.Level) func(*web.Config) {
	return func(cfg *web.Config) {
		cfg.Logger = slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: level}))
	}
}

func TestDevLogsEachRequestAndLiveMount(t *testing.T) {
	var log logBuffer
	app := newApp(t, withLog(&log, slog.LevelInfo))
	c := app.browser(t)
	// liveapp:auth begin
	if status, _, _ := c.Get("/users/log-in"); status != http.StatusOK {
		t.Fatalf("GET /users/log-in: %d", status)
	}
	c.Get("/users/log-in/secret-token-from-an-email")
	c.Mount("/users/register")
	// liveapp:auth else
	// if status, _, _ := c.Get("/"); status != http.StatusOK {
	// 	t.Fatalf("GET /: %d", status)
	// }
	// c.Mount("/")
	// liveapp:auth end
	c.Get("/nowhere")

	// The mount's line comes once the page has what it sent.
	// liveapp:auth begin
	waitLog(t, &log, `msg="live mount" view=web.Register route=/users/register took=`)
	// liveapp:auth else
	// waitLog(t, &log, `msg="live mount" view=web.Home route=/ took=`)
	// liveapp:auth end
	out := log.String()
	for _, want := range []string{
		// liveapp:auth begin
		`level=INFO msg="GET /users/log-in" status=200 took=`,
		`msg="GET /users/log-in/…" status=`,
		// liveapp:auth else
		// `level=INFO msg="GET /" status=200 took=`,
		// liveapp:auth end
		`msg="GET /nowhere" status=404`,
		` msg="GET /live/socket" status=101`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %s:\n%s", want, out)
		}
	}
	// liveapp:auth begin
	if strings.Contains(out, "secret-token-from-an-email") {
		t.Errorf("the log shows a login link's token:\n%s", out)
	}
	// liveapp:auth end
}

// waitLog waits until log holds want.
func waitLog(t *testing.T, log *logBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(livetest.Timeout)
	for !strings.Contains(log.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the log lacks %s after %v:\n%s", want, livetest.Timeout, log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestProductionLogsRequestsOnlyAtDebug(t *testing.T) {
	var log logBuffer
	app := newApp(t, withLog(&log, slog.LevelInfo), func(cfg *web.Config) { cfg.Dev = false })
	app.browser(t).Get("/")
	if out := log.String(); strings.Contains(out, "GET /") {
		t.Errorf("production logged a request at Info:\n%s", out)
	}
	var debug logBuffer
	app = newApp(t, withLog(&debug, slog.LevelDebug), func(cfg *web.Config) { cfg.Dev = false })
	app.browser(t).Get("/")
	if out := debug.String(); !strings.Contains(out, `level=DEBUG msg="GET /" status=200`) {
		t.Errorf("production at LOG_LEVEL=debug did not log the request:\n%s", out)
	}
}
