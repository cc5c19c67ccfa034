package live

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
)

// Requirement is a named condition that a mount or an event must meet: a signed-in user,
// an administrator, a recent login. It is declared where the route, the live session or
// the event is registered, rather than checked inside Mount or a handler, so that
// RouteTable and Socket.Events can list what protects each page and each event, and a
// reviewer can read it without reading the code.
//
// The same Requirement serves a mount and an event. For a mount (declared on a live
// session with SessionOptions.Requires, or on a route with Route.Requires), Check runs
// after the hooks, over HTTP and again over the websocket, and its error stops the mount
// as a hook's does: return Halt to send the browser to a login page. For an event
// (declared with the EventOption Requires), Check runs before the handler each time the
// event is called; any error refuses the event, and the client is only told "not
// allowed". Flash messages Check adds to a refused event are dropped.
type Requirement struct {
	// Name says in a word or two what is required: "user", "sudo", "admin". It is what
	// route tables and audits show.
	Name string

	// Check returns nil when the socket meets the requirement. It may read what hooks
	// assigned (the current user). It must not block for long: it runs on the socket's
	// goroutine, before every call of an event that declares it.
	Check Hook
}

func (req Requirement) validate(where string) {
	if req.Name == "" || req.Check == nil {
		panic(fmt.Sprintf("live: %s: a Requirement needs a Name and a Check", where))
	}
}

// errNotAllowed is the reply to an event refused by a Requirement. It says no more, so
// that a refusal tells the client nothing about why.
const errNotAllowed = "not allowed"

// Requires declares that an event may only run when every one of reqs is met. The checks
// run in order before the handler, after the event's rate limit; the first that fails
// refuses the event: the client gets the error reply "not allowed" and nothing else, and
// the refusal is logged at Info, reported to Config.Observe and counted in Stats.Refused.
// Declare the requirement of every event that changes data, even where the data layer
// would also refuse: the declaration is what an audit reads.
func Requires(reqs ...Requirement) EventOption {
	for _, req := range reqs {
		req.validate("Requires")
	}
	return func(r *eventReg) { r.requires = append(r.requires, reqs...) }
}

// allowed runs the checks of the event reg declares. It returns the first failure as an
// error that names the requirement, for the log; the socket's flash messages are as
// before.
func (s *Socket) allowed(ctx context.Context, reg *eventReg) error {
	for _, req := range reg.requires {
		flash := s.flash
		if err := req.Check(ctx, s); err != nil {
			s.flash = flash
			return fmt.Errorf("requires %s: %w", req.Name, err)
		}
	}
	return nil
}

// Route is a live route as LiveSession.Live registered it. Its methods declare who may
// reach it; like Live, they panic once the runtime is registered on a mux.
type Route struct{ r *route }

// Requires adds requirements to the route, checked after the route's hooks (and after
// its session's hooks and requirements), over HTTP and over the websocket. It panics if
// the route or its session is marked public.
func (rd Route) Requires(reqs ...Requirement) Route {
	r := rd.r
	r.session.rt.mustDeclare(r.pattern)
	for _, req := range reqs {
		req.validate(r.pattern)
	}
	r.requires = append(r.requires, reqs...)
	r.checkPublic()
	return rd
}

// Public marks the route as reachable without logging in, on purpose: an audit reports a
// route that neither requires anything nor is marked public. It changes nothing else. It
// panics if the route or its session declares a requirement.
func (rd Route) Public() Route {
	r := rd.r
	r.session.rt.mustDeclare(r.pattern)
	r.public = true
	r.checkPublic()
	return rd
}

func (rt *Runtime) mustDeclare(pattern string) {
	if rt.registered {
		panic(fmt.Sprintf("live: route %q: declare its requirements before Runtime.Register", pattern))
	}
}

// checkPublic panics when r is both public and guarded: one of the two is a mistake.
func (r *route) checkPublic() {
	if r.isPublic() && len(r.requirements()) > 0 {
		panic(fmt.Sprintf("live: route %q is marked public and requires %s: choose one", r.pattern, strings.Join(requirementNames(r.requirements()), ", ")))
	}
}

