//go:build !linux

package loadproc

import (
	"errors"
	"fmt"
	"os/exec"
)

// Elsewhere the tools stop at the first thing they need from /proc or from
// RLIMIT_NOFILE, and a child is not tied to its tool.

var errNotLinux = fmt.Errorf("the load tools read /proc and run on Linux only: %w", errors.ErrUnsupported)

func tieToParent(*exec.Cmd) {}

// ReadMemory fails: /proc/PID/status is Linux's.
func ReadMemory(int) (Memory, error) { return Memory{}, errNotLinux }

// ResetPeak fails: /proc/PID/clear_refs is Linux's.
func ResetPeak(int) error { return errNotLinux }

// RaiseNoFile fails, so that a tool stops before it opens more connections
// than it can hold.
func RaiseNoFile() (uint64, error) { return 0, errNotLinux }

// LoadAvg returns "": unknown.
func LoadAvg() string { return "" }
