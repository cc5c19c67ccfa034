package livetest_test

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

var secret = []byte("livetest-secret-livetest-secret-0123456789")

// board is a view with an element for every way livetest binds an event. Each event
// records its name and params in #last, so a test sees exactly what the client sent.
type board struct {
	s     *live.Socket
	Count int
	Tab   string
	Items []string
	Last  string
}

var boardTpl = template.Must(template.New("board").Parse(`<p id="count">{{.Count}}</p>
<p id="tab">tab {{.Tab}}</p>
<button id="add" live-click="add" live-value-by="2">+2</button>
<button id="plain">no binding</button>
<button id="off" live-click="add" disabled>disabled</button>
<div id="card" live-click="open" live-value-card="7"><span id="card-title">Title</span></div>
<input id="agree" type="checkbox" name="agree" value="yes" live-click="toggle">
<button id="reverse" live-click="reverse">reverse</button>
<button id="leave" live-click="leave">leave</button>
<ul id="items">{{range .Items}}<li id="item-{{.}}"><span class="label">{{.}}</span><button class="del" live-click="del" live-value-id="{{.}}">x</button></li>{{end}}</ul>
<form id="f" live-submit="save" live-change="validate" live-value-form="f">
<input name="title" value="draft">
<input type="hidden" name="csrf" value="tok">
<input type="checkbox" name="tags" value="a" checked><input type="checkbox" name="tags" value="b">
<input type="radio" name="size" value="s"><input type="radio" name="size" value="m" checked>
<select name="color"><option>red</option><option value="g" selected>green</option></select>
<select name="many" multiple><option value="1" selected>one</option><option value="2">two</option></select>
<textarea name="body">hello</textarea>
<input name="off" value="x" disabled>
<fieldset disabled><legend><input name="inlegend" value="L"></legend><input name="infs" value="F"></fieldset>
<input type="file" name="upload">
<button name="action" value="publish">Publish</button>
<button id="save-draft" name="action" value="draft">Save draft</button>
<button id="cancel" type="button">Cancel</button>
</form>
<form id="nolive"><input name="q"><button id="go">Go</button></form>
<input id="search" name="q" live-change="search" live-value-scope="all">
<a id="nav" href="/other" live-navigate>other</a>
<a id="patch" href="?tab=2" live-patch><span id="patch-label">tab 2</span></a>
<a id="plain-link" href="/other">plain</a>
<pre id="last">{{.Last}}</pre>`))

func (b *board) Mount(_ context.Context, s *live.Socket) error {
	b.s = s
	b.Items = []string{"a", "b", "c"}
	s.SetID("board")
	record := func(name string, also func(p live.Params) error) {
		s.On(name, func(_ context.Context, p live.Params) error {
			b.Last = name + " " + formatParams(p)
			if also != nil {
				return also(p)
			}
			return nil
		})
	}
	record("add", func(p live.Params) error {
		by, err := p.Int("by")
		b.Count += int(by)
		return err
	})
	for _, name := range []string{"open", "toggle", "del", "save", "validate", "search"} {
		record(name, nil)
	}
	record("reverse", func(live.Params) error { slices.Reverse(b.Items); return nil })
	record("leave", func(live.Params) error { return s.Redirect("/elsewhere") })
	return nil
}

func (b *board) HandleParams(_ context.Context, s *live.Socket) error {
	b.Tab = s.Param("tab")
	return nil
}

func (b *board) Render(w io.Writer) error { return boardTpl.Execute(w, b) }

// formatParams writes params as "k=v1,v2 k2=v" in key order.
func formatParams(p live.Params) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%s", k, strings.Join(p[k], ","))
	}
	return b.String()
}

type text string

func (text) Mount(context.Context, *live.Socket) error { return nil }
func (t text) Render(w io.Writer) error {
	_, err := io.WriteString(w, "<p>"+template.HTMLEscapeString(string(t))+"</p>")
	return err
}

