package pgcluster

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// attachSupported is true where Cluster.Attached has an effect.
const attachSupported = true

// attach has the kernel send the server SIGQUIT (immediate shutdown) when the
// thread that started it exits. Start runs the child from a goroutine locked to
// its thread until the server exits, so that thread exits only with the process.
func attach(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGQUIT }

// isServer reports whether pid is a postgres process, so that a stale
// postmaster.pid whose number was reused is not taken for a running server.
func isServer(pid int) bool {
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return alive(pid) // no /proc: trust the process table
	}
	argv0, _, _ := bytes.Cut(cmdline, []byte{0})
	return strings.HasPrefix(filepath.Base(string(argv0)), "postgres") || strings.HasPrefix(string(argv0), "postgres:")
}
