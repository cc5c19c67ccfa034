//go:build !unix

package pgcluster

import (
	"errors"
	"os"
	"syscall"
)

// Clusters need Unix sockets and Unix process control; these stubs keep packages
// that import pgcluster building elsewhere.

const attachSupported = false

func sysProcAttr(*osUser, bool) *syscall.SysProcAttr { return nil }
func alive(int) bool                                 { return false }
func isServer(int) bool                              { return false }
func interrupt(int) error                            { return errors.ErrUnsupported }
func quit(int) error                                 { return errors.ErrUnsupported }
func ownedBy(os.FileInfo, int) bool                  { return false }
func lockFile(string) (func(), error)                { return nil, errors.ErrUnsupported }
func fileOwner(os.FileInfo) (int, int, bool)         { return 0, 0, false }
