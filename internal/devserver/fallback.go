package devserver

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// The headers of the error page's long poll.
const (
	waitHeader = "X-Liveapp-Dev-Wait" // the page's generation, sent by its poll
	genHeader  = "X-Liveapp-Dev"      // the current generation, in the answer
)

// pollTimeout bounds a long poll; the page polls again.
const pollTimeout = 25 * time.Second

// fallback answers on the dev server's listener while no app serves on it: the
// first build is running, it failed, or the app exited. Every request gets
// the error page, which long-polls the dev server and reloads when the page
// would change or an app serves again.
//
// The listener is shared with the app processes, so the fallback accepts only
// while it is wanted (no app runs) and not held (no process is starting: a
// request then waits in the accept queue for the app). It stops accepting
// with a deadline on the listener, which interrupts its Accept without
// closing the socket.
type fallback struct {
	ln    *net.TCPListener
	srv   *http.Server
	conns *connQueue

	mu        sync.Mutex
	wanted    bool          // no app serves: answer requests
	holds     int           // processes starting
	accepting chan struct{} // while the accept loop runs: closed when it ends
	page      errorPage
	changed   chan struct{} // closed at the next change of page or wanted
}

// newFallback starts serving the connections the fallback will accept on ln.
// It accepts none until serve(true).
func newFallback(ln *net.TCPListener, page errorPage) *fallback {
	f := &fallback{ln: ln, conns: newConnQueue(ln.Addr()), page: page, changed: make(chan struct{})}
	f.srv = &http.Server{
		Handler:           f,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	// One request per connection: a browser must not keep a connection to
	// the fallback and send the requests meant for the app over it.
	f.srv.SetKeepAlivesEnabled(false)
	go f.srv.Serve(f.conns)
	return f
}

// show makes p the page every request gets.
func (f *fallback) show(p errorPage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p.Gen = f.page.Gen + 1
	f.page = p
	f.bump()
}

// serve says whether an app serves (false) or not (true).
func (f *fallback) serve(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.wanted != on {
		f.wanted = on
		f.page.Gen++
		f.bump() // waiting pages reload, onto the app
	}
	f.reconcile()
}

// hold stops accepting until release is called, while a process starts.
func (f *fallback) hold() (release func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holds++
	f.reconcile()
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.holds--
			f.reconcile()
		})
	}
}

// close stops accepting and closes the fallback's connections.
func (f *fallback) close() {
	f.mu.Lock()
	f.wanted = false
	f.reconcile()
	f.bump()
	f.mu.Unlock()
	f.srv.Close()
}

// bump wakes the long polls; f.mu is held.
func (f *fallback) bump() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// reconcile starts or stops the accept loop as wanted and holds say; f.mu is
// held.
func (f *fallback) reconcile() {
	should := f.wanted && f.holds == 0
	switch {
	case should && f.accepting == nil:
		f.ln.SetDeadline(time.Time{})
		done := make(chan struct{})
		f.accepting = done
		go f.accept(done)
	case !should && f.accepting != nil:
		f.ln.SetDeadline(time.Unix(1, 0)) // interrupts Accept
		<-f.accepting
		f.ln.SetDeadline(time.Time{})
		f.accepting = nil
	}
}

// accept hands connections to the server until the listener's deadline.
func (f *fallback) accept(done chan struct{}) {
	defer close(done)
	for {
		c, err := f.ln.Accept()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // EMFILE and the like: try again
			continue
		}
		f.conns.put(c)
	}
}

func (f *fallback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	f.mu.Lock()
	page, wanted, changed := f.page, f.wanted, f.changed
	f.mu.Unlock()
	gen := strconv.Itoa(page.Gen)

	if v := r.Header.Get(waitHeader); v != "" {
		if v == gen && wanted {
			t := time.NewTimer(pollTimeout)
			select {
			case <-changed:
			case <-t.C:
			case <-r.Context().Done():
			}
			t.Stop()
			f.mu.Lock()
			gen = strconv.Itoa(f.page.Gen)
			f.mu.Unlock()
		}
		w.Header().Set(genHeader, gen)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !wanted {
		// A connection accepted before the app came up: send the browser
		// again, over a new connection, which the app accepts.
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusTemporaryRedirect)
		return
	}
	w.Header().Set(genHeader, gen)
	if r.Header.Get("Upgrade") != "" {
		http.Error(w, page.Title, http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	if r.Method != http.MethodHead {
		page.render(w)
	}
}

// connQueue is a net.Listener whose connections come from put.
type connQueue struct {
	addr   net.Addr
	c      chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newConnQueue(addr net.Addr) *connQueue {
	return &connQueue{addr: addr, c: make(chan net.Conn), closed: make(chan struct{})}
}

func (q *connQueue) put(c net.Conn) {
	select {
	case q.c <- c:
	case <-q.closed:
		c.Close()
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.c:
		return c, nil
	case <-q.closed:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.once.Do(func() { close(q.closed) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return q.addr }
