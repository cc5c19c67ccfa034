//go:build unix

package pgcluster

import (
	"errors"
	"os"
	"syscall"
)

// sysProcAttr runs a child as u in a session of its own, so that a terminal's
// Ctrl-C reaches the server only through Stop.
func sysProcAttr(u *osUser, attached bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setsid: true}
	if u != nil {
		a.Credential = &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.gid), Groups: []uint32{}}
	}
	if attached {
		attach(a)
	}
	return a
}

// alive reports whether a process pid exists (EPERM: it exists, someone else's).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// interrupt asks the server for a fast shutdown: it disconnects clients, rolls
// back their transactions and checkpoints.
func interrupt(pid int) error { return syscall.Kill(pid, syscall.SIGINT) }

// quit asks the server for an immediate shutdown: the next start runs crash
// recovery.
func quit(pid int) error { return syscall.Kill(pid, syscall.SIGQUIT) }

// ownedBy reports whether fi belongs to uid.
func ownedBy(fi os.FileInfo, uid int) bool {
	owner, _, ok := fileOwner(fi)
	return ok && owner == uid
}

// fileOwner returns the user and group that own fi.
func fileOwner(fi os.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

// lockFile takes an exclusive lock on the file at path, created when missing,
// and returns the function that releases it.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
