package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// What the tool needs from Linux: the server's memory, the load on the
// machine, and a server that cannot outlive the tool.

// memory is a process's resident set size, now and at its peak.
type memory struct {
	RSS uint64 // VmRSS, bytes
	HWM uint64 // VmHWM, the peak of VmRSS since the start or the last resetPeak, bytes
}

// readMemory reads VmRSS and VmHWM from /proc/PID/status.
func readMemory(pid int) (memory, error) {
	var m memory
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, fmt.Errorf("read server memory: %w", err)
	}
	for line := range bytes.Lines(b) {
		var dst *uint64
		switch {
		case bytes.HasPrefix(line, []byte("VmRSS:")):
			dst = &m.RSS
		case bytes.HasPrefix(line, []byte("VmHWM:")):
			dst = &m.HWM
		default:
			continue
		}
		if *dst, err = parseKB(line); err != nil {
			return m, fmt.Errorf("read server memory: %q: %w", line, err)
		}
	}
	if m.RSS == 0 || m.HWM == 0 {
		return m, fmt.Errorf("read server memory: no VmRSS or VmHWM in /proc/%d/status", pid)
	}
	return m, nil
}

// resetPeak sets the process's VmHWM to its current VmRSS (Linux 4.0 and
// later), so that the next VmHWM is the peak of what follows.
func resetPeak(pid int) error {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return fmt.Errorf("reset the server's peak RSS: %w", err)
	}
	return nil
}

// parseKB parses the value of a /proc/PID/status line such as "VmRSS:   1234 kB".
func parseKB(line []byte) (uint64, error) {
	f := bytes.Fields(line)
	if len(f) != 3 || string(f[2]) != "kB" {
		return 0, errors.New("unexpected format")
	}
	n, err := strconv.ParseUint(string(f[1]), 10, 64)
	return n << 10, err
}

// tieToParent makes the kernel kill the child when the tool dies, even by SIGKILL.
func tieToParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// loadAvg returns the 1, 5 and 15 minute load averages, or "" when unknown:
// other work on the machine shows in every rate, so the report records it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := bytes.Fields(b)
	if len(f) < 3 {
		return ""
	}
	return string(bytes.Join(f[:3], []byte(" ")))
}