func (r *route) isPublic() bool { return r.public || r.session.opts.Public }

// requirements returns the session's requirements, then the route's: the order they run in.
func (r *route) requirements() []Requirement {
	return append(append([]Requirement(nil), r.session.opts.Requires...), r.requires...)
}

func requirementNames(reqs []Requirement) []string {
	names := make([]string, len(reqs))
	for i, req := range reqs {
		names[i] = req.Name
	}
	return names
}

// Templater is implemented by views that render one named template, so that RouteTable
// can list it. It is optional.
type Templater interface {
	Template() string
}

// RouteInfo describes one live route: what mounts there and what guards it.
type RouteInfo struct {
	Pattern  string   // "/projects/{id}"
	Session  string   // the live session's name
	Hooks    []string // the session's hooks, then the route's, in the order they run
	Public   bool     // the route or its session is marked public
	Requires []string // the session's requirements, then the route's: what Check runs after the hooks
	View     string   // the view's Go type with its package name: "web.ProjectShow"
	Template string   // the view's template, when it implements Templater; else ""
}

// RouteTable lists every live route in the order they were added, with its live session,
// the names of its hooks and requirements, and its view's type. A hook is named by its Go
// function ("web.(*Auth).MountCurrentUser", "web.assignFormToken"); a requirement by its
// Name. RouteTable calls each route's view constructor once to learn the view's type,
// without mounting it. It does not serve or change anything, so an app can print its
// table without a database.
func (rt *Runtime) RouteTable() []RouteInfo {
	out := make([]RouteInfo, 0, len(rt.routes))
	for _, r := range rt.routes {
		info := RouteInfo{
			Pattern:  r.pattern,
			Session:  r.session.name,
			Hooks:    make([]string, 0, len(r.session.opts.Hooks)+len(r.hooks)),
			Public:   r.isPublic(),
			Requires: requirementNames(r.requirements()),
		}
		for _, h := range append(append([]Hook(nil), r.session.opts.Hooks...), r.hooks...) {
			info.Hooks = append(info.Hooks, funcName(h))
		}
		if v := r.newView(); v != nil {
			info.View = strings.TrimPrefix(fmt.Sprintf("%T", v), "*")
			if t, ok := v.(Templater); ok {
				info.Template = t.Template()
			}
		}
		out = append(out, info)
	}
	return out
}

// funcName returns the Go name of a function as its package name and identifier:
// "web.(*Auth).MountCurrentUser" for a method value of package
// ".../accounts/web", "web.assignFormToken" for a function; a function literal has a
// name such as "web.(*App).routes.func1".
func funcName(f any) string {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() {
		return "<nil>"
	}
	fn := runtime.FuncForPC(v.Pointer())
	if fn == nil {
		return "<unknown>"
	}
	name := strings.TrimSuffix(fn.Name(), "-fm")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// EventInfo describes one event a mounted view registered.
type EventInfo struct {
	Name      string
	RateLimit string   // the event's own limit, such as "2/s burst 5"; "" when it has none
	Requires  []string // the names of its requirements, in the order they are checked
}

// Events lists the events the view registered, in the order of registration, with their
// options: what a client may call on this socket.
func (s *Socket) Events() []EventInfo {
	out := make([]EventInfo, len(s.events))
	for i, e := range s.events {
		out[i] = EventInfo{Name: e.name, Requires: requirementNames(e.requires)}
		if e.bucket != nil {
			out[i].RateLimit = fmt.Sprintf("%g/s burst %g", e.bucket.rate, e.bucket.burst)
		}
	}
	return out
}

// notAllowed reports an event that a requirement refused: in the log, to Observe and in
// Stats. The client only gets errNotAllowed.
func (c *conn) notAllowed(ref int64, o *observer, event string, err error) {
	c.rt.stats.refused.Add(1)
	c.rt.log.Info("live: event not allowed", "route", c.sock.route.pattern, "event", event, "err", err)
	c.send(frameReply(ref, nil, errNotAllowed, nil))
	o.done(c, ActivityEvent, event, fmt.Errorf("%s: %w", errNotAllowed, err))
}
