package loadproc

import (
	"fmt"
	"os/exec"
	"syscall"
	"time"

	"github.com/liveapp/liveapp/internal/tail"
)

// Child is a server under load, running as a child process of the tool. Start
// starts it and Stop stops it; on Linux the kernel also kills it when the tool
// dies, even by SIGKILL.
type Child struct {
	cmd     *exec.Cmd
	out     *tail.Buffer
	exited  chan struct{}
	waitErr error // set before exited is closed
}

// Start starts cmd as a Child tied to this process (on Linux, through
// cmd.SysProcAttr.Pdeathsig). out is the Tail the caller sends the child's
// output to, in part or in whole; Alive quotes it. Start returns cmd.Start's
// error as it is.
func Start(cmd *exec.Cmd, out *tail.Buffer) (*Child, error) {
	tieToParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &Child{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// PID returns the child's process ID.
func (c *Child) PID() int { return c.cmd.Process.Pid }

// Done returns a channel that is closed once the child has exited.
func (c *Child) Done() <-chan struct{} { return c.exited }

// Alive returns nil while the child runs, and once it has exited an error
// with its exit status and the tail of its output.
func (c *Child) Alive() error {
	select {
	case <-c.exited:
		return fmt.Errorf("server exited: %v\n%s", c.waitErr, c.out)
	default:
		return nil
	}
}

// Stop asks the child to shut down (SIGTERM) and kills it when it has not
// exited within five seconds. It returns once the child has exited, and is
// safe to call more than once.
func (c *Child) Stop() {
	if c.Alive() != nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}
