package live

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unsafe"

	"github.com/liveapp/liveapp/live/internal/dom"
)

// job is one piece of server-side work for the worker.
type job struct {
	// run is the runtime's own work: a mount, a heartbeat, a render, a dev command.
	run func(*conn)
	// view is the view's work: a message the view sent itself, a timer, the result of
	// background work. msg is a PubSub message, kept apart so that a delivery allocates
	// nothing. Either runs only if mount is still the socket's mount.
	view  func(ctx context.Context) error
	msg   *subscription
	topic string
	data  []byte
	again int // msg came this many more times in a row, with the same topic and data
	mount uint64
	// final marks the cleanup, which runs even after the socket closed.
	final bool
}

// post queues server-side work for the worker, starting it if needed, and reports whether
// it did. Any goroutine may call it. View work past Config.MaxQueuedMessages means the
// view cannot keep up with its messages: the socket closes with CloseOverloaded, and the
// client's remount starts again from the current state.
func (c *conn) post(j job) bool {
	c.mu.Lock()
	if c.closed && !j.final {
		c.mu.Unlock()
		return false
	}
	if j.msg != nil && len(c.inbox) > 0 {
		// A fan-out of the same message, again and again, to a view that has not caught up
		// yet waits as one job with a count: the handler runs every time, but the queue's
		// memory does not grow with the burst.
		if last := &c.inbox[len(c.inbox)-1]; last.msg == j.msg && last.topic == j.topic && sameBytes(last.data, j.data) {
			last.again++
			c.mu.Unlock()
			return true
		}
	}
	if (j.view != nil || j.msg != nil) && len(c.inbox) >= c.rt.cfg.MaxQueuedMessages {
		c.mu.Unlock()
		// close may block on the write lock for a second; the caller may be a publisher.
		go c.close(CloseOverloaded, "overloaded")
		return false
	}
	c.inbox = append(c.inbox, j)
	c.startWorker()
	c.mu.Unlock()
	return true
}

// postEvent queues a client frame for the worker and reports whether there was room:
// Config.EventBurst frames may wait. It is called by the reader only.
func (c *conn) postEvent(f *clientFrame) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return true // dropped: the socket is going away
	}
	if len(c.events) >= c.rt.cfg.EventBurst {
		return false
	}
	c.events = append(c.events, f)
	c.startWorker()
	return true
}

// sameBytes reports whether a and b are the same bytes in memory: PubSub subscribers
// share a message's data, so a repeat of a delivery has the same slice.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// startWorker starts the worker unless it runs. c.mu must be held. It hands the conn to
// a goroutine that has just served another socket, if one is waiting, and starts one
// otherwise (see workerPool).
func (c *conn) startWorker() {
	if !c.working {
		c.working = true
		c.rt.workers.run(c)
	}
}

// work is the worker. Each round it runs all the server-side work queued, then one client
// frame; a client frame is answered at once, with the patches of everything before it.
// When both queues are empty it renders what the server-side work changed, once, if the
// writer has sent everything before; otherwise the writer asks for that render when it is
// done (flushLate), so a client that reads slowly gets fewer, larger patches.
func (c *conn) work() {
	for {
		c.mu.Lock()
		inbox := c.inbox
		c.inbox = nil
		var ev *clientFrame
		if len(inbox) == 0 && len(c.events) > 0 {
			ev = c.events[0]
			c.events[0] = nil
			c.events = c.events[1:]
			if len(c.events) == 0 {
				c.events = nil
			}
		}
		closed := c.closed
		if len(inbox) == 0 && ev == nil {
			if c.dirty && !closed && (c.writing || len(c.out) > 0) {
				c.flushLate = true
			}
			if !c.dirty || closed || c.flushLate {
				c.working = false
				c.mu.Unlock()
				return
			}
			c.mu.Unlock()
			c.flush()
			continue
		}
		c.mu.Unlock()
		for i := range inbox {
			if !closed || inbox[i].final {
				c.do(inbox[i], nil)
			}
			inbox[i] = job{}
		}
		if c.batch != nil {
			c.batch.end()
			c.batch = nil
		}
		if ev != nil && !closed {
			c.do(job{}, ev)
		}
		if ev != nil {
			releaseEvent(ev)
		}
	}
}

// do runs one job or client frame: the cleanup as it is, anything else through safely.
func (c *conn) do(j job, ev *clientFrame) {
	if j.final {
		j.run(c)
		return
	}
	if (j.view != nil || j.msg != nil) && j.mount != c.sock.mounts {
		return // queued for a view that has since been replaced (live navigation)
	}
	c.safely(j, ev)
}

