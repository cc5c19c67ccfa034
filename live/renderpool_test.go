package live_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/liveapp/liveapp/live"
)

// bomb is a view whose Render panics once its event has run.
type bomb struct{ armed bool }

func (v *bomb) Mount(_ context.Context, s *live.Socket) error {
	v.armed = false
	s.On("arm", func(context.Context, live.Params) error { v.armed = true; return nil })
	return nil
}

func (v *bomb) Render(w io.Writer) error {
	if v.armed {
		panic("render-went-off")
	}
	_, err := fmt.Fprint(w, `<main><p>ready</p></main>`)
	return err
}

// lockedBuffer is a log sink that the worker writes while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRenderPanicOnRendererRemounts: a view's Render runs on a renderer goroutine after an
// event; when it panics, the socket gets an error and a fresh mount, as for a panic in a
// handler, and the log has the panic and the stack of the Render that raised it.
func TestRenderPanicOnRendererRemounts(t *testing.T) {
	var logs lockedBuffer
	rt, err := live.New(live.Config{Secret: testSecret, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("a", live.SessionOptions{}).Live("/counter", func() live.View { return &bomb{} })
	mux := http.NewServeMux()
	rt.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ws, _ := loadPage(t, srv, "/counter").dial(t, dialOpts{})
	defer ws.Close()
	joined(t, ws)
	send(t, ws, `{"t":"e","ref":1,"n":"arm","k":"click"}`)
	if m, _ := next(t, ws); m["t"] != "error" {
		t.Fatalf("got %v, want an error frame", m)
	}
	if m, _ := next(t, ws); m["t"] != "render" || !strings.Contains(m["html"].(string), "ready") {
		t.Fatalf("got %v, want a fresh render", m)
	}
	line := logs.String()
	for _, want := range []string{"view panicked", "render-went-off", "(*bomb).Render"} {
		if !strings.Contains(line, want) {
			t.Errorf("the log lacks %q:\n%s", want, line)
		}
	}
}
