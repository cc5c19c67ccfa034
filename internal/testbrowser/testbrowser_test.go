package testbrowser_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/testbrowser"
)

// blankServer serves an empty page on 127.0.0.1.
func blankServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<!doctype html><title>blank</title>"))
		})}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestTabsAndUsers(t *testing.T) {
	browser := testbrowser.New(t)
	url := blankServer(t)
	if err := chromedp.Do(browser, chromedp.Navigate(url),
		chromedp.Evaluate[chromedp.Void](`document.cookie = "who=first; path=/"`)); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		open func(testing.TB, context.Context) context.Context
		want string
	}{
		{"a second tab shares the browser's cookies", testbrowser.NewTab, "who=first"},
		{"an incognito tab has cookies of its own", testbrowser.NewIncognito, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := tt.open(t, browser)
			if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.cookie`))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("document.cookie = %q, want %q", got, tt.want)
			}
		})
	}
}

// fakeClient is a page with a stand-in for the live client: its socket's close handler
// opens another socket after ?delay= ms.
const fakeClient = `<!doctype html><title>fake client</title><script>
const delay = Number(new URLSearchParams(location.search).get('delay'));
const sock = {};
sock.onclose = () => setTimeout(() => { window.liveapp.socket = new WebSocket('ws://' + location.host + '/socket'); }, delay);
window.liveapp = {socket: sock};
</script>`

func TestRecordCloseTellsAReconnectAtOnceFromOneAfterADelay(t *testing.T) {
	browser := testbrowser.New(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(fakeClient))
	}))
	t.Cleanup(srv.Close)
	for _, tt := range []struct {
		name  string
		delay int
		want  bool
	}{
		{"a reconnect at once", 0, true},
		// An hour: no stall of the machine can let it run before RecordClose looks.
		{"a reconnect after a backoff", 3600 * 1000, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tab := testbrowser.NewTab(t, browser)
			testbrowser.Do(t, tab, chromedp.Navigate(srv.URL+"/?delay="+strconv.Itoa(tt.delay)))
			closed := testbrowser.RecordClose(t, tab)
			testbrowser.Eval[chromedp.Void](t, tab, `liveapp.socket.onclose({code: 4000})`)
			testbrowser.WaitFor(t, tab, `sessionStorage.length > 0`)
			if got, want := closed(), (testbrowser.Close{Code: 4000, ReconnectedAtOnce: tt.want}); got != want {
				t.Errorf("recorded %+v, want %+v", got, want)
			}
		})
	}
}

func TestMissingBrowserSkips(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CHROMIUM", "/nonexistent/chromium")
	skipped := false
	t.Run("inner", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		testbrowser.New(t)
	})
	if !skipped {
		t.Error("New did not skip the test when Chromium is missing outside CI")
	}
}
