package loadproc

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/liveapp/liveapp/internal/tail"
)

// childEnv makes the test binary act as a child server (see TestMain).
const childEnv = "LOADPROC_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "serve": // runs until SIGTERM
		term := make(chan os.Signal, 1)
		signal.Notify(term, syscall.SIGTERM)
		fmt.Println("listening")
		<-term
		fmt.Println("stopped")
		os.Exit(0)
	case "fail":
		fmt.Fprintln(os.Stderr, "cannot listen: address already in use")
		os.Exit(3)
	}
}

// startChild starts the test binary as a child in mode, its output in a Tail.
func startChild(t *testing.T, mode string) (*Child, *tail.Buffer) {
	t.Helper()
	out := tail.New(1 << 10)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"="+mode)
	cmd.Stdout, cmd.Stderr = out, out
	c, err := Start(cmd, out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c, out
}

func TestStopEndsARunningChild(t *testing.T) {
	c, out := startChild(t, "serve")
	waitFor(t, func() bool { return strings.Contains(out.String(), "listening") })
	if err := c.Alive(); err != nil {
		t.Fatalf("Alive() = %v while the child runs", err)
	}
	if c.PID() <= 0 || c.PID() == os.Getpid() {
		t.Errorf("PID() = %d, want the child's", c.PID())
	}

	c.Stop()
	if err := c.Alive(); err == nil || !strings.Contains(err.Error(), "stopped") {
		t.Errorf("Alive() after Stop = %v, want an error quoting the child's last output", err)
	}
	c.Stop() // again: returns at once
}

func TestAliveQuotesTheOutputOfAChildThatExited(t *testing.T) {
	c, _ := startChild(t, "fail")
	waitFor(t, func() bool { return c.Alive() != nil })
	err := c.Alive()
	for _, want := range []string{"server exited", "exit status 3", "address already in use"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Alive() = %q, want it to contain %q", err, want)
		}
	}
}

func TestStartReturnsTheErrorOfAMissingBinary(t *testing.T) {
	out := tail.New(64)
	if _, err := Start(exec.Command("/nonexistent/server"), out); err == nil {
		t.Fatal("Start of a missing binary succeeded")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
