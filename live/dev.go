package live

import (
	"sync"
)

// Dev control is how `liveapp dev` reaches the pages of a running app: reload them, swap
// a stylesheet, re-render the views after a template edit, show an error over them. The
// commands arrive through package devmode; each reaches the sockets of this process only,
// which is the point: a dev server runs one process. The frames are specified in
// docs/protocol.md, section 3.3.

// devState is what dev control remembers between commands.
type devState struct {
	mu       sync.Mutex
	errMsg   string // the overlay every page shows, or ""
	reloadAt int64  // Unix ms of the last DevReload: pages rendered before it are stale
}

// Dev reports whether the runtime runs in dev mode (Config.Dev). The Dev methods do
// nothing unless it does.
func (rt *Runtime) Dev() bool { return rt.cfg.Dev }

// DevReload makes every page of this process load again: the connected pages at once,
// and a page rendered before the call that connects later (a tab that was asleep, or
// that was reconnecting while the app restarted) as soon as it connects. A page load
// renders the layout again, which re-rendering a view does not.
func (rt *Runtime) DevReload() {
	if !rt.cfg.Dev {
		return
	}
	rt.dev.mu.Lock()
	rt.dev.reloadAt = rt.now().UnixMilli()
	rt.dev.mu.Unlock()
	rt.devBroadcast(frameDev("reload", "", ""))
}

// DevCSS makes every connected page fetch the stylesheet whose URL path is path (such as
// "/static/app.css") again and use the new one in place of the old, without a page load:
// the views keep their state, and the form fields their values and focus. A path that is
// not local is ignored.
func (rt *Runtime) DevCSS(path string) {
	if !rt.cfg.Dev {
		return
	}
	if !localPath(path) {
		rt.log.Warn("live: dev: not a stylesheet path", "path", truncate(path, 128))
		return
	}
	rt.devBroadcast(frameDev("css", "path", path))
}

// DevRerender renders every connected view again and sends the patches, as after an event:
// what an edited template looks like, without a page load or a remount. Each view renders
// on its connection's worker, in turn with its events. A view that fails to render keeps
// its page as it was and shows the error over it until a later DevRerender succeeds.
//
// A view sees new templates only if it looks them up when it renders; one that kept a
// *template.Template from Mount (for a Memo, say) sees them after its next mount.
func (rt *Runtime) DevRerender() {
	if !rt.cfg.Dev {
		return
	}
	for _, c := range rt.connected() {
		c.post(job{run: (*conn).devRerender})
	}
}

// DevError shows msg, as text, in an overlay over every connected page, and over every
// page that connects until DevClearError. Showing another error replaces it. The user may
// dismiss the overlay; it comes back when the page reconnects while the error stands.
func (rt *Runtime) DevError(msg string) {
	if !rt.cfg.Dev {
		return
	}
	if msg == "" {
		msg = "error"
	}
	rt.dev.mu.Lock()
	rt.dev.errMsg = msg
	rt.dev.mu.Unlock()
	rt.devBroadcast(frameDev("error", "msg", msg))
}

// DevClearError removes the overlay of DevError from every page.
func (rt *Runtime) DevClearError() {
	if !rt.cfg.Dev {
		return
	}
	rt.dev.mu.Lock()
	rt.dev.errMsg = ""
	rt.dev.mu.Unlock()
	rt.devBroadcast(frameDev("clear", "", ""))
}

// devError returns the standing DevError message, or "".
func (rt *Runtime) devError() string {
	if !rt.cfg.Dev {
		return ""
	}
	rt.dev.mu.Lock()
	defer rt.dev.mu.Unlock()
	return rt.dev.errMsg
}

// devStale reports whether a page whose view token was signed at issued (Unix ms) was
// rendered before the last DevReload.
func (rt *Runtime) devStale(issued int64) bool {
	if !rt.cfg.Dev {
		return false
	}
	rt.dev.mu.Lock()
	defer rt.dev.mu.Unlock()
	return issued < rt.dev.reloadAt
}

// devBroadcast queues frame for every connected socket.
func (rt *Runtime) devBroadcast(frame []byte) {
	for _, c := range rt.connected() {
		c.send(frame)
	}
}

// connected returns the connections of this process.
func (rt *Runtime) connected() []*conn {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	conns := make([]*conn, 0, len(rt.conns))
	for c := range rt.conns {
		conns = append(conns, c)
	}
	return conns
}

// devRerender is DevRerender's job on one connection's worker.
func (c *conn) devRerender() {
	s := c.sock
	if c.closing() || s.view == nil {
		return
	}
	s.resetActions()
	for _, m := range s.memos {
		m.forget()
	}
	s.staleComponents() // their templates may have changed too
	p, err := c.diff(false)
	if err != nil {
		c.devFailed = true
		c.send(frameDev("error", "msg", err.Error()))
		return
	}
	if c.devFailed {
		// The render works again: take this page's error down, or put back the one
		// every page shows.
		c.devFailed = false
		if msg := c.rt.devError(); msg != "" {
			c.send(frameDev("error", "msg", msg))
		} else {
			c.send(frameDev("clear", "", ""))
		}
	}
	c.reply(0, p, "")
}

// frameDev encodes a dev frame: {"t":"dev","do":do} with the field key set to val when
// key is not empty.
func frameDev(do, key, val string) []byte {
	b := append([]byte(`{"t":"dev","do":`), appendString(nil, do)...)
	if key != "" {
		b = append(b, `,"`...)
		b = append(b, key...)
		b = append(b, `":`...)
		b = appendString(b, val)
	}
	return append(b, '}')
}
