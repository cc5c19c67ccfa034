package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// View is a live view. The runtime makes a new one for every mount (one per dead render
// and one per connected socket), so a view's fields are the state of one browser tab.
//
// Mount runs twice: first for the plain HTTP request (s.Connected() is false), then again
// when the browser's websocket connects. Register the view's events and subscriptions in
// Mount; only registered events can be called. Render writes the view's HTML; it runs after
// Mount and after every event or message, and must not change state. Render must not block
// either (no queries: load data in Mount and the handlers): the runtime runs only a few
// renders at a time, so that a change fanned out to thousands of views costs bounded
// memory.
type View interface {
	Mount(ctx context.Context, s *Socket) error
	Render(w io.Writer) error
}

// ParamsHandler is implemented by views that react to their URL's parameters. HandleParams
// runs after Mount and again whenever a live patch changes the URL without a new mount.
type ParamsHandler interface {
	HandleParams(ctx context.Context, s *Socket) error
}

// Hook runs before a view mounts, over HTTP and again over the websocket, with the same
// function both times. It returns nil to continue, or Halt to stop the mount and send the
// browser elsewhere. A hook may assign values (the current user, say) and set the socket's
// id. Hooks also run again on every live navigation inside their live session.
type Hook func(ctx context.Context, s *Socket) error

// EventHandler handles one named browser event with its decoded parameters.
type EventHandler func(ctx context.Context, p Params) error

// MessageHandler handles one PubSub message delivered to a view's subscription.
type MessageHandler func(ctx context.Context, topic string, data []byte) error

// Halt returns an error that stops a mount and redirects the browser to url: an HTTP 303
// over plain HTTP, a redirect frame over the websocket. url must be a local path.
func Halt(url string) error { return &HaltError{To: url} }

// HaltError is the error Halt returns; errors.As finds it.
type HaltError struct{ To string }

func (e *HaltError) Error() string { return "live: halted, redirect to " + e.To }

// ErrNotFound may be returned (or wrapped) by Mount when the thing the URL names does not
// exist or the user may not see it. The dead render answers 404; a connected mount shows
// the error.
var ErrNotFound = errors.New("live: not found")

// Params holds an event's parameters, or the route and query parameters of a mount. Each
// name maps to one or more values (repeated form fields).
type Params map[string][]string

// Get returns the first value for name, or "".
func (p Params) Get(name string) string {
	if v := p[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Has reports whether name is present.
func (p Params) Has(name string) bool { _, ok := p[name]; return ok }

// Int parses the value for name as a decimal integer. A missing or malformed value is a
// *ParamError naming the field.
func (p Params) Int(name string) (int64, error) {
	v, ok := p[name]
	if !ok || len(v) == 0 {
		return 0, &ParamError{Name: name, Reason: "is missing"}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v[0]), 10, 64)
	if err != nil {
		return 0, &ParamError{Name: name, Reason: "is not a whole number"}
	}
	return n, nil
}

// Bool reports whether name is present with a true-like value ("true", "on", "1", "yes").
func (p Params) Bool(name string) bool {
	switch strings.ToLower(p.Get(name)) {
	case "true", "on", "1", "yes":
		return true
	}
	return false
}

// ParamError reports a parameter that is missing or cannot be decoded.
type ParamError struct{ Name, Reason string }

func (e *ParamError) Error() string { return fmt.Sprintf("parameter %q %s", e.Name, e.Reason) }