// safely runs a job or client frame that calls into the view, recovering a panic: the
// socket gets an error and a fresh mount, while the server and other sockets carry on.
func (c *conn) safely(j job, ev *clientFrame) {
	defer func() {
		p := recover()
		if p == nil {
			c.panics = 0
			return
		}
		c.rt.log.Error("live: view panicked", "route", c.sock.route.pattern, "panic", p, "stack", string(debug.Stack()))
		c.panics++
		if c.panics > 1 {
			c.close(CloseViewFailed, "view failed")
			return
		}
		msg := "the page hit an error and was reloaded"
		if c.rt.cfg.Dev {
			msg = fmt.Sprintf("panic: %v", p)
		}
		c.send(frameError(msg))
		c.sock.unmount()
		c.safely(job{run: func(c *conn) { c.join(c.sock.route) }}, nil)
	}()
	switch {
	case ev != nil:
		c.handle(ev)
	case j.msg != nil:
		for range 1 + j.again {
			c.message(j.msg.handler, j.topic, j.data, nil)
			if c.sock.mounts != j.mount {
				break // the handler navigated away
			}
		}
	case j.view != nil:
		c.message(nil, "", nil, j.view)
	default:
		j.run(c)
	}
}

// callContext returns the context for one callback, which runs on the worker: it has
// Config.EventTimeout as its deadline and ends when the socket closes (see callCtx). It is
// not a child of a connection-wide context, whose map of children would stay with every
// idle socket; close cancels it through endCall instead. Call the returned function when
// the callback returns.
func (c *conn) callContext() (context.Context, func()) {
	x := c.newCallContext()
	return x, x.end
}

func (c *conn) newCallContext() *callCtx {
	return &callCtx{c: c, deadline: time.Now().Add(c.rt.cfg.EventTimeout)}
}

// message runs one piece of view work: a PubSub message for h, or fn. What it changes is
// rendered with the rest of the batch (flush), unless it asked to leave: a redirect or
// navigation acts at once. The work of one batch shares one context, made with the first.
func (c *conn) message(h MessageHandler, topic string, data []byte, fn func(context.Context) error) {
	s := c.sock
	if c.batch == nil {
		c.batch = c.newCallContext()
	}
	var err error
	if h != nil {
		err = h(c.batch, topic, data)
	} else {
		err = fn(c.batch)
	}
	if s.redirect != "" || s.navigate != "" || s.patchURL != "" {
		c.after(0, c.errMessage(err))
		return
	}
	if err != nil {
		c.send(frameError(c.errMessage(err)))
	}
	c.dirty = true
}

// flush renders what server-side work changed and sends the patches.
func (c *conn) flush() {
	if c.dirty && !c.closing() {
		c.after(0, "")
	}
}

// beat answers a heartbeat. A socket that handled nothing between two heartbeats drops its
// parsed tree and what its Memos remember.
func (c *conn) beat() {
	if s := c.sock; !s.busy {
		s.hot = nil
		for _, m := range s.memos {
			m.forget()
		}
	} else {
		s.busy = false
	}
	c.send(heartbeatFrame)
}

// join mounts the socket's view (again, after a failure) and sends it whole.
func (c *conn) join(r *route) {
	s := c.sock
	o := c.observe()
	s.resetActions()
	s.dropPushes()
	ctx, cancel := c.callContext()
	err := c.rt.mount(ctx, s, r)
	cancel()
	defer func() { o.done(c, ActivityMount, "", err) }()
	if err != nil {
		// The client loads the page again, once: its dead render shows the error in the
		// app's page (a 404 for a record deleted since the page was served, say).
		if !errors.Is(err, ErrNotFound) {
			c.rt.log.Error("live: connected mount failed", "route", r.pattern, "err", err)
		}
		c.send(frameError(c.errMessage(err)))
		c.closeAfterQueued(CloseViewFailed)
		return
	}
	if s.redirect != "" {
		c.send(frameRedirect(s.redirect, c.rt.encodeFlash(s.flash)))
		c.closeAfterQueued(1000)
		return
	}
	c.watchID()
	c.startTimers()
	c.sendRender("", "")
	failed := c.devFailed
	c.devFailed = false
	if msg := c.rt.devError(); msg != "" {
		// A client clears the overlay at its socket's first render: show it again.
		c.send(frameDev("error", "msg", msg))
	} else if failed {
		c.send(frameDev("clear", "", ""))
	}
}

