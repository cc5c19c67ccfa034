package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// skinApp serves /skin: a counter rendered through a format string the test swaps under
// the running views, as a template edit does. A skin containing "FAIL" fails to render.
type skinApp struct {
	rt   *live.Runtime
	h    http.Handler
	skin atomic.Pointer[string]
}

func newSkinApp(t *testing.T, dev bool) *skinApp {
	t.Helper()
	rt, err := live.New(live.Config{Secret: testSecret, Dev: dev, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	app := &skinApp{rt: rt}
	app.setSkin(`<p id="n">count %d</p>`)
	rt.Session("s", live.SessionOptions{}).Live("/skin", func() live.View { return &skinned{app: app} })
	mux := http.NewServeMux()
	rt.Register(mux)
	app.h = mux
	return app
}

func (a *skinApp) setSkin(s string) { a.skin.Store(&s) }

type skinned struct {
	app *skinApp
	n   int
}

func (v *skinned) Mount(_ context.Context, s *live.Socket) error {
	s.On("inc", func(context.Context, live.Params) error { v.n++; return nil })
	return nil
}

func (v *skinned) Render(w io.Writer) error {
	skin := *v.app.skin.Load()
	if strings.Contains(skin, "FAIL") {
		return errors.New("skin: cannot render <FAIL>")
	}
	_, err := fmt.Fprintf(w, skin, v.n)
	return err
}

// roundTrip sends an event and waits for its reply, so that every frame the server sent
// before it has arrived.
func roundTrip(t *testing.T, lv *livetest.View) {
	t.Helper()
	if err := lv.Click("inc"); err != nil {
		t.Fatal(err)
	}
}

func TestDevRerender(t *testing.T) {
	t.Run("every connected view renders again and gets the patches, keeping its state", func(t *testing.T) {
		app := newSkinApp(t, true)
		a, b := livetest.Mount(t, app.h, "/skin"), livetest.Mount(t, app.h, "/skin")
		roundTrip(t, a)
		roundTrip(t, a)
		app.setSkin(`<p id="n">total: <b>%d</b></p>`)
		app.rt.DevRerender()
		a.Await(`<p id="n">total: <b>2</b></p>`)
		b.Await(`<p id="n">total: <b>0</b></p>`)
		if got := a.DevFrames(); len(got) != 0 {
			t.Errorf("dev frames %+v, want none", got)
		}
	})
	t.Run("a view that fails shows the error on its page, keeps its HTML, and clears it once it renders", func(t *testing.T) {
		app := newSkinApp(t, true)
		lv := livetest.Mount(t, app.h, "/skin")
		app.setSkin(`FAIL`)
		app.rt.DevRerender()
		f := lv.AwaitDev("error")
		if !strings.Contains(f.Msg, "cannot render <FAIL>") {
			t.Errorf("error %q, want the render's error", f.Msg)
		}
		contains(t, lv.HTML(), `<p id="n">count 0</p>`)
		app.setSkin(`<p id="n">fixed %d</p>`)
		app.rt.DevRerender()
		lv.AwaitDev("clear")
		lv.Await(`<p id="n">fixed 0</p>`)
	})
	t.Run("a fixed view puts back the error every page shows", func(t *testing.T) {
		app := newSkinApp(t, true)
		lv := livetest.Mount(t, app.h, "/skin")
		app.setSkin(`FAIL`)
		app.rt.DevRerender()
		lv.AwaitDev("error")
		app.rt.DevError("build failed")
		lv.AwaitDev("error")
		app.setSkin(`<p id="n">fixed %d</p>`)
		app.rt.DevRerender()
		if f := lv.AwaitDev("error"); f.Msg != "build failed" {
			t.Errorf("error %q, want the standing one", f.Msg)
		}
	})
}

func TestDevError(t *testing.T) {
	app := newSkinApp(t, true)
	before := livetest.Mount(t, app.h, "/skin")
	msg := "main.go:3:1: syntax error <script>alert(1)</script>\nsecond line"
	app.rt.DevError(msg)
	t.Run("connected pages get the text as it is", func(t *testing.T) {
		if f := before.AwaitDev("error"); f.Msg != msg {
			t.Errorf("msg %q, want %q", f.Msg, msg)
		}
	})
	t.Run("a page that connects while it stands gets it after its render", func(t *testing.T) {
		lv := livetest.Mount(t, app.h, "/skin")
		if f := lv.AwaitDev("error"); f.Msg != msg {
			t.Errorf("msg %q, want %q", f.Msg, msg)
		}
	})
	app.rt.DevClearError()
	t.Run("clearing reaches connected pages", func(t *testing.T) {
		before.AwaitDev("clear")
	})
	t.Run("a page that connects after the clear gets nothing", func(t *testing.T) {
		lv := livetest.Mount(t, app.h, "/skin")
		roundTrip(t, lv)
		if got := lv.DevFrames(); len(got) != 0 {
			t.Errorf("dev frames %+v, want none", got)
		}
	})
}

func TestDevCSSAndReload(t *testing.T) {
	app := newSkinApp(t, true)
	lv := livetest.Mount(t, app.h, "/skin")
	app.rt.DevCSS("//evil.example/x.css")
	app.rt.DevCSS("/static/app.css")
	if f := lv.AwaitDev("css"); f.Path != "/static/app.css" {
		t.Errorf("css path %q, want /static/app.css (and no frame for a path that is not local)", f.Path)
	}
	app.rt.DevReload()
	lv.AwaitDev("reload")
	if got := lv.DevFrames(); len(got) != 2 {
		t.Errorf("dev frames %+v, want css then reload", got)
	}
}

func TestDevControlIsOffOutsideDevMode(t *testing.T) {
	app := newSkinApp(t, false)
	lv := livetest.Mount(t, app.h, "/skin")
	app.setSkin(`<p id="n">changed %d</p>`)
	app.rt.DevReload()
	app.rt.DevCSS("/static/app.css")
	app.rt.DevError("boom")
	app.rt.DevRerender()
	app.rt.DevClearError()
	if got := livetest.Mount(t, app.h, "/skin"); len(got.DevFrames()) != 0 {
		t.Errorf("a new page got dev frames %+v", got.DevFrames())
	}
	roundTrip(t, lv)
	if got := lv.DevFrames(); len(got) != 0 {
		t.Errorf("dev frames %+v, want none", got)
	}
	if app.rt.Dev() {
		t.Error("Dev() is true")
	}
}
