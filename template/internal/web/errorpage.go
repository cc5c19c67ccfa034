package web

import (
	"bytes"
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strings"

	// liveapp:auth begin
	authweb "github.com/liveapp/liveapp/accounts/web"
	// liveapp:auth end
	"github.com/liveapp/liveapp/live"
)

// errorData is what templates/error.html shows.
type errorData struct {
	Status  int
	Title   string
	Message string
	Detail  string   // the error's text, in dev mode only
	Routes  []string // every route, on a 404 in dev mode only
}

// describe says what an error status means to users: a title and a sentence.
func describe(status int) (title, message string) {
	switch status {
	case http.StatusForbidden:
		return "Not allowed", "You may not do that here."
	case http.StatusNotFound:
		return "Page not found", "There is nothing at this address. It may have been deleted, or the link may be wrong."
	case http.StatusMethodNotAllowed:
		return "Not allowed", "This address does not take that kind of request."
	case http.StatusInternalServerError:
		return "Something went wrong", "The app could not show this page. It has been noted; please try again in a moment."
	}
	return http.StatusText(status), ""
}

// errorPage answers r with status in the app's layout: the page of a 404, 403
// or 500, and the live runtime's Config.ErrorPage. err says what went wrong:
// its text is shown in dev mode only, except for a 403, whose messages come
// from the runtime and are written for users ("invalid CSRF token: reload the
// page and try again").
func (a *App) errorPage(w http.ResponseWriter, r *http.Request, status int, err error) {
	d := errorData{Status: status}
	d.Title, d.Message = describe(status)
	if status == http.StatusForbidden && err != nil {
		d.Message = err.Error()
	}
	if a.cfg.Dev {
		if err != nil {
			d.Detail = err.Error()
		}
		if status == http.StatusNotFound {
			d.Routes = a.routeList
		}
	}
	var body bytes.Buffer
	if err := a.render(&body, "error", d); err != nil {
		a.log.Error("web: render the error page", "status", status, "err", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	ld := layoutData{
		Page:    &live.Page{Title: d.Title + " · " + AppName, Body: template.HTML(body.String()), Session: "error"},
		AppName: AppName,
		Assets:  assetVersion,
		// The log-out form's token; it sets the CSRF cookie if the browser has none.
		FormToken: a.Runtime.CSRFToken(w, r),
	}
	// liveapp:auth begin
	if u := authweb.ScopeFrom(r.Context()).User; u != nil {
		ld.User = u.Email
	}
	// liveapp:auth end
	var doc bytes.Buffer
	if err := a.render(&doc, "layout", ld); err != nil {
		a.log.Error("web: render the error page's layout", "status", status, "err", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(doc.Bytes())
}

// withErrorPages serves mux, except where the mux itself would answer in plain
// text: a URL no route matches gets notFound, and a method no route of the
// path takes gets the app's 405 page. Redirects to a cleaned path pass.
func (a *App) withErrorPages(mux *http.ServeMux, notFound http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &fallbackWriter{w: w, header: http.Header{}}
		h.ServeHTTP(rec, r)
		switch rec.status {
		case http.StatusNotFound:
			notFound.ServeHTTP(w, r)
		case http.StatusMethodNotAllowed:
			w.Header()["Allow"] = rec.header["Allow"]
			a.errorPage(w, r, http.StatusMethodNotAllowed, nil)
		}
	})
}

// fallbackWriter is what withErrorPages lets the mux's own handler write to: it
// passes a redirect through, and holds back a 404 or 405 for the app's page.
type fallbackWriter struct {
	w      http.ResponseWriter
	header http.Header
	status int
	passed bool
}

func (f *fallbackWriter) Header() http.Header { return f.header }

func (f *fallbackWriter) WriteHeader(status int) {
	if f.status != 0 {
		return
	}
	f.status = status
	if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
		f.passed = true
		for k, v := range f.header {
			f.w.Header()[k] = v
		}
		f.w.WriteHeader(status)
	}
}

func (f *fallbackWriter) Write(b []byte) (int, error) {
	if f.status == 0 {
		f.WriteHeader(http.StatusOK)
	}
	if f.passed {
		return f.w.Write(b)
	}
	return len(b), nil
}

// routeMux is an http.ServeMux that remembers its patterns, for the dev 404
// page's list of routes and for `app audit`.
type routeMux struct {
	*http.ServeMux
	patterns []string
	public   map[string]bool // the patterns registered with HandlePublic
}

func newRouteMux() *routeMux { return &routeMux{ServeMux: http.NewServeMux()} }

// Handle registers h for pattern, as http.ServeMux.Handle does.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// HandlePublic registers h for pattern, as Handle does, and marks the route as
// reachable without logging in on purpose: `app audit` lists it as public.
func (m *routeMux) HandlePublic(pattern string, h http.Handler) {
	if m.public == nil {
		m.public = map[string]bool{}
	}
	m.public[pattern] = true
	m.Handle(pattern, h)
}

// HandleFunc registers f for pattern, as http.ServeMux.HandleFunc does.
func (m *routeMux) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(f))
}

// list returns the live routes of rt and the mux's own patterns, sorted by path.
func (m *routeMux) list(rt *live.Runtime) []string {
	all := append(rt.Routes(), m.patterns...)
	slices.SortStableFunc(all, func(x, y string) int {
		return cmp.Or(cmp.Compare(pathOf(x), pathOf(y)), cmp.Compare(x, y))
	})
	return all
}

// pathOf returns the path of a pattern: "/a" of "GET /a".
func pathOf(pattern string) string {
	if i := strings.IndexByte(pattern, '/'); i >= 0 {
		return pattern[i:]
	}
	return pattern
}