// render renders the view's root content.
func (c *conn) render() (string, error) {
	buf, err := c.renderBuffer()
	if err != nil {
		return "", err
	}
	defer c.releaseBuffer(buf)
	return buf.String(), nil
}

// renderBuffer renders the view's root content into a pooled buffer, which the caller
// gives back with releaseBuffer.
func (c *conn) renderBuffer() (*bytes.Buffer, error) {
	buf := c.rt.buffers.Get().(*bytes.Buffer)
	if err := c.rt.renderRoot(buf, c.sock); err != nil {
		c.releaseBuffer(buf)
		return nil, err
	}
	return buf, nil
}

func (c *conn) releaseBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 1<<20 {
		buf.Reset()
		c.rt.buffers.Put(buf)
	}
}

// sendRender renders the view whole into a render frame and keeps its HTML.
func (c *conn) sendRender(navURL, token string) {
	s := c.sock
	html, err := c.render()
	if err != nil {
		c.send(frameError(c.errMessage(err)))
		return
	}
	s.html = html
	if s.hot != nil {
		s.hot.tree = nil
	}
	c.dirty = false
	f := renderFrame{html: html, url: navURL, token: token}
	if navURL != "" {
		f.session = s.route.session.name
	}
	if s.titleDirty || navURL != "" {
		f.title, s.titleDirty = s.title, false
	}
	f.pushes = s.pushes
	c.send(f.encode())
	s.dropPushes()
	s.replyValue = nil
}

// startTimers (re)starts the live session's revalidation timer for the view just mounted.
// A check queued by an earlier timer carries an older generation and is ignored, so only
// one timer ever runs.
func (c *conn) startTimers() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timerGen++
	if c.revTimer != nil {
		c.revTimer.Stop()
		c.revTimer = nil
	}
	opts := c.sock.route.session.opts
	if opts.Revalidate == nil {
		return
	}
	check, every, gen := opts.Revalidate, opts.RevalidateEvery, c.timerGen
	var t *time.Timer
	revalidate := func(c *conn) {
		c.mu.Lock()
		stale := gen != c.timerGen
		c.mu.Unlock()
		if stale {
			return
		}
		ctx, cancel := c.callContext()
		err := check(ctx, c.sock)
		cancel()
		if err != nil {
			c.close(CloseRevalidation, "session no longer valid")
			return
		}
		c.mu.Lock()
		if gen == c.timerGen {
			t.Reset(every)
		}
		c.mu.Unlock()
	}
	t = c.rt.afterFunc(every, func() { c.post(job{run: revalidate}) })
	c.revTimer = t
}

// handle runs one client frame.
func (c *conn) handle(f *clientFrame) {
	s := c.sock
	s.resetActions()
	o := c.observe()
	switch f.Kind {
	case frameEvent:
		if f.Event == "lv:clear-flash" && f.Target == "" {
			s.ClearFlash()
			c.after(f.Ref, "")
			return
		}
		reg, comp := s.eventFor(f.Target, f.Event)
		if reg == nil {
			msg := "unknown event"
			if c.rt.cfg.Dev {
				msg = c.unknownEvent(f)
			}
			c.send(frameReply(f.Ref, nil, msg, nil))
			o.done(c, ActivityEvent, truncate(f.Event, 64), errors.New(msg))
			c.refused()
			return
		}
		c.refusals = 0
		if reg.bucket != nil && !reg.bucket.allow(c.rt.now()) {
			c.send(frameReply(f.Ref, nil, "too many events: slow down", nil))
			o.done(c, ActivityEvent, f.Event, errors.New("too many events"))
			return
		}
		ctx, cancel := c.callContext()
		if err := s.allowed(ctx, reg); err != nil {
			cancel()
			c.notAllowed(f.Ref, o, f.Event, err)
			return
		}
		flash := s.flash
		err := reg.fn(ctx, f.Params)
		notified, nerr := s.deliverNotes(ctx)
		cancel()
		err = cmp.Or(err, nerr)
		switch {
		case comp == nil:
			c.after(f.Ref, c.errMessage(err))
		case notified || !sameFlash(flash, s.flash):
			// The view changed too (or its flash, which it renders): it renders, with the
			// component rendered again.
			comp.dirty = true
			c.after(f.Ref, c.errMessage(err))
		default:
			c.afterComponent(f.Ref, c.errMessage(err), comp)
		}
		o.done(c, ActivityEvent, f.Event, err)
	case frameNavigate:
		s.navigate = f.URL
		c.after(f.Ref, "")
		o.done(c, ActivityNavigate, "", nil)
	case framePatch:
		s.patchURL = f.URL
		c.after(f.Ref, "")
		o.done(c, ActivityPatch, "", nil)
	case frameUpload, frameUploadProgress, frameChunk:
		c.handleUpload(f)
	case frameFlood:
		c.closeAfterQueued(CloseRateLimit)
	case frameSync:
		html, err := c.render()
		if err != nil {
			c.send(frameReply(f.Ref, nil, c.errMessage(err), nil))
			return
		}
		s.html = html
		if s.hot != nil {
			s.hot.tree = nil
		}
		c.dirty = false
		ops := dom.AppendOps(nil, []dom.Op{{Kind: dom.OpInner, Path: []int{}, HTML: html}})
		c.send(frameReply(f.Ref, ops, "", nil))
	}
}

