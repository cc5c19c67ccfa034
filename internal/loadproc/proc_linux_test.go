package loadproc

import (
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
)

func TestStartTiesTheChildToThisProcess(t *testing.T) {
	cmd := exec.Command("true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	tieToParent(cmd)
	if a := cmd.SysProcAttr; a.Pdeathsig != syscall.SIGKILL || !a.Setpgid {
		t.Errorf("SysProcAttr = %+v, want Pdeathsig SIGKILL and the caller's Setpgid kept", a)
	}
}

func TestReadMemoryOfThisProcess(t *testing.T) {
	m, err := ReadMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS < 1<<20 || m.HWM < m.RSS {
		t.Errorf("ReadMemory = %+v, want an RSS of at least 1 MiB and a peak no lower", m)
	}
}

func TestResetPeakForgetsMemoryReturnedSince(t *testing.T) {
	b := make([]byte, 64<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	runtime.KeepAlive(b)
	b = nil
	debug.FreeOSMemory()
	before, err := ReadMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if err := ResetPeak(os.Getpid()); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("ResetPeak: %v", err)
		}
		t.Skipf("ResetPeak: %v (a kernel before 4.0?)", err)
	}
	after, err := ReadMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after.HWM > before.HWM-32<<20 {
		t.Errorf("peak %.1f MiB after ResetPeak, %.1f MiB before: want the 64 MiB freed since forgotten",
			float64(after.HWM)/(1<<20), float64(before.HWM)/(1<<20))
	}
}

func TestReadMemoryOfAMissingProcessFails(t *testing.T) {
	if _, err := ReadMemory(-1); err == nil {
		t.Error("ReadMemory(-1) succeeded")
	}
}

func TestParseKB(t *testing.T) {
	for _, tc := range []struct {
		line string
		want uint64
		ok   bool
	}{
		{"VmRSS:\t    1234 kB\n", 1234 << 10, true},
		{"VmHWM:  0 kB", 0, true},
		{"VmRSS: 1234 MB", 0, false},
		{"VmRSS: 1234", 0, false},
		{"VmRSS: many kB", 0, false},
	} {
		got, err := parseKB([]byte(tc.line))
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseKB(%q) = %d, %v; want %d, ok %v", tc.line, got, err, tc.want, tc.ok)
		}
	}
}

func TestRaiseNoFileRaisesTheSoftLimitToTheHardLimit(t *testing.T) {
	n, err := RaiseNoFile()
	if err != nil {
		t.Fatal(err)
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if n != lim.Cur || lim.Cur != lim.Max {
		t.Errorf("RaiseNoFile() = %d; limit now %d, hard limit %d: want all equal", n, lim.Cur, lim.Max)
	}
}

func TestLoadAvgHasThreeFigures(t *testing.T) {
	if f := strings.Fields(LoadAvg()); len(f) != 3 {
		t.Errorf("LoadAvg() = %q, want three figures", LoadAvg())
	}
}
