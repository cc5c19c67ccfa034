package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/liveapp/liveapp/live/devmode/devproto"
)

// Server runs an app in development: it builds the app, runs it on a
// listener it keeps, and rebuilds, restarts or updates it as its files
// change. Only Dir and Name are required; the zero value of every other field
// is a sensible default.
type Server struct {
	// Dir is the app's root, where its go.mod is.
	Dir string

	// Name is the app's command: it is built from ./cmd/Name.
	Name string

	// Listener is where the app serves. Nil means listening on Addr. Run
	// does not close a Listener it was given.
	Listener *net.TCPListener

	// Addr is the address to listen on when Listener is nil; empty means
	// 127.0.0.1:4000.
	Addr string

	// Env is the app's environment (APP_ENV, DATABASE_URL, PORT...); nil
	// means the dev server's. The dev server adds the variables of its
	// descriptors (devproto.ListenFDEnv...) for the app, and none for migrate.
	Env []string

	// Output receives the app's standard output and error; nil means
	// os.Stderr.
	Output io.Writer

	// Report is called with what the dev server does, from any goroutine
	// but never concurrently; nil discards it.
	Report func(Event)

	// Poll, when positive, scans the tree for changes at this interval
	// instead of trying fsnotify first.
	Poll time.Duration

	// Quiet is how long a burst of changes must pause before the dev server
	// acts on it; zero means 50ms.
	Quiet time.Duration

	// ReadyTimeout bounds the wait for a new process to say it serves; zero
	// means 30s.
	ReadyTimeout time.Duration

	// StopTimeout is how long a process has to exit after SIGTERM before it
	// gets SIGKILL; zero means 5s.
	StopTimeout time.Duration

	// GoCmd is the go command; empty means "go" from $PATH.
	GoCmd string

	reportMu sync.Mutex
}

// Run builds and runs the app, and keeps it up to date with its files until
// ctx is done; then it stops the app (SIGTERM, then SIGKILL after
// StopTimeout) and returns nil. It returns an error only when it cannot start:
// the listener, or a system without descriptor passing. Failed builds,
// migrations and starts are reported, shown to the browser, and retried at
// the next change.
func (s *Server) Run(ctx context.Context) error {
	if supported != nil {
		return supported
	}
	if s.Dir == "" || s.Name == "" {
		return errors.New("devserver: Dir and Name are required")
	}
	if s.Addr == "" {
		s.Addr = "127.0.0.1:4000"
	}
	if s.Output == nil {
		s.Output = os.Stderr
	}
	if s.Quiet <= 0 {
		s.Quiet = 50 * time.Millisecond
	}
	if s.ReadyTimeout <= 0 {
		s.ReadyTimeout = 30 * time.Second
	}
	if s.StopTimeout <= 0 {
		s.StopTimeout = 5 * time.Second
	}
	if s.GoCmd == "" {
		s.GoCmd = "go"
	}
	ln := s.Listener
	if ln == nil {
		l, err := net.Listen("tcp", s.Addr)
		if err != nil {
			return fmt.Errorf("devserver: %w", err)
		}
		ln = l.(*net.TCPListener)
		defer ln.Close()
	}

	fb := newFallback(ln, errorPage{App: s.Name, Title: "Building " + s.Name + "…"})
	fb.serve(true)
	changes := make(chan []string)
	watchCtx, stopWatching := context.WithCancel(ctx)
	defer stopWatching()
	w := &watcher{root: s.Dir, poll: s.Poll, quiet: s.Quiet, maxWait: 20 * s.Quiet,
		notice: func(msg string) { s.report(Event{Kind: Watching, Text: msg}) }}
	go w.run(watchCtx, changes)

	r := &session{s: s, ln: ln, fb: fb, changes: changes}
	r.loop(ctx)
	return nil
}

// report stamps e and passes it to s.Report.
func (s *Server) report(e Event) {
	if s.Report == nil {
		return
	}
	s.reportMu.Lock()
	defer s.reportMu.Unlock()
	e.App = s.Name
	s.Report(e)
}

// env is the environment of the app's commands, without the descriptor
// variables an outer dev server may have set.
func (s *Server) env() []string {
	env := s.Env
	if env == nil {
		env = os.Environ()
	}
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		for _, v := range []string{devproto.ListenFDEnv, devproto.DevFDEnv, devproto.ReadyFDEnv} {
			if strings.HasPrefix(kv, v+"=") {
				return true
			}
		}
		return false
	})
}