// sameFlash reports whether the flash messages b are a as they were: the same messages
// in the same memory. PutFlash and ClearFlash change the length or the array.
func sameFlash(a, b []Flash) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// unknownEvent says, in dev mode, why the event f has no handler.
func (c *conn) unknownEvent(f *clientFrame) string {
	s := c.sock
	if f.Target == "" {
		return fmt.Sprintf("unknown event %q: the view registers %s", truncate(f.Event, 64), eventNames(s.events))
	}
	comp := s.parts.find(f.Target)
	if comp == nil {
		return fmt.Sprintf("unknown event %q: the view has no component %q", truncate(f.Event, 64), truncate(f.Target, 64))
	}
	return fmt.Sprintf("unknown event %q: component %q registers %s", truncate(f.Event, 64), f.Target, eventNames(comp.cs.events))
}

// refused counts an event the worker refused because nothing handles it. The reader
// counts the frames it refuses itself; these, which only the worker can tell, are
// counted here: MaxViolations of them in a row are a flood too.
func (c *conn) refused() {
	c.refusals++
	if c.refusals == c.rt.cfg.MaxViolations {
		c.rt.limits.coolDown(c.addr, c.binding, c.rt.now())
		c.closeAfterQueued(CloseRateLimit)
	}
}

func eventNames(events []eventReg) string {
	names := make([]string, 0, len(events))
	for _, e := range events {
		names = append(names, fmt.Sprintf("%q", e.name))
	}
	if len(names) == 0 {
		return "no events"
	}
	return strings.Join(names, ", ")
}

// afterComponent acts on what a component's event handler asked for. When it asked only
// for its own changes (and perhaps a title), only the component renders, and the reply
// carries the patch of its element alone; a redirect, a navigation, a live patch or a new
// socket id goes the view's way, as does a component whose element cannot be patched
// alone (errComponentMoved).
func (c *conn) afterComponent(ref int64, errMsg string, m *component) {
	s := c.sock
	if s.redirect != "" || s.navigate != "" || s.patchURL != "" || s.idChanged || m.gone {
		m.dirty = true
		c.after(ref, errMsg)
		return
	}
	if s.titleDirty {
		s.titleDirty = false
		c.send(frameTitle(s.title))
	}
	p, err := c.componentPatch(m)
	if errors.Is(err, errComponentMoved) {
		c.sendChanges(ref, errMsg)
		return
	}
	if err != nil && errMsg == "" {
		errMsg = c.errMessage(err)
	}
	c.reply(ref, p, errMsg)
}

// errMessage is what the client is told about err: the error itself in dev mode, a
// generic message in production, where the detail goes to the log only. A deadline that
// passed is said as such: Config.EventTimeout was too short for the handler.
func (c *conn) errMessage(err error) string {
	if err == nil {
		return ""
	}
	var pe *ParamError
	if c.rt.cfg.Dev || errors.As(err, &pe) {
		return err.Error()
	}
	c.rt.log.Error("live: handler failed", "route", c.sock.route.pattern, "err", err)
	if errors.Is(err, context.DeadlineExceeded) {
		return "event timed out"
	}
	return "event failed"
}

// after acts on what a handler asked for: the first of a redirect, a navigation, a patch,
// or else the changes it made to the view. It ends with the reply to frame ref (or, for
// ref 0, the patches).
func (c *conn) after(ref int64, errMsg string) {
	s := c.sock
	switch {
	case s.redirect != "":
		c.send(frameRedirect(s.redirect, c.rt.encodeFlash(s.flash)))
		c.reply(ref, patch{}, errMsg)
	case s.navigate != "":
		c.navigateTo(ref, s.navigate)
	case s.patchURL != "":
		c.patchTo(ref, errMsg)
	default:
		c.sendChanges(ref, errMsg)
	}
}

