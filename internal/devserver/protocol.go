package devserver

import "github.com/liveapp/liveapp/live/devmode/devproto"

// The descriptor numbers the app inherits, named to it by devproto's environment
// variables (exec's ExtraFiles start at 3).
const (
	listenFD = 3
	devFD    = 4
	readyFD  = 5
)

// The commands the dev server writes on the app's dev pipe, one per line, in devproto's
// encoding.
const (
	// ReloadCmd makes every connected page reload.
	ReloadCmd = string(devproto.Reload)
	// TemplatesCmd makes the app read its templates from disk again and
	// re-render every connected view.
	TemplatesCmd = string(devproto.Templates)
	// ClearCmd removes the error overlay from every connected page.
	ClearCmd = string(devproto.Clear)
)

// CSSCmd makes every connected page swap the stylesheet whose URL path is
// urlPath (such as /static/app.css) for a fresh copy, without reloading: live
// state survives.
func CSSCmd(urlPath string) string {
	return devproto.Command{Op: devproto.CSS, Path: urlPath}.String()
}

// ErrorCmd makes every connected page show an overlay with text.
func ErrorCmd(text string) string {
	return devproto.Command{Op: devproto.Error, Text: text}.String()
}
