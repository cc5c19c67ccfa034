// Package example is a small app built on the live runtime: a counter, a form with live
// validation, a keyed list kept in sync between tabs through PubSub, a clock and a panel
// that update themselves (SendAfter, StartAsync), a chart drawn by a client hook and a
// dialog run by JS commands, a photo upload, a thousand-row list through a Stream, two
// counters that are live components, and a members area in a second live session guarded
// by a hook. The runtime's browser tests and load tool run
// against it, and it is the shortest tour of the API.
package example

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/storage"
)

//go:embed templates/*.html
var templateFS embed.FS

// hooksJS is the page script with the example's client hooks, served at /hooks.js.
//
//go:embed static/hooks.js
var hooksJS []byte

// Config configures the example app.
type Config struct {
	Secret []byte // at least 32 bytes
	Dev    bool
	// Origins allowed to open websockets; empty means the request's own origin.
	Origins []string
	// HeartbeatTimeout is live.Config.HeartbeatTimeout; zero keeps the default.
	HeartbeatTimeout time.Duration
	// SummaryDelay is how long the clock page's summary takes to load. Default 300 ms.
	SummaryDelay time.Duration
	// UploadDir holds the photos page's uploads: those arriving in "spool", the stored
	// ones in "photos". Default: liveapp-example in os.TempDir().
	UploadDir string
}

// App is the example application: its runtime, its data and its HTTP handler.
type App struct {
	Runtime *live.Runtime
	tpl     *template.Template
	items   *itemStore
	feed    *feedStore // see feed.go
	mu      sync.Mutex
	members map[string]string // demo session id -> user name
	handler http.Handler
}

// New builds the example app.
func New(cfg Config) (*App, error) {
	dir := cfg.UploadDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "liveapp-example")
	}
	spool := filepath.Join(dir, "spool")
	if err := os.MkdirAll(spool, 0o750); err != nil {
		return nil, fmt.Errorf("example: %w", err)
	}
	disk, err := storage.NewDisk(filepath.Join(dir, "photos"))
	if err != nil {
		return nil, fmt.Errorf("example: %w", err)
	}
	rt, err := live.New(live.Config{Secret: cfg.Secret, Dev: cfg.Dev, AllowedOrigins: cfg.Origins,
		HeartbeatTimeout: cfg.HeartbeatTimeout, UploadDir: spool})
	if err != nil {
		return nil, fmt.Errorf("example: %w", err)
	}
	tpl, err := template.ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("example: templates: %w", err)
	}
	a := &App{Runtime: rt, tpl: tpl, items: newItemStore(rt), members: make(map[string]string)}
	a.feed = newFeedStore(rt)
	layout := func(w io.Writer, p *live.Page) error { return tpl.ExecuteTemplate(w, "layout", p) }

	main := rt.Session("main", live.SessionOptions{Layout: layout})
	main.Live("/", func() live.View { return &Counter{tpl: tpl} })
	main.Live("/form", func() live.View { return &Form{tpl: tpl} })
	main.Live("/items", func() live.View { return &Items{tpl: tpl, store: a.items} })
	delay := cfg.SummaryDelay
	if delay <= 0 {
		delay = 300 * time.Millisecond
	}
	main.Live("/clock", func() live.View { return &Clock{tpl: tpl, store: a.items, delay: delay} })
	main.Live("/feed", func() live.View { return &Feed{tpl: tpl, store: a.feed} })
	main.Live("/widgets", func() live.View { return &Widgets{tpl: tpl} })
	photos := &photoStore{disk: disk}
	main.Live("/photos", func() live.View { return &Photos{tpl: tpl, store: photos} })
	main.Live("/activity", func() live.View { return &Activity{tpl: tpl} })
	main.Live("/components", func() live.View { return &Components{tpl: tpl} })

	members := rt.Session("members", live.SessionOptions{
		Layout:     layout,
		Hooks:      []live.Hook{a.requireMember},
		Revalidate: a.requireMember,
	})
	members.Live("/members", func() live.View { return &Members{tpl: tpl} })

	mux := http.NewServeMux()
	rt.Register(mux)
	mux.HandleFunc("GET /hooks.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(hooksJS)
	})
	mux.Handle("GET /files/{key}", disk)
	mux.HandleFunc("GET /signin", a.signinPage)
	mux.HandleFunc("POST /signin", a.signin)
	mux.HandleFunc("POST /signout", a.signout)
	a.handler = rt.ProtectForms(mux)
	return a, nil
}

// ServeHTTP serves the app.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Counter counts clicks.
type Counter struct {
	tpl   *template.Template
	Count int64
}

