// Package devserver runs an app in development, as liveapp dev: it builds the
// app, runs it, and keeps it up to date with its files.
//
// # The loop
//
// The dev server watches the app's tree (fsnotify, or a scan every
// DefaultPoll where that fails) and gathers changes into batches: a batch
// ends once Server.Quiet passes without another change. What a batch asks for
// depends on the files:
//
//   - a stylesheet under StaticDir: the app's pages swap it (CSSCmd), keeping
//     their live state;
//   - another file under StaticDir: the pages reload (ReloadCmd);
//   - a template under TemplatesDir: the app reads its templates again and
//     re-renders every view (TemplatesCmd). The dev server parses them first:
//     when one does not parse, it reports the error and shows it over the
//     pages instead, and the app keeps the templates it has;
//   - Go files, go.mod, go.sum, SQL migrations, and anything in
//     third_party/: a rebuild. The dev server builds ./cmd/NAME into
//     .liveapp/bin/NAME, runs "NAME migrate" with the new binary, starts it
//     beside the old process, waits for it to say it serves, then stops the
//     old one (SIGTERM, SIGKILL after Server.StopTimeout). Pages reconnect
//     to the new process and mount their views again.
//
// Tests (*_test.go), hidden directories (.git, .liveapp), testdata and
// node_modules, and editors' swap and backup files are ignored.
//
// # What the app inherits
//
// The dev server listens once, and passes the listening socket to every
// process it starts, so a request made during a restart waits in the accept
// queue and is answered by the new process. Each process gets three
// descriptors, named by environment variables:
//
//	LIVEAPP_LISTEN_FD=3  the listening socket: serve on it, do not listen
//	LIVEAPP_DEV_FD=4     a pipe to read dev commands from, one per line
//	LIVEAPP_READY_FD=5   a pipe to write "ready\n" on once serving
//
// The commands are "reload", "css PATH", "templates", "error BASE64" (an
// overlay with that text, standard base64 of UTF-8) and "clear" (remove the
// overlay). Constants and functions in this package spell them.
//
// # When it fails
//
// A failed build, migration or start leaves the running process serving (if
// there is one), and its pages show the error in an overlay. With no
// process, because the first build failed or the app exited, the dev server
// accepts on the listener itself and answers every request with an error
// page, which reloads once an app serves again.
package devserver
