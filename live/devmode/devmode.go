// Package devmode is the app's side of `liveapp dev`: the supervisor that rebuilds and
// restarts the app as its source changes talks to it through three inherited file
// descriptors, each named by an environment variable.
//
//   - LIVEAPP_LISTEN_FD: a TCP socket already listening. The supervisor keeps it open
//     across restarts, so browsers that reconnect while the app restarts wait in its
//     backlog instead of failing. Listen serves on it.
//   - LIVEAPP_READY_FD: the write end of a pipe. Ready writes "ready\n" to it once the
//     app serves, so the supervisor knows the restart worked.
//   - LIVEAPP_DEV_FD: the read end of a pipe carrying one command per line (see
//     devproto.ParseCommand): reload the pages, swap a stylesheet, re-read the templates and
//     re-render the views, show an error over the pages or take it down. Attach reads
//     them and drives the live runtime's Dev methods.
//
// Without the variables, as in production, Listen listens on the address it is given and
// Ready and Attach do nothing. Attach refuses a runtime that is not in dev mode: dev
// control never runs in production.
package devmode

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/devmode/devproto"
)

// maxLine bounds one command line; an error message with a long build log fits.
const maxLine = 1 << 20

// Listen returns the listening socket named by LIVEAPP_LISTEN_FD, or else a new TCP
// listener on addr. The variable is unset once read, so the descriptor is taken once.
func Listen(addr string) (net.Listener, error) {
	f, err := inherited(devproto.ListenFDEnv, "liveapp-listener")
	if err != nil || f == nil {
		if err == nil {
			return net.Listen("tcp", addr)
		}
		return nil, err
	}
	defer f.Close()
	ln, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("devmode: %s: not a listening socket: %w", devproto.ListenFDEnv, err)
	}
	return ln, nil
}

// Ready writes "ready\n" to the pipe named by LIVEAPP_READY_FD and closes it; it does
// nothing without the variable. Call it once the app serves.
func Ready() error {
	f, err := inherited(devproto.ReadyFDEnv, "liveapp-ready")
	if err != nil || f == nil {
		return err
	}
	_, err = io.WriteString(f, devproto.ReadyLine+"\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("devmode: %s: %w", devproto.ReadyFDEnv, err)
	}
	return nil
}

// Attach starts reading dev commands from the pipe named by LIVEAPP_DEV_FD, on a
// goroutine, and carries them out on rt as Run does, until the pipe ends or ctx is done.
// It does nothing without the variable, and fails when rt is not in dev mode.
func Attach(ctx context.Context, rt *live.Runtime, reparse func() error) error {
	if os.Getenv(devproto.DevFDEnv) != "" && !rt.Dev() {
		return fmt.Errorf("devmode: %s is set but the app is not in dev mode: dev control is for development only", devproto.DevFDEnv)
	}
	f, err := inherited(devproto.DevFDEnv, "liveapp-dev")
	if err != nil || f == nil {
		return err
	}
	go func() {
		defer f.Close()
		if err := Run(ctx, f, rt, reparse); err != nil && ctx.Err() == nil {
			rt.Logger().Warn("devmode: dev control stopped", "err", err)
		}
	}()
	return nil
}

// Run reads commands from r, one a line, and carries them out on rt, until r ends (it
// then returns nil), a read fails, or ctx is done. A line that does not parse is logged
// and skipped.
//
// "templates" calls reparse, when not nil, before the views render again. When reparse
// fails, the views keep the templates they had and the pages show its error instead,
// until a later reparse succeeds (unless an "error" or "clear" came in between: the
// overlay is then the supervisor's).
func Run(ctx context.Context, r io.Reader, rt *live.Runtime, reparse func() error) error {
	log := rt.Logger()
	br := bufio.NewReaderSize(r, 64<<10)
	showing := false // the overlay shows reparse's error
	for {
		line, err := readLine(br)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, errLineTooLong) {
			log.Warn("devmode: command line too long: skipped", "max", maxLine)
			continue
		}
		if len(line) > 0 {
			c, perr := devproto.ParseCommand(string(line))
			if perr != nil {
				log.Warn("devmode: command ignored", "err", perr)
			} else {
				log.Debug("devmode: command", "op", c.Op)
				showing = do(c, rt, reparse, showing)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("devmode: read: %w", err)
		}
	}
}

// do carries out one command and returns whether the overlay shows reparse's error.
func do(c devproto.Command, rt *live.Runtime, reparse func() error, showing bool) bool {
	switch c.Op {
	case devproto.Reload:
		rt.DevReload()
	case devproto.CSS:
		rt.DevCSS(c.Path)
	case devproto.Templates:
		if reparse != nil {
			if err := reparse(); err != nil {
				rt.Logger().Warn("devmode: templates kept: they do not parse", "err", err)
				rt.DevError(err.Error())
				return true
			}
			if showing {
				rt.DevClearError()
			}
		}
		rt.DevRerender()
		return false
	case devproto.Error:
		rt.DevError(c.Text)
		return false
	case devproto.Clear:
		rt.DevClearError()
		return false
	}
	return showing
}

var errLineTooLong = errors.New("devmode: line too long")

// readLine returns the next line without its newline. A line longer than maxLine is
// read to its end and dropped with errLineTooLong; the last line may lack its newline,
// and comes with io.EOF.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	long := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !long {
			if len(line)+len(chunk) > maxLine+1 {
				long, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if long && (err == nil || err == io.EOF) {
			return nil, errLineTooLong
		}
		return bytes.TrimSuffix(line, []byte("\n")), err
	}
}

// inherited returns the file whose descriptor the environment variable names, or nil
// when it is unset, and unsets it: a descriptor is taken once. Descriptors 0 to 2 are
// refused; they are the standard streams.
func inherited(env, name string) (*os.File, error) {
	v := os.Getenv(env)
	if v == "" {
		return nil, nil
	}
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return nil, fmt.Errorf("devmode: %s=%q: want a file descriptor number above 2", env, v)
	}
	os.Unsetenv(env)
	f := os.NewFile(uintptr(fd), name)
	if f == nil {
		return nil, fmt.Errorf("devmode: %s=%d: not a file descriptor", env, fd)
	}
	return f, nil
}