// patchTo applies a live patch: a new URL for the same view. A patch to a URL of another
// route is a navigation.
func (c *conn) patchTo(ref int64, errMsg string) {
	s := c.sock
	to := s.patchURL
	s.patchURL = ""
	u, err := url.Parse(to)
	if err != nil || c.rt.lookup(u.EscapedPath()) != s.route {
		c.navigateTo(ref, to)
		return
	}
	s.url, s.params = u.RequestURI(), paramsFor(s.route, u)
	if ph, ok := s.view.(ParamsHandler); ok {
		ctx, cancel := c.callContext()
		err := halted(s, ph.HandleParams(ctx, s))
		cancel()
		if err != nil {
			errMsg = c.errMessage(err)
		}
		if s.redirect != "" || s.navigate != "" {
			c.after(ref, errMsg)
			return
		}
	}
	c.send(frameURL(s.url))
	c.sendChanges(ref, errMsg)
}

// sendChanges sends what changed in the view: its title, its patches and pushed events,
// and the reply to frame ref.
func (c *conn) sendChanges(ref int64, errMsg string) {
	s := c.sock
	if s.idChanged {
		c.watchID()
	}
	if s.titleDirty {
		s.titleDirty = false
		c.send(frameTitle(s.title))
	}
	p, err := c.diff(ref > 0)
	if err != nil && errMsg == "" {
		errMsg = c.errMessage(err)
	}
	c.dirty = false
	c.reply(ref, p, errMsg)
}

// reply sends the reply to frame ref, or for server-initiated changes (ref 0) the patches,
// carrying the events the view pushed. A reply is the last frame an event causes.
func (c *conn) reply(ref int64, p patch, errMsg string) {
	s := c.sock
	switch {
	case ref > 0:
		buf := c.rt.buffers.Get().(*bytes.Buffer)
		c.sendScratch(appendReply(buf.AvailableBuffer(), ref, p.ops, errMsg, s.replyValue, s.pushes))
		c.releaseBuffer(buf)
	case len(s.pushes) == 0 && p.frame != nil:
		c.send(p.frame)
	case len(p.ops) > 0 || len(s.pushes) > 0:
		c.send(frameOps(p.ops, s.pushes))
	}
	if ref == 0 && errMsg != "" {
		c.send(frameError(errMsg))
	}
	s.dropPushes()
}

// patch is what a diff found: the encoded ops, and when they came from the runtime's
// diff cache, the ops frame other sockets share.
type patch struct {
	ops   []byte // nil when nothing changed; valid until the next diff (frames copy it)
	frame []byte // frameOps(ops, nil), shared; may be nil
}

// diff re-renders the view and returns the patch from the last HTML sent.
//
// A socket keeps the last HTML; its parsed tree, 10 to 25 times larger, is kept only while
// the socket is busy with its own client's events (keep), and dropped after a heartbeat
// interval without them, so an idle socket costs little and a busy one does not parse
// twice per event. A change that server-side work makes to a socket that is not busy (a
// PubSub fan-out to thousands of idle tabs, a clock) keeps nothing: see coldDiff. Nothing
// is parsed when the HTML did not change.
func (c *conn) diff(keep bool) (patch, error) {
	s := c.sock
	// Rendering grows a goroutine's stack and parses allocate: when a fan-out makes
	// thousands of sockets render at once, only 8 per core do at a time, so that the
	// memory this takes is bounded by the slots rather than by the sockets. (So a view's
	// Render must not block; see View.)
	c.rt.renderSlots <- struct{}{}
	defer func() { <-c.rt.renderSlots }()
	buf, err := c.renderBuffer()
	if err != nil {
		return patch{}, err
	}
	defer c.releaseBuffer(buf)
	if string(buf.Bytes()) == s.html { // compared without a copy
		return patch{}, nil
	}
	if s.hot == nil && !keep {
		return c.coldDiff(buf.Bytes())
	}
	s.busy = true
	if s.hot == nil {
		s.hot = new(hotState)
	}
	h := s.hot
	old := h.tree
	if old == nil {
		if old, err = dom.Parse(s.html); err != nil {
			return patch{}, fmt.Errorf("live: parse last render: %w", err)
		}
	}
	// Parse into the memory of the tree before old, which nothing uses any more, and keep
	// the HTML in the memory of that tree's source (see hotState).
	next := 1 - h.arena
	var html string
	if buf.Len() <= maxKeptHTML {
		h.htmls[next] = append(h.htmls[next][:0], buf.Bytes()...)
		html = unsafe.String(unsafe.SliceData(h.htmls[next]), len(h.htmls[next]))
	} else {
		h.htmls[next] = nil // a rare huge page: its memory is not worth keeping twice
		html = buf.String()
	}
	tree, err := dom.ParseIn(&h.arenas[next], html)
	if err != nil {
		return patch{}, fmt.Errorf("live: parse render: %w", err)
	}
	// The ops go into the frame at once (see reply), so the next diff can reuse them.
	if cap(h.ops) > maxKeptOps {
		h.ops = nil // a rare huge patch: its memory is not worth keeping
	}
	h.ops = dom.AppendDiff(h.ops[:0], old, tree)
	s.html, h.tree, h.arena = html, tree, next
	if len(h.ops) == 0 {
		return patch{}, nil
	}
	return patch{ops: h.ops}, nil
}

