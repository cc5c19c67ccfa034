package devserver

import "syscall"

// appProcAttr puts the app in a process group of its own, and has the kernel
// send it SIGTERM if the dev server dies without stopping it, so that no app
// outlives it holding the port.
func appProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
