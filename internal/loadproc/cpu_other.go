//go:build !linux

package loadproc

import "time"

// ReadCPU returns the CPU time process pid has used; only Linux is supported.
func ReadCPU(int) (time.Duration, error) { return 0, errNotLinux }
