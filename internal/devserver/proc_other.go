//go:build !unix

package devserver

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// The dev server passes descriptors to the app (exec's ExtraFiles), which only
// Unix systems support; these stubs keep the CLI building elsewhere.

var supported = errors.New("liveapp dev needs a Unix system: it passes the app its listening socket")

func listenerFile(ln *net.TCPListener) (*os.File, error) { return ln.File() }
func terminate(p *os.Process) error                      { return p.Kill() }
func appProcAttr() *syscall.SysProcAttr                  { return nil }