// session is the state of one Run, owned by its loop goroutine.
type session struct {
	s       *Server
	ln      *net.TCPListener
	fb      *fallback
	changes <-chan []string

	app       *process // the app that serves, if any
	overlay   bool     // app's pages show an error overlay
	templates bool     // the overlay shows that the templates do not parse

	restarting    chan restartResult // while a restart runs
	cancelRestart context.CancelFunc
	next          *restartRequest // changes that came during the restart
	stopping      sync.WaitGroup  // old processes being stopped
}

// restartRequest is a rebuild to do, and why.
type restartRequest struct {
	files      []string
	migrations bool
	noticed    time.Time // when the change was noticed
}

// restartResult is how a restart went.
type restartResult struct {
	req                   restartRequest
	proc                  *process // the new process, ready
	release               func()   // lets the fallback accept again
	err                   error
	built                 bool // build and migrate succeeded
	build, migrate, ready time.Duration
	migrateOut            string
}

func (r *session) loop(ctx context.Context) {
	r.restart(ctx, restartRequest{noticed: time.Now()})
	for {
		var appDone <-chan struct{}
		if r.app != nil {
			appDone = r.app.done
		}
		select {
		case <-ctx.Done():
			r.shutdown()
			return
		case files := <-r.changes:
			r.changed(ctx, files)
		case res := <-r.restarting:
			r.restarted(ctx, res)
		case <-appDone:
			r.exited()
		}
	}
}

// changed acts on a batch of changed files.
func (r *session) changed(ctx context.Context, files []string) {
	noticed := time.Now()
	p := planFor(files)
	if p.empty() {
		return
	}
	if r.app != nil {
		cmds := p.commands()
		if p.rebuild {
			// The new process reads the templates as it starts; the old one
			// might not render them (they may use what the rebuild brings).
			cmds = slices.DeleteFunc(cmds, func(c string) bool { return c == TemplatesCmd })
		}
		if slices.Contains(cmds, TemplatesCmd) {
			cmds = r.checkTemplates(cmds, p.files)
		}
		if len(cmds) > 0 {
			var err error
			for _, c := range cmds {
				if err = r.app.send(c); err != nil {
					break
				}
			}
			r.s.report(Event{Kind: Updated, Files: p.files, Commands: slices.DeleteFunc(cmds, func(c string) bool { return c == ClearCmd }),
				Took: time.Since(noticed), Err: err})
		}
	}
	if !p.rebuild && (r.app != nil || r.restarting != nil) {
		return // the process starting reads its templates and static files as it starts
	}
	// Without an app, any change is a chance to start one: the last build
	// failed, or the app exited.
	req := restartRequest{files: p.files, migrations: p.migrations, noticed: noticed}
	if r.restarting == nil {
		r.restart(ctx, req)
		return
	}
	if r.next == nil {
		r.next = &req
		return
	}
	for _, f := range req.files {
		if !slices.Contains(r.next.files, f) {
			r.next.files = append(r.next.files, f)
		}
	}
	r.next.migrations = r.next.migrations || req.migrations
}

// checkTemplates checks that the templates parse before cmds, which hold
// TemplatesCmd, go to the app. When they do not, it reports the error, shows
// it over the pages, and returns cmds without TemplatesCmd: the app keeps
// the templates it has. When they parse again, it adds ClearCmd after
// TemplatesCmd to take the error down.
func (r *session) checkTemplates(cmds, files []string) []string {
	err := checkTemplates(r.s.Dir)
	if err == nil {
		if r.overlay && r.templates {
			cmds = slices.Insert(cmds, slices.Index(cmds, TemplatesCmd)+1, ClearCmd)
			r.overlay, r.templates = false, false
		}
		return cmds
	}
	if serr := r.app.send(ErrorCmd("A template does not parse\n\n" + err.Error())); serr == nil {
		r.overlay, r.templates = true, true
	}
	r.s.report(Event{Kind: Failed, Step: "template", Files: files, Text: err.Error(), AppRunning: true})
	return slices.DeleteFunc(cmds, func(c string) bool { return c == TemplatesCmd })
}

// restart builds, migrates and starts a new process in the background; the
// loop gets the result.
func (r *session) restart(ctx context.Context, req restartRequest) {
	r.s.report(Event{Kind: Building, Files: req.files})
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan restartResult, 1)
	r.restarting, r.cancelRestart = done, cancel
	var fixed func()
	if old := r.app; old != nil && r.overlay {
		// The error the overlay shows is fixed once build and migrate
		// succeed: clear it then, while the old process certainly runs to
		// pass it on to its pages.
		fixed = func() { old.send(ClearCmd) }
	}
	go func() { done <- r.s.restart(ctx, r.fb, r.ln, req, fixed) }()
}

