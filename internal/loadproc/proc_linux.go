package loadproc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// What the tools need from Linux: a child's memory, the file descriptor limit,
// the load on the machine, and a child that cannot outlive the tool.

// tieToParent makes the kernel kill the child when the tool dies, even by SIGKILL.
func tieToParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}

// ReadMemory reads VmRSS and VmHWM of process pid from /proc/PID/status. Its
// errors say what failed to read or parse, not whose memory it was: callers
// add that.
func ReadMemory(pid int) (Memory, error) {
	var m Memory
	file := fmt.Sprintf("/proc/%d/status", pid)
	b, err := os.ReadFile(file)
	if err != nil {
		return m, err
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
			return m, fmt.Errorf("%q: %w", line, err)
		}
	}
	switch {
	case m.RSS == 0:
		return m, fmt.Errorf("no VmRSS in %s", file)
	case m.HWM == 0:
		return m, fmt.Errorf("no VmHWM in %s", file)
	}
	return m, nil
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

// ResetPeak sets the VmHWM of process pid to its current VmRSS (Linux 4.0 and
// later), so that the next VmHWM is the peak of what follows.
func ResetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// RaiseNoFile raises the soft RLIMIT_NOFILE to the hard limit, for this
// process and the children it starts afterwards, and returns the new soft
// limit.
func RaiseNoFile() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("getrlimit: %w", err)
	}
	// Go raises the soft limit at start-up, to one below the hard limit, but
	// gives children the original back unless the program sets the limit
	// itself (see syscall.Setrlimit): setting it here raises it for them too.
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return 0, fmt.Errorf("setrlimit: %w", err)
		}
	}
	return lim.Cur, nil
}

// LoadAvg returns the 1, 5 and 15 minute load averages, such as "0.52 0.58
// 0.59", or "" when they are unknown.
func LoadAvg() string {
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
