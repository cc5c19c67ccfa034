package devserver

import (
	"fmt"
	"path"
	"strings"
	"time"
)

// EventKind says what an Event reports.
type EventKind int

const (
	// Watching says how the tree is watched (Text), and why that changed.
	Watching EventKind = iota
	// Building: a build starts, for Files (none for the first).
	Building
	// Started: a new process serves (Restart: it replaced another). Build,
	// Migrate and Ready time the steps, Took the whole, from the change
	// being noticed; Text is migrate's output when migrations changed.
	Started
	// Failed: Step ("build", "migrate", "start" or "template") failed with
	// Text; for "template", Files are the templates that changed. With
	// AppRunning, the previous process still serves and its pages show the
	// error in an overlay; otherwise the dev server answers with an error
	// page.
	Failed
	// Updated: Commands were sent to the app for Files, in Took; Err says
	// why they could not all be.
	Updated
	// Exited: the app exited by itself (Text); the dev server answers with
	// an error page until a change starts it again.
	Exited
	// Killed: a process ignored SIGTERM and was killed (Text).
	Killed
)

// Event is something the dev server did, for the terminal.
type Event struct {
	Kind     EventKind
	App      string
	Files    []string
	Commands []string
	Step     string
	Text     string
	Err      error

	Build, Migrate, Ready, Took time.Duration
	Restart                     bool
	AppRunning                  bool
}

// String describes the event in a line, followed by indented output where
// there is some: what a terminal shows.
func (e Event) String() string {
	var b strings.Builder
	switch e.Kind {
	case Watching:
		b.WriteString(e.Text)
	case Building:
		if len(e.Files) == 0 {
			fmt.Fprintf(&b, "building %s…", e.App)
		} else {
			fmt.Fprintf(&b, "%s changed: rebuilding…", names(e.Files))
		}
	case Started:
		verb := "started"
		if e.Restart {
			verb = "restarted"
		}
		fmt.Fprintf(&b, "%s %s in %s (build %s, migrate %s, ready %s)",
			verb, e.App, round(e.Took), round(e.Build), round(e.Migrate), round(e.Ready))
		indent(&b, e.Text)
	case Failed:
		where := "the browser shows it until a change fixes it"
		if e.AppRunning {
			where = "the browser shows it over the running app, which keeps serving"
		}
		if e.Step == "template" {
			fmt.Fprintf(&b, "%s changed: the templates do not parse (%s):", names(e.Files), where)
		} else {
			fmt.Fprintf(&b, "%s failed (%s):", e.Step, where)
		}
		text := e.Text
		if e.Step == "start" {
			// The rest is the app's output, printed already.
			text, _, _ = strings.Cut(text, "\n")
		}
		indent(&b, text)
	case Updated:
		what := make([]string, len(e.Commands))
		for i, c := range e.Commands {
			switch {
			case c == TemplatesCmd:
				what[i] = "re-rendered pages"
			case c == ReloadCmd:
				what[i] = "reloaded pages"
			case strings.HasPrefix(c, "css "):
				what[i] = "swapped " + strings.TrimPrefix(c, "css ")
			default:
				what[i] = c
			}
		}
		fmt.Fprintf(&b, "%s changed: %s in %s", names(e.Files), strings.Join(what, ", "), round(e.Took))
		if e.Err != nil {
			fmt.Fprintf(&b, " (%v)", e.Err)
		}
	case Exited:
		fmt.Fprintf(&b, "%s; the browser shows why until a change starts it again", e.Text)
	case Killed:
		b.WriteString(e.Text)
	}
	return b.String()
}

// names lists the base names of files, at most three.
func names(files []string) string {
	var n []string
	for i, f := range files {
		if i == 3 {
			n = append(n, fmt.Sprintf("and %d more", len(files)-3))
			break
		}
		n = append(n, path.Base(f))
	}
	return strings.Join(n, ", ")
}

// round shortens d for a person: 1.24s, 85ms.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}

// indent appends text to b, each line indented, after a newline.
func indent(b *strings.Builder, text string) {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return
	}
	for _, l := range strings.Split(text, "\n") {
		b.WriteString("\n    ")
		b.WriteString(l)
	}
}
