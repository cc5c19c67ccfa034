package devmode_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/devmode"
	"github.com/liveapp/liveapp/live/devmode/devproto"
	"github.com/liveapp/liveapp/live/livetest"
)

// page is a live app with one view, /, that renders through a format string the test
// swaps as a template edit would.
type page struct {
	rt   *live.Runtime
	h    http.Handler
	skin atomic.Pointer[string]
	log  *syncBuffer
}

func newPage(t *testing.T, dev bool) *page {
	t.Helper()
	p := &page{log: &syncBuffer{}}
	rt, err := live.New(live.Config{Secret: []byte(strings.Repeat("devmode secret! ", 3)), Dev: dev,
		Logger: slog.New(slog.NewTextHandler(p.log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	p.rt = rt
	p.setSkin("<p>v1</p>")
	rt.Session("s", live.SessionOptions{}).Live("/", func() live.View { return &skinned{p} })
	mux := http.NewServeMux()
	rt.Register(mux)
	p.h = mux
	return p
}

func (p *page) setSkin(s string) { p.skin.Store(&s) }

type skinned struct{ p *page }

func (v *skinned) Mount(context.Context, *live.Socket) error { return nil }
func (v *skinned) Render(w io.Writer) error {
	_, err := io.WriteString(w, *v.p.skin.Load())
	return err
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// pipe runs devmode.Run on a pipe for the test and returns its write end and a channel
// with Run's result.
func pipe(t *testing.T, p *page, reparse func() error) (*io.PipeWriter, <-chan error) {
	t.Helper()
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- devmode.Run(context.Background(), r, p.rt, reparse) }()
	t.Cleanup(func() { w.Close() })
	return w, done
}

func send(t *testing.T, w io.Writer, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if _, err := io.WriteString(w, l+"\n"); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRun(t *testing.T) {
	p := newPage(t, true)
	lv := livetest.Mount(t, p.h, "/")
	w, done := pipe(t, p, nil)
	msg := "<b>build failed</b>\n./main.go:3: nope"
	send(t, w,
		"css /static/app.css",
		"nonsense that is logged",
		"error "+base64.StdEncoding.EncodeToString([]byte(msg)),
		"clear",
		"reload")
	if f := lv.AwaitDev("css"); f.Path != "/static/app.css" {
		t.Errorf("css path %q", f.Path)
	}
	if f := lv.AwaitDev("error"); f.Msg != msg {
		t.Errorf("error %q, want %q", f.Msg, msg)
	}
	lv.AwaitDev("clear")
	lv.AwaitDev("reload")
	if !strings.Contains(p.log.String(), `unknown command \"nonsense\"`) {
		t.Errorf("the unknown line was not logged:\n%s", p.log)
	}

	t.Run("a line past the limit is skipped, and the next one runs", func(t *testing.T) {
		send(t, w, "css /"+strings.Repeat("a", 1<<20), "css /after.css")
		if f := lv.AwaitDev("css"); f.Path != "/after.css" {
			t.Errorf("css path %q, want /after.css", f.Path)
		}
		if !strings.Contains(p.log.String(), "too long") {
			t.Errorf("the long line was not logged:\n%s", p.log)
		}
	})
	t.Run("the end of the pipe ends Run without an error", func(t *testing.T) {
		send(t, w, "templates") // the last line may lack its newline, but this one has it
		w.Close()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v", err)
		}
	})
}

func TestRunTemplates(t *testing.T) {
	p := newPage(t, true)
	lv := livetest.Mount(t, p.h, "/")
	var failing atomic.Pointer[string]
	next := "<p>v2</p>"
	reparse := func() error {
		if e := failing.Load(); e != nil {
			return errors.New(*e)
		}
		p.setSkin(next)
		return nil
	}
	fail := func(msg string) { failing.Store(&msg) }
	w, _ := pipe(t, p, reparse)

	t.Run("templates re-parses, then views render again and get patches", func(t *testing.T) {
		send(t, w, "templates")
		lv.Await("<p>v2</p>")
	})
	t.Run("a parse error keeps the old templates and shows the error", func(t *testing.T) {
		fail(`template: home.html:3: unexpected "}" in operand`)
		next = "<p>v3</p>"
		send(t, w, "templates")
		if f := lv.AwaitDev("error"); !strings.Contains(f.Msg, "home.html:3") {
			t.Errorf("error %q, want the parse error", f.Msg)
		}
		if !lv.Contains("<p>v2</p>") {
			t.Errorf("HTML %s, want the old templates' render", lv.HTML())
		}
	})
	t.Run("the fix takes the error down", func(t *testing.T) {
		failing.Store(nil)
		send(t, w, "templates")
		lv.AwaitDev("clear")
		lv.Await("<p>v3</p>")
	})
	t.Run("the fix leaves the supervisor's error alone", func(t *testing.T) {
		fail("template: broken")
		send(t, w, "templates")
		lv.AwaitDev("error")
		send(t, w, "error "+base64.StdEncoding.EncodeToString([]byte("go build failed")))
		lv.AwaitDev("error")
		failing.Store(nil)
		next = "<p>v4</p>"
		send(t, w, "templates")
		lv.Await("<p>v4</p>") // a clear would have come before the patches
		frames := lv.DevFrames()
		if last := frames[len(frames)-1]; last.Msg != "go build failed" {
			t.Errorf("last dev frame %+v, want the supervisor's error standing", last)
		}
	})
}

func TestAttach(t *testing.T) {
	t.Run("without the variable it does nothing", func(t *testing.T) {
		t.Setenv(devproto.DevFDEnv, "")
		if err := devmode.Attach(context.Background(), newPage(t, true).rt, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("it refuses a runtime outside dev mode", func(t *testing.T) {
		t.Setenv(devproto.DevFDEnv, "9")
		err := devmode.Attach(context.Background(), newPage(t, false).rt, nil)
		if err == nil || !strings.Contains(err.Error(), "not in dev mode") {
			t.Fatalf("Attach = %v, want a refusal", err)
		}
	})
	for _, v := range []string{"0", "2", "-1", "three"} {
		t.Run(fmt.Sprintf("it refuses descriptor %q", v), func(t *testing.T) {
			t.Setenv(devproto.DevFDEnv, v)
			if err := devmode.Attach(context.Background(), newPage(t, true).rt, nil); err == nil {
				t.Fatal("Attach accepted it")
			}
		})
	}
}
