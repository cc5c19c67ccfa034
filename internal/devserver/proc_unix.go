//go:build unix

package devserver

import (
	"net"
	"os"
	"syscall"
)

// listenerFile returns a duplicate of the listening socket's descriptor, for
// a child to inherit. Unlike TCPListener.File, whose Fd (which exec calls)
// puts the socket in blocking mode, it leaves the socket's mode alone: the
// mode belongs to the socket, shared with the dev server's own listener and
// with the app processes, and an Accept on a blocking socket ties up a thread
// that neither a deadline nor Close can free until a client connects.
func listenerFile(ln *net.TCPListener) (*os.File, error) {
	rc, err := ln.SyscallConn()
	if err != nil {
		return nil, err
	}
	var nfd int
	var dupErr error
	err = rc.Control(func(fd uintptr) {
		// ForkLock: no child may inherit the duplicate before it is
		// marked close-on-exec (the way package syscall makes descriptors).
		syscall.ForkLock.RLock()
		defer syscall.ForkLock.RUnlock()
		if nfd, dupErr = syscall.Dup(int(fd)); dupErr == nil {
			syscall.CloseOnExec(nfd)
		}
	})
	if err == nil {
		err = dupErr
	}
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(nfd), "liveapp-listener"), nil
}

// terminate asks the process to shut down gracefully.
func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }

// supported is nil where the dev server runs.
var supported error
