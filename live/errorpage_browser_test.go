package live_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/testbrowser"
	"github.com/liveapp/liveapp/live"
)

// A record deleted between the dead render and the websocket's mount: the connected
// Mount returns ErrNotFound, the client loads the page again, and the app's 404 page
// (Config.ErrorPage) shows, not a dead page or a plain-text error.
func TestBrowserAConnectedMountThatFindsNothingShowsTheAppsNotFoundPage(t *testing.T) {
	var mounts atomic.Int64
	rt, err := live.New(live.Config{Secret: testSecret, Logger: discardLogger(),
		ErrorPage: func(w http.ResponseWriter, r *http.Request, status int, err error) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			fmt.Fprintf(w, `<!doctype html><title>error</title><h1 id="app-error">app error %d</h1>`, status)
		}})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("s", live.SessionOptions{}).Live("/records/1", func() live.View {
		if mounts.Add(1) == 1 {
			return new(searchView) // the dead render finds the record
		}
		return &failingView{err: live.ErrNotFound} // then it is gone
	})
	mux := http.NewServeMux()
	rt.Register(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(srv.Close)

	tab := testbrowser.New(t)
	testbrowser.Do(t, tab, chromedp.Navigate(srv.URL+"/records/1"))
	testbrowser.WaitFor(t, tab, `document.getElementById('app-error')?.textContent === 'app error 404'`)
}