// restart builds, migrates and starts a process, waiting until it is ready;
// it calls fixed, if not nil, once build and migrate have succeeded. On
// success the fallback stays held: the caller releases it once it has said
// that an app serves.
func (s *Server) restart(ctx context.Context, fb *fallback, ln *net.TCPListener, req restartRequest, fixed func()) restartResult {
	res := restartResult{req: req}
	t := time.Now()
	if res.err = s.build(ctx); res.err != nil {
		return res
	}
	res.build = time.Since(t)
	t = time.Now()
	if res.migrateOut, res.err = s.migrate(ctx); res.err != nil {
		return res
	}
	res.migrate, res.built = time.Since(t), true
	if fixed != nil {
		fixed()
	}
	t = time.Now()
	release := fb.hold() // requests wait in the accept queue for the new process
	p, err := startProcess(s.binary(), s.Dir, s.env(), ln, s.Output)
	if err != nil {
		release()
		res.err = &stepError{step: "start", text: err.Error()}
		return res
	}
	if err := p.waitReady(ctx, s.ReadyTimeout); err != nil {
		p.stop(s.StopTimeout)
		release()
		if ctx.Err() != nil {
			res.err = ctx.Err()
			return res
		}
		res.err = &stepError{step: "start", text: p.exitText(s.Name + " " + err.Error())}
		return res
	}
	res.ready, res.proc, res.release = time.Since(t), p, release
	return res
}

// restarted acts on a restart's result: the new process replaces the old,
// or the failure is shown.
func (r *session) restarted(ctx context.Context, res restartResult) {
	r.cancelRestart()
	r.restarting, r.cancelRestart = nil, nil
	if res.err != nil && ctx.Err() != nil {
		return // stopping: cancelled, not failed
	}
	e := Event{Kind: Started, Files: res.req.files, Build: res.build, Migrate: res.migrate, Ready: res.ready,
		Took: time.Since(res.req.noticed), Restart: r.app != nil}
	if res.req.migrations {
		e.Text = res.migrateOut // what migrate applied
	}
	if res.built {
		r.overlay, r.templates = false, false // restart's fixed cleared it
	}
	var se *stepError
	switch {
	case errors.As(res.err, &se):
		e.Kind, e.Step, e.Text, e.AppRunning = Failed, se.step, se.text, r.app != nil
		if r.app != nil {
			if err := r.app.send(ErrorCmd(se.title(r.s.Name) + "\n\n" + se.text)); err == nil {
				r.overlay, r.templates = true, false
			}
		} else {
			r.fb.show(errorPage{App: r.s.Name, Title: se.title(r.s.Name), Text: se.text})
		}
	case res.err != nil:
		e.Kind, e.Step, e.Text, e.AppRunning = Failed, "start", res.err.Error(), r.app != nil
	default:
		old := r.app
		r.app = res.proc
		r.fb.serve(false)
		res.release()
		if old != nil {
			r.stopping.Go(func() {
				if old.stop(r.s.StopTimeout) {
					r.s.report(Event{Kind: Killed, Text: fmt.Sprintf("the old %s did not exit within %v of SIGTERM: killed it", r.s.Name, r.s.StopTimeout)})
				}
			})
		}
	}
	r.s.report(e)
	if r.next != nil {
		req := *r.next
		r.next = nil
		r.restart(ctx, req)
	}
}

// exited acts on the app's exit: the fallback shows why until a change
// starts another.
func (r *session) exited() {
	p := r.app
	r.app, r.overlay, r.templates = nil, false, false
	what := fmt.Sprintf("%s exited: %v", r.s.Name, p.err)
	if p.err == nil {
		what = r.s.Name + " exited"
	}
	r.fb.show(errorPage{App: r.s.Name, Title: r.s.Name + " exited", Text: p.exitText(what)})
	r.fb.serve(true)
	r.s.report(Event{Kind: Exited, Text: what})
}

// shutdown stops the restart under way and the app, and waits for the old
// processes to exit.
func (r *session) shutdown() {
	if r.restarting != nil {
		r.cancelRestart()
		if res := <-r.restarting; res.proc != nil {
			res.release()
			res.proc.stop(r.s.StopTimeout)
		}
	}
	if r.app != nil {
		if r.app.stop(r.s.StopTimeout) {
			r.s.report(Event{Kind: Killed, Text: fmt.Sprintf("%s did not exit within %v of SIGTERM: killed it", r.s.Name, r.s.StopTimeout)})
		}
	}
	r.stopping.Wait()
	r.fb.close()
}