// Mount registers the counter's events.
func (c *Counter) Mount(_ context.Context, s *live.Socket) error {
	s.SetTitle("Counter")
	s.On("inc", func(context.Context, live.Params) error { c.Count++; return nil })
	s.On("dec", func(context.Context, live.Params) error { c.Count--; return nil })
	s.On("add", func(_ context.Context, p live.Params) error {
		by, err := p.Int("by")
		if err != nil {
			return err
		}
		c.Count += by
		return nil
	})
	return nil
}

// Render renders the counter.
func (c *Counter) Render(w io.Writer) error { return c.tpl.ExecuteTemplate(w, "counter", c) }

// Form validates a sign-up form as the user types.
type Form struct {
	tpl         *template.Template
	Name, Email string
	Errors      map[string]string
	Saved       string
}

// Mount registers the form's events.
func (f *Form) Mount(_ context.Context, s *live.Socket) error {
	s.SetTitle("Form")
	f.Name, f.Email = s.Param("name"), s.Param("email")
	s.On("validate", func(_ context.Context, p live.Params) error {
		f.Name, f.Email = p.Get("name"), p.Get("email")
		f.Errors = validate(f.Name, f.Email)
		return nil
	})
	s.On("save", func(_ context.Context, p live.Params) error {
		f.Name, f.Email = p.Get("name"), p.Get("email")
		if f.Errors = validate(f.Name, f.Email); len(f.Errors) > 0 {
			return nil
		}
		f.Saved = f.Name + " <" + f.Email + ">"
		s.PutFlash("info", "Thanks, "+f.Name+"!")
		return nil
	})
	return nil
}

func validate(name, email string) map[string]string {
	errs := map[string]string{}
	if strings.TrimSpace(name) == "" {
		errs["name"] = "can't be blank"
	} else if len(name) > 40 {
		errs["name"] = "should be at most 40 characters"
	}
	if _, err := mail.ParseAddress(email); err != nil || !strings.Contains(email, "@") {
		errs["email"] = "must look like an email address"
	}
	return errs
}

// Render renders the form.
func (f *Form) Render(w io.Writer) error { return f.tpl.ExecuteTemplate(w, "form", f) }

// Members is the members-only page.
type Members struct {
	tpl  *template.Template
	User string
}

// Mount reads the user the hook assigned.
func (m *Members) Mount(_ context.Context, s *live.Socket) error {
	s.SetTitle("Members")
	m.User, _ = s.Get("user").(string)
	return nil
}

// Render renders the page.
func (m *Members) Render(w io.Writer) error { return m.tpl.ExecuteTemplate(w, "members", m) }

// The members area uses a toy session: a random id in a cookie naming a signed-in user,
// kept in memory. Real apps use the accounts package.
const memberCookie = "example_member"

// requireMember is the members session's hook and revalidation: it halts to /signin
// unless the browser's session is valid, and names the socket after the session so that
// signing out closes every tab of it.
func (a *App) requireMember(_ context.Context, s *live.Socket) error {
	id, _ := s.Cookie(memberCookie)
	a.mu.Lock()
	user, ok := a.members[id]
	a.mu.Unlock()
	if !ok {
		return live.Halt("/signin")
	}
	s.Assign("user", user)
	s.SetID("member:" + id)
	return nil
}

func (a *App) signinPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = a.tpl.ExecuteTemplate(w, "signin", map[string]string{"CSRF": a.Runtime.CSRFToken(w, r)})
}

func (a *App) signin(w http.ResponseWriter, r *http.Request) {
	user := strings.TrimSpace(r.PostFormValue("user"))
	if user == "" || len(user) > 40 {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	a.mu.Lock()
	a.members[id] = user
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: memberCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/members", http.StatusSeeOther)
}

func (a *App) signout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(memberCookie); err == nil {
		a.SignOut(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: memberCookie, Path: "/", MaxAge: -1})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// SignOut ends a member session and closes every socket of it.
func (a *App) SignOut(ctx context.Context, id string) {
	a.mu.Lock()
	delete(a.members, id)
	a.mu.Unlock()
	_ = a.Runtime.Disconnect(ctx, "member:"+id)
}

// SignOutAll ends every member session.
func (a *App) SignOutAll(ctx context.Context) {
	a.mu.Lock()
	ids := make([]string, 0, len(a.members))
	for id := range a.members {
		ids = append(ids, id)
	}
	a.mu.Unlock()
	for _, id := range ids {
		a.SignOut(ctx, id)
	}
}
