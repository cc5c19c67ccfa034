package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// What the tool needs from Linux: the child's resident set size, the file descriptor
// limit, and a child that cannot outlive the tool.

// readRSS returns the resident set size of process pid (VmRSS in /proc/PID/status).
func readRSS(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read server RSS: %w", err)
	}
	for line := range bytes.Lines(b) {
		if bytes.HasPrefix(line, []byte("VmRSS:")) {
			n, err := parseKB(line)
			if err != nil {
				return 0, fmt.Errorf("read server RSS: %q: %w", line, err)
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("read server RSS: no VmRSS in /proc/%d/status", pid)
}

// raiseNoFile raises the soft RLIMIT_NOFILE to the hard limit, for this process and the
// children it starts afterwards, and returns the new soft limit.
func raiseNoFile() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("getrlimit: %w", err)
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return 0, fmt.Errorf("setrlimit: %w", err)
		}
	}
	return lim.Cur, nil
}

// tieToParent makes the kernel kill the child when the tool dies, even by SIGKILL.
func tieToParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// loadAvg returns the 1, 5 and 15 minute load averages, or "" when unknown: other work on
// the machine shows in every latency figure, so the report records it.
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
