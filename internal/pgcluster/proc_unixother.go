//go:build unix && !linux

package pgcluster

import "syscall"

// attachSupported is true where Cluster.Attached has an effect.
const attachSupported = false

func attach(*syscall.SysProcAttr) {}

func isServer(pid int) bool { return alive(pid) }