type app struct {
	rt *live.Runtime
	h  http.Handler
}

func newApp(t *testing.T, cfg live.Config, layout live.Layout) *app {
	t.Helper()
	cfg.Secret = secret
	cfg.Logger = slog.New(slog.DiscardHandler)
	rt, err := live.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := rt.Session("s", live.SessionOptions{Layout: layout})
	s.Live("/board", func() live.View { return &board{} })
	s.Live("/other", func() live.View { return text("other view") })
	s.Live("/guarded", func() live.View { return text("secret") }, func(context.Context, *live.Socket) error {
		return live.Halt("/login")
	})
	mux := http.NewServeMux()
	rt.Register(mux)
	return &app{rt: rt, h: mux}
}

// last returns what the last event recorded.
func last(t *testing.T, lv *livetest.View) string {
	t.Helper()
	html := strings.TrimPrefix(lv.ElementHTML("#last"), `<pre id="last">`)
	return strings.TrimSuffix(html, "</pre>")
}

func wantLast(t *testing.T, lv *livetest.View, want string) {
	t.Helper()
	if got := last(t, lv); got != want {
		t.Errorf("event sent\n got %s\nwant %s", got, want)
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSocketPathComesFromThePage(t *testing.T) {
	t.Run("a custom Config.SocketPath", func(t *testing.T) {
		a := newApp(t, live.Config{SocketPath: "/rt/ws", HeartbeatTimeout: 20 * time.Second}, nil)
		c := livetest.NewClient(t, a.h)
		if status, _, _ := c.Get("/live/socket"); status != http.StatusNotFound {
			t.Fatalf("the default socket path answers %d; the test would not tell the paths apart", status)
		}
		lv := c.Mount("/board")
		if !lv.Has("#count") {
			t.Fatalf("not connected: %s", lv.HTML())
		}
		noErr(t, lv.ClickElement("#add"))
		if !lv.Contains(`<p id="count">2</p>`) {
			t.Fatalf("click over the custom socket: %s", lv.HTML())
		}
		if got := lv.HeartbeatInterval(); got != 10*time.Second {
			t.Errorf("heartbeat interval %v, want half the heartbeat timeout", got)
		}
		noErr(t, lv.Heartbeat())
	})
	t.Run("the default", func(t *testing.T) {
		lv := livetest.Mount(t, newApp(t, live.Config{}, nil).h, "/board")
		noErr(t, lv.ClickElement("#add"))
		if got := lv.HeartbeatInterval(); got != 30*time.Second {
			t.Errorf("heartbeat interval %v, want 30s", got)
		}
	})
}

// trickyLayout surrounds the view with markup that fools a regular expression: a
// commented-out root, look-alike ids and tokens, a '>' inside an attribute value of the
// root, the root's attributes in another order and unquoted, the CSRF meta tag's
// attributes swapped, and closing divs after the root.
func trickyLayout(w io.Writer, p *live.Page) error {
	head := strings.Replace(string(p.Head), `<meta name="live-csrf" content="`, `<meta content="`, 1)
	head = strings.Replace(head, `"><script`, `" name=live-csrf><script`, 1)
	body := string(p.Body)
	end := strings.IndexByte(body, '>')
	attrs, ok := strings.CutPrefix(body[:end], `<div id="live-root"`)
	if !ok {
		return fmt.Errorf("unexpected root %s", body[:end])
	}
	body = `<div class="app" data-extra="a>b"` + attrs + ` id=live-root>` + body[end+1:]
	_, err := fmt.Fprintf(w, `<!doctype html><html><head>
<meta name="live-csrf-decoy" content="decoy"><meta content="decoy" data-name="live-csrf">
%s</head><body>
<!-- <div id="live-root" data-live-token="in-a-comment">commented out</div> -->
<div id="not-live-root" data-live-token="decoy">decoy one</div>
<div title='id="live-root"' data-live-token="decoy">decoy two</div>
<div id="live-root">no token: decoy three</div>
<main>%s</main>
<footer><div>footer</div></footer>
<script>var s = '<div id="live-root" data-live-token="in-a-script">';</script>
</body></html>`, head, body)
	return err
}

func TestTheRootIsFoundInTrickyPages(t *testing.T) {
	lv := livetest.Mount(t, newApp(t, live.Config{SocketPath: "/elsewhere/ws"}, trickyLayout).h, "/board")
	dead := lv.DeadHTML()
	if !strings.HasPrefix(dead, `<p id="count">0</p>`) || !strings.HasSuffix(dead, `</pre>`) {
		t.Errorf("dead render is not the root's content:\n%s", dead)
	}
	for _, decoy := range []string{"commented out", "decoy", "footer", "in-a-script"} {
		if strings.Contains(dead, decoy) {
			t.Errorf("dead render holds %q:\n%s", decoy, dead)
		}
	}
	// Connecting proves the token, the CSRF token and the socket path were read right.
	noErr(t, lv.ClickElement("#add"))
	if !lv.Contains(`<p id="count">2</p>`) {
		t.Fatalf("click: %s", lv.HTML())
	}
}

func TestClickElement(t *testing.T) {
	lv := livetest.Mount(t, newApp(t, live.Config{}, nil).h, "/board")
	t.Run("sends the element's live-click with its live-value attributes", func(t *testing.T) {
		noErr(t, lv.ClickElement(`button#add[live-click="add"]`))
		wantLast(t, lv, "add by=2")
	})
	t.Run("a click inside an element goes to the closest live-click", func(t *testing.T) {
		noErr(t, lv.ClickElement("#card > span"))
		wantLast(t, lv, "open card=7")
	})
	t.Run("a checkbox is checked before its value is sent", func(t *testing.T) {
		noErr(t, lv.ClickElement("input[type=checkbox][name=agree]"))
		wantLast(t, lv, "toggle agree=yes")
	})
	t.Run("one of many list items, named by its container", func(t *testing.T) {
		noErr(t, lv.ClickElement("#item-b button.del"))
		wantLast(t, lv, "del id=b")
	})
	t.Run("patches are applied to the tree", func(t *testing.T) {
		noErr(t, lv.ClickElement("#reverse"))
		html := lv.HTML()
		if a, c := strings.Index(html, `id="item-a"`), strings.Index(html, `id="item-c"`); a < 0 || c < 0 || c > a {
			t.Fatalf("the list was not reversed:\n%s", html)
		}
		if got := lv.ElementHTML("#items > li#item-c > .label"); got != `<span class="label">c</span>` {
			t.Errorf("item c: %s", got)
		}
	})
	t.Run("a submit button submits its live-submit form", func(t *testing.T) {
		noErr(t, lv.ClickElement("#save-draft"))
		wantLast(t, lv, "save action=draft body=hello color=g csrf=tok form=f inlegend=L many=1 size=m tags=a title=draft")
	})
	t.Run("a live-patch link is followed over the socket", func(t *testing.T) {
		noErr(t, lv.ClickElement("#patch-label"))
		if lv.URL() != "/board?tab=2" || !lv.Contains("tab 2</p>") {
			t.Fatalf("url %q, html %s", lv.URL(), lv.HTML())
		}
	})
	t.Run("a live-navigate link is followed over the socket", func(t *testing.T) {
		noErr(t, lv.ClickElement("a#nav"))
		if lv.URL() != "/other" || !lv.Contains("other view") {
			t.Fatalf("url %q, html %s", lv.URL(), lv.HTML())
		}
	})
}

func TestSubmitForm(t *testing.T) {
	lv := livetest.Mount(t, newApp(t, live.Config{}, nil).h, "/board")
	for _, tc := range []struct {
		name, selector string
		values         url.Values
		want           string
	}{
		{"the rendered fields, without a submitter", "#f", nil,
			"save body=hello color=g csrf=tok form=f inlegend=L many=1 size=m tags=a title=draft"},
		{"the values a user entered", "form[live-submit=save]", url.Values{
			"title": {"Final"}, "tags": {"b", "a"}, "size": {"s"}, "color": {"red"}, "many": {"1", "2"}, "body": {"bye"}},
			"save body=bye color=red csrf=tok form=f inlegend=L many=1,2 size=s tags=a,b title=Final"},
		{"unchecking every box", "#f", url.Values{"tags": {}},
			"save body=hello color=g csrf=tok form=f inlegend=L many=1 size=m title=draft"},
		{"with the button that submits it", `#f button[value="publish"]`, url.Values{"title": {"T"}},
			"save action=publish body=hello color=g csrf=tok form=f inlegend=L many=1 size=m tags=a title=T"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			noErr(t, lv.SubmitForm(tc.selector, tc.values))
			wantLast(t, lv, tc.want)
		})
	}
}

func TestChangeForm(t *testing.T) {
	lv := livetest.Mount(t, newApp(t, live.Config{}, nil).h, "/board")
	const rest = "body=hello color=g csrf=tok form=f inlegend=L many=1 size=m tags=a"
	for _, tc := range []struct {
		name, selector string
		values         url.Values
		want           string
	}{
		{"the one field set is the target", "#f", url.Values{"title": {"T"}}, "validate _target=title " + rest + " title=T"},
		{"a field names the target", "#f input[name=title]", url.Values{"title": {"T"}, "body": {"hello"}}, "validate _target=title " + rest + " title=T"},
		{"values names the target", "#f", url.Values{"_target": {"body"}, "title": {"T"}, "body": {"hello"}}, "validate _target=body " + rest + " title=T"},
		{"no target when several change", "#f", url.Values{"title": {"T"}, "body": {"B"}},
			"validate " + strings.Replace(rest, "hello", "B", 1) + " title=T"},
		{"a field with its own live-change", "#search", url.Values{"q": {"go"}}, "search _target=q q=go scope=all"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			noErr(t, lv.ChangeForm(tc.selector, tc.values))
			wantLast(t, lv, tc.want)
		})
	}
}

