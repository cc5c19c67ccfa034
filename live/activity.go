package live

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// ActivityKind says what a connected view did for its client.
type ActivityKind uint8

// The kinds of Activity.
const (
	// ActivityMount is the mount of a view over its websocket, at connection
	// or reconnection, or again after a failure.
	ActivityMount ActivityKind = iota + 1
	// ActivityEvent is a client event handled, or refused (Err says why).
	ActivityEvent
	// ActivityNavigate is a live navigation: the view of another route mounted on
	// the same socket (or a redirect, when the route is of another live session).
	ActivityNavigate
	// ActivityPatch is a live patch: a new URL for the same view.
	ActivityPatch
)

// String returns "mount", "event", "navigate" or "patch".
func (k ActivityKind) String() string {
	switch k {
	case ActivityMount:
		return "mount"
	case ActivityEvent:
		return "event"
	case ActivityNavigate:
		return "navigate"
	case ActivityPatch:
		return "patch"
	}
	return fmt.Sprintf("ActivityKind(%d)", k)
}

// MarshalText writes k as its String, so that JSON shows "event" rather than 2.
func (k ActivityKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Activity is one piece of work a connected view did for its client, which the
// runtime reports to Config.Observe: for a dev log, a dashboard or metrics.
type Activity struct {
	Kind ActivityKind
	// View is the type of the view that handled it, such as "web.ProjectIndex";
	// after a navigation, the view navigated to. Empty when no view mounted.
	View string
	// Route is the pattern of the view's route, such as "/projects/{id}". The
	// URL itself is left out: its path may hold a secret (a token in an
	// emailed link).
	Route string
	// Event is the event's name, for ActivityEvent.
	Event string
	// Duration runs from the start of the work to the last frame it queued
	// for the client: handlers, render and diff.
	Duration time.Duration
	// Bytes counts the frames the work queued for the client (patches,
	// replies, renders).
	Bytes int
	// Err is the error the handler or the mount returned, or why the event
	// was refused; nil when it succeeded.
	Err error
}

// LogActivity returns a Config.Observe that logs each activity to log at
// level, as one line: msg "live event", then the view, the event, the
// duration, the bytes sent and any error. Nothing is formatted when log does
// not log at level: production can keep it at slog.LevelDebug for free.
func LogActivity(log *slog.Logger, level slog.Level) func(Activity) {
	return func(a Activity) {
		ctx := context.Background()
		if !log.Enabled(ctx, level) {
			return
		}
		attrs := make([]slog.Attr, 0, 6)
		attrs = append(attrs, slog.String("view", a.View))
		if a.Event != "" {
			attrs = append(attrs, slog.String("event", a.Event))
		}
		attrs = append(attrs, slog.String("route", a.Route), slog.Duration("took", a.Duration), slog.Int("bytes", a.Bytes))
		if a.Err != nil {
			attrs = append(attrs, slog.String("err", a.Err.Error()))
		}
		log.LogAttrs(ctx, level, "live "+a.Kind.String(), attrs...)
	}
}

// observer times one piece of work of c for Config.Observe.
type observer struct {
	start time.Time
	sent  int // c's bytes sent before it
}

// observe starts timing a piece of work, when Config.Observe is set.
func (c *conn) observe() *observer {
	if c.rt.cfg.Observe == nil {
		return nil
	}
	return &observer{start: time.Now(), sent: c.sentBytes()}
}

// done reports the work o timed to Config.Observe. A nil o does nothing.
func (o *observer) done(c *conn, kind ActivityKind, event string, err error) {
	if o == nil {
		return
	}
	a := Activity{Kind: kind, Event: event, Err: err, Duration: time.Since(o.start), Bytes: c.sentBytes() - o.sent}
	if s := c.sock; s != nil {
		if s.view != nil {
			a.View = strings.TrimPrefix(fmt.Sprintf("%T", s.view), "*")
		}
		if s.route != nil {
			a.Route = s.route.pattern
		}
	}
	c.rt.cfg.Observe(a)
}

// sentBytes returns the bytes of the frames queued for c's client so far.
func (c *conn) sentBytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent
}
