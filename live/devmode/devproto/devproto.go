// Package devproto is the contract between `liveapp dev` and the app it runs: the
// environment variables that name the file descriptors the app inherits, the line the
// app writes once it serves, and the commands written to it one per line. The
// supervisor (internal/devserver) writes what the app's side (live/devmode) reads, and
// both import this package, so the two cannot drift apart. It depends on nothing but the
// standard library.
package devproto

// The environment variables that name the inherited file descriptors. The app reads the
// numbers from them, so that it runs the same without them.
const (
	// ListenFDEnv names a TCP socket already listening, which the app serves on instead
	// of listening itself. The supervisor keeps it open across restarts, so a request
	// made during one waits in the accept queue instead of being refused.
	ListenFDEnv = "LIVEAPP_LISTEN_FD"

	// DevFDEnv names the read end of a pipe carrying one Command per line.
	DevFDEnv = "LIVEAPP_DEV_FD"

	// ReadyFDEnv names the write end of a pipe on which the app writes ReadyLine and a
	// newline once it serves.
	ReadyFDEnv = "LIVEAPP_READY_FD"
)

// ReadyLine is what the app writes on the ready pipe once it serves.
const ReadyLine = "ready"