// fakeTB records a test failure instead of failing the real test, while capturing.
type fakeTB struct {
	testing.TB
	capturing atomic.Bool
	msg       string
}

func (f *fakeTB) Fatalf(format string, args ...any) { f.fail(fmt.Sprintf(format, args...)) }
func (f *fakeTB) Fatal(args ...any)                 { f.fail(fmt.Sprint(args...)) }
func (f *fakeTB) FailNow()                          { f.fail("FailNow") }

func (f *fakeTB) fail(msg string) {
	if !f.capturing.Load() {
		f.TB.Fatal(msg)
	}
	f.msg = msg
	runtime.Goexit()
}

// failure runs fn on a goroutine of its own, as the test does not survive a Fatal, and
// returns the message fn failed with; the real test fails if fn did not fail.
func (f *fakeTB) failure(t *testing.T, fn func()) string {
	t.Helper()
	f.msg = ""
	f.capturing.Store(true)
	defer f.capturing.Store(false)
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
	if f.msg == "" {
		t.Fatal("want a test failure; there was none")
	}
	return f.msg
}

func TestElementEventsFailTheTest(t *testing.T) {
	a := newApp(t, live.Config{}, nil)
	ft := &fakeTB{TB: t}
	lv := livetest.Mount(ft, a.h, "/board")
	for _, tc := range []struct {
		name string
		do   func() error
		want string
	}{
		{"no element matches", func() error { return lv.ClickElement("#missing") }, "no element matches #missing"},
		{"the element has no live-click", func() error { return lv.ClickElement("#plain") }, "clicking #plain does nothing live"},
		{"a plain link is not live", func() error { return lv.ClickElement("#plain-link") }, "does nothing live"},
		{"a button that does not submit", func() error { return lv.ClickElement("#cancel") }, "does nothing live"},
		{"a disabled button", func() error { return lv.ClickElement("#off") }, "is disabled"},
		{"several elements match", func() error { return lv.ClickElement("button.del") }, "3 elements match button.del"},
		{"an unsupported selector", func() error { return lv.ClickElement("li:first-child") }, "pseudo-classes"},
		{"a form without live-submit", func() error { return lv.SubmitForm("#nolive", nil) }, "no live-submit"},
		{"submitting a button outside a form", func() error { return lv.SubmitForm("#add", nil) }, "not in a form"},
		{"submitting something else", func() error { return lv.SubmitForm("#items", nil) }, "is a <ul>, not a form"},
		{"a form without live-change", func() error { return lv.ChangeForm("#nolive input", url.Values{"q": {"x"}}) }, "has a live-change"},
		{"a field the form lacks", func() error { return lv.SubmitForm("#f", url.Values{"nope": {"x"}}) }, `no field named "nope"`},
		{"a hidden field", func() error { return lv.SubmitForm("#f", url.Values{"csrf": {"x"}}) }, `cannot change field "csrf": it is a hidden field`},
		{"a disabled field", func() error { return lv.SubmitForm("#f", url.Values{"off": {"y"}}) }, `cannot change field "off": it is disabled`},
		{"a field in a disabled fieldset", func() error { return lv.SubmitForm("#f", url.Values{"infs": {"y"}}) }, "disabled"},
		{"an option the select lacks", func() error { return lv.SubmitForm("#f", url.Values{"color": {"blue"}}) }, `no enabled option "blue"`},
		{"a checkbox value the form lacks", func() error { return lv.SubmitForm("#f", url.Values{"tags": {"z"}}) }, `no checkbox named "tags" has the value "z"`},
		{"two values for one text field", func() error { return lv.SubmitForm("#f", url.Values{"title": {"a", "b"}}) }, `values has 2 values for "title"`},
		{"a _target the form lacks", func() error { return lv.ChangeForm("#f", url.Values{"_target": {"nope"}}) }, `_target "nope"`},
		{"changing a hidden field", func() error { return lv.ChangeForm(`#f input[type="hidden"]`, nil) }, "cannot edit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := ft.failure(t, func() { _ = tc.do() })
			if !strings.Contains(msg, tc.want) {
				t.Errorf("failure message %q, want it to contain %q", msg, tc.want)
			}
		})
	}
	// The failures sent nothing: the view still answers, with no event recorded.
	noErr(t, lv.Heartbeat())
	if got := last(t, lv); got != "" {
		t.Errorf("an event was sent: %s", got)
	}
}

func TestRedirects(t *testing.T) {
	a := newApp(t, live.Config{}, nil)
	t.Run("of the dead render", func(t *testing.T) {
		lv := livetest.Mount(t, a.h, "/guarded")
		if lv.Redirect() != "/login" {
			t.Fatalf("redirect %q", lv.Redirect())
		}
	})
	t.Run("by an event", func(t *testing.T) {
		lv := livetest.Mount(t, a.h, "/board")
		noErr(t, lv.ClickElement("#leave"))
		if lv.Redirect() != "/elsewhere" {
			t.Fatalf("redirect %q", lv.Redirect())
		}
	})
}

func TestCloses(t *testing.T) {
	a := newApp(t, live.Config{}, nil)
	lv := livetest.Mount(t, a.h, "/board")
	if lv.Closed() != 0 {
		t.Fatalf("closed with %d at once", lv.Closed())
	}
	noErr(t, a.rt.Disconnect(livetest.Context(t), "board"))
	if code := lv.AwaitClose(); code != 4000 {
		t.Fatalf("close code %d, want 4000 (disconnect)", code)
	}
	if err := lv.ClickElement("#add"); err == nil {
		t.Fatal("an event on a closed socket did not fail")
	}
}