// maxKeptOps bounds the memory a busy socket keeps for its next patch.
const maxKeptOps = 16 << 10

// maxKeptHTML bounds the renders a busy socket keeps in its two HTML buffers.
const maxKeptHTML = 64 << 10

// coldDiff diffs the last HTML sent against html without keeping a tree. It asks the
// runtime's diff cache first: every socket showing the same page gets the same change
// in a fan-out, and only the first one parses and diffs. Otherwise both renders are parsed
// into pooled memory, and the result goes into the cache.
func (c *conn) coldDiff(html []byte) (patch, error) {
	s := c.sock
	dc := c.rt.diffs
	key := dc.key(s.html, html)
	if e, ok := dc.get(key, s.html, html); ok {
		s.html = e.new // shared with the other sockets that took this change
		return patch{ops: e.ops, frame: e.frame}, nil
	}
	a := c.rt.arenas.Get().(*[2]dom.Arena)
	defer c.rt.arenas.Put(a)
	e := diffEntry{key: key, old: s.html, new: string(html)}
	old, err := dom.ParseIn(&a[0], e.old)
	if err != nil {
		return patch{}, fmt.Errorf("live: parse last render: %w", err)
	}
	tree, err := dom.ParseIn(&a[1], e.new)
	if err != nil {
		return patch{}, fmt.Errorf("live: parse render: %w", err)
	}
	if e.ops = dom.AppendDiff(nil, old, tree); e.ops != nil { // encoded before the arenas go back to the pool
		e.frame = frameOps(e.ops, nil)
	}
	dc.put(e)
	s.html = e.new
	return patch{ops: e.ops, frame: e.frame}, nil
}

// navigateTo mounts the view at to in place when it belongs to the same live session, and
// sends the browser there with a page load otherwise.
func (c *conn) navigateTo(ref int64, to string) {
	s := c.sock
	u, err := url.Parse(to)
	var r *route
	if err == nil {
		r = c.rt.lookup(u.EscapedPath())
	}
	if r == nil || r.session != s.route.session {
		c.send(frameRedirect(to, c.rt.encodeFlash(s.flash)))
		c.reply(ref, patch{}, "")
		return
	}
	s.unmount()
	s.url, s.params = u.RequestURI(), paramsFor(r, u)
	s.resetActions()
	ctx, cancel := c.callContext()
	err = c.rt.mount(ctx, s, r)
	cancel()
	if err != nil {
		// Let a page load show the failure (a 404, say); this view can no longer render.
		if !errors.Is(err, ErrNotFound) {
			c.rt.log.Error("live: navigation mount failed", "url", to, "err", err)
		}
		c.send(frameRedirect(to, c.rt.encodeFlash(s.flash)))
		c.reply(ref, patch{}, "")
		return
	}
	if s.redirect != "" {
		c.send(frameRedirect(s.redirect, c.rt.encodeFlash(s.flash)))
		c.reply(ref, patch{}, "")
		return
	}
	c.watchID()
	c.startTimers()
	token := c.rt.signer.signView(viewToken{Session: r.session.name, Route: r.pattern, URL: s.url,
		Expires: c.rt.now().Add(c.rt.cfg.TokenMaxAge).UnixMilli(), Binding: c.binding})
	c.sendRender(s.url, token)
	c.reply(ref, patch{}, "")
}
