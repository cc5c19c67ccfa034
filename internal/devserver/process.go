package devserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/liveapp/liveapp/internal/tail"
	"github.com/liveapp/liveapp/live/devmode/devproto"
)

// process is one run of the app, serving on the dev server's listener.
type process struct {
	cmd   *exec.Cmd
	dev   *os.File      // the write end of the dev pipe
	ready chan struct{} // closed when the app has written "ready"
	done  chan struct{} // closed when the process has exited
	err   error         // cmd.Wait's result, once done is closed
	out   *tail.Buffer  // the end of its output

	sendMu sync.Mutex
}

// sendTimeout bounds a write on the dev pipe: an app that does not read it
// (one that ignores LIVEAPP_DEV_FD) must not stall the dev server once the
// pipe's buffer is full.
const sendTimeout = time.Second

// startProcess runs the binary bin in dir with env (to which it adds the fd
// variables), serving on ln, its output copied to out. The process runs in a
// process group of its own: a Ctrl-C in the terminal reaches the dev server,
// which stops the app in order, and not the app directly.
func startProcess(bin, dir string, env []string, ln *net.TCPListener, out io.Writer) (*process, error) {
	lnFile, err := listenerFile(ln)
	if err != nil {
		return nil, fmt.Errorf("pass the listener: %w", err)
	}
	defer lnFile.Close()
	devR, devW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer devR.Close()
	readyR, readyW, err := os.Pipe()
	if err != nil {
		devW.Close()
		return nil, err
	}
	defer readyW.Close() // the child's copy is the only writer left: EOF when it exits

	p := &process{dev: devW, ready: make(chan struct{}), done: make(chan struct{}), out: tail.New(16 << 10)}
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(env,
		devproto.ListenFDEnv+"="+strconv.Itoa(listenFD),
		devproto.DevFDEnv+"="+strconv.Itoa(devFD),
		devproto.ReadyFDEnv+"="+strconv.Itoa(readyFD),
	)
	cmd.ExtraFiles = []*os.File{lnFile, devR, readyW}
	w := io.MultiWriter(out, p.out)
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = appProcAttr()
	p.cmd = cmd
	if err := cmd.Start(); err != nil {
		devW.Close()
		readyR.Close()
		return nil, err
	}
	go func() {
		defer readyR.Close()
		sc := bufio.NewScanner(readyR)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == devproto.ReadyLine {
				close(p.ready)
				break
			}
		}
		io.Copy(io.Discard, readyR)
	}()
	go func() {
		p.err = cmd.Wait()
		p.dev.Close()
		close(p.done)
	}()
	return p, nil
}

// errNotReady is returned by waitReady for a process that exited first.
var errNotReady = errors.New("exited before it was ready")

// waitReady waits until the process says it serves, exits, or timeout passes.
// It returns nil once ready.
func (p *process) waitReady(ctx context.Context, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.ready:
		return nil
	case <-p.done:
		select {
		case <-p.ready: // ready, then exited at once: the exit is for the caller to see
			return nil
		default:
		}
		return fmt.Errorf("%w: %v", errNotReady, p.err)
	case <-t.C:
		return fmt.Errorf("did not say it was ready within %v (it writes \"ready\" on %s once it serves)", timeout, devproto.ReadyFDEnv)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// send writes a dev command to the app. It fails when the app has exited or
// does not read its commands.
func (p *process) send(cmd string) error {
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	select {
	case <-p.done:
		return errors.New("the app has exited")
	default:
	}
	p.dev.SetWriteDeadline(time.Now().Add(sendTimeout))
	if _, err := p.dev.WriteString(cmd + "\n"); err != nil {
		return fmt.Errorf("send %q to the app: %w", strings.SplitN(cmd, " ", 2)[0], err)
	}
	return nil
}

// stop sends the process SIGTERM and waits for it to exit, sending SIGKILL
// after timeout. It reports whether it had to kill.
func (p *process) stop(timeout time.Duration) (killed bool) {
	select {
	case <-p.done:
		return false
	default:
	}
	terminate(p.cmd.Process)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.done:
		return false
	case <-t.C:
	}
	p.cmd.Process.Kill()
	<-p.done
	return true
}

// exited reports whether the process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// exitText describes how the process ended, with the end of its output.
func (p *process) exitText(what string) string {
	var b strings.Builder
	b.WriteString(what)
	if out := p.out.String(); out != "" {
		b.WriteString("\n\n")
		b.WriteString(out)
	}
	if strings.Contains(p.out.String(), "address already in use") {
		b.WriteString("\n\nThe app listened on its own instead of serving on the socket liveapp dev passes it (" +
			devproto.ListenFDEnv + "): is its cmd/NAME/main.go older than liveapp dev?")
	}
	return b.String()
}
