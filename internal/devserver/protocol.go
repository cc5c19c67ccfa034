package devserver

import (
	"encoding/base64"
	"strings"
)

// The environment variables that tell an app run by the dev server where its
// inherited descriptors are. The numbers are fixed (exec's ExtraFiles start at
// 3), but the app reads them from the environment, so that it runs the same
// without them.
const (
	// ListenFDEnv names the descriptor of the listening TCP socket the app
	// serves on instead of listening itself. The dev server opens it once and
	// hands it to every process, so a request made during a restart waits in
	// the accept queue instead of being refused.
	ListenFDEnv = "LIVEAPP_LISTEN_FD"

	// DevFDEnv names the read end of a pipe on which the dev server writes one
	// command per line; see the Cmd functions.
	DevFDEnv = "LIVEAPP_DEV_FD"

	// ReadyFDEnv names the write end of a pipe on which the app writes
	// "ready\n" once it serves.
	ReadyFDEnv = "LIVEAPP_READY_FD"
)

// The descriptor numbers of the environment variables above.
const (
	listenFD = 3
	devFD    = 4
	readyFD  = 5
)

// readyLine is what the app writes on the ready pipe once it serves.
const readyLine = "ready"

// The commands the dev server writes on the app's dev pipe.
const (
	// ReloadCmd makes every connected page reload.
	ReloadCmd = "reload"
	// TemplatesCmd makes the app read its templates from disk again and
	// re-render every connected view.
	TemplatesCmd = "templates"
	// ClearCmd removes the error overlay from every connected page.
	ClearCmd = "clear"
)

// CSSCmd makes every connected page swap the stylesheet whose URL path is
// urlPath (such as /static/app.css) for a fresh copy, without reloading: live
// state survives.
func CSSCmd(urlPath string) string { return "css " + urlPath }

// ErrorCmd makes every connected page show an overlay with text, which is
// sent base64-encoded (standard encoding, UTF-8) so that it fits on one line.
func ErrorCmd(text string) string {
	return "error " + base64.StdEncoding.EncodeToString([]byte(text))
}

// ParseCmd splits a command line into its name and argument, decoding the
// argument of error. It is the reading side of the contract, for tests and
// for apps that want it.
func ParseCmd(line string) (name, arg string, ok bool) {
	name, arg, _ = strings.Cut(strings.TrimRight(line, "\r\n"), " ")
	switch name {
	case ReloadCmd, TemplatesCmd, ClearCmd:
		return name, "", arg == ""
	case "css":
		return name, arg, strings.HasPrefix(arg, "/")
	case "error":
		b, err := base64.StdEncoding.DecodeString(arg)
		return name, string(b), err == nil
	}
	return name, arg, false
}
