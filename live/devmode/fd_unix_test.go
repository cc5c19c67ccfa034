//go:build unix

package devmode_test

import (
	"context"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live/devmode"
	"github.com/liveapp/liveapp/live/devmode/devproto"
	"github.com/liveapp/liveapp/live/livetest"
)

// passFD sets env to a duplicate of f's descriptor, as a supervisor passes one to its
// child; the code under test owns and closes the duplicate.
func passFD(t *testing.T, env string, f *os.File) {
	t.Helper()
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(env, strconv.Itoa(fd))
}

func TestListen(t *testing.T) {
	t.Run("it serves on the socket the supervisor passed, once", func(t *testing.T) {
		parent, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer parent.Close()
		f, err := parent.(*net.TCPListener).File()
		if err != nil {
			t.Fatal(err)
		}
		passFD(t, devproto.ListenFDEnv, f)
		f.Close()
		ln, err := devmode.Listen("127.0.0.1:1") // not this address
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		if ln.Addr().String() != parent.Addr().String() {
			t.Errorf("listening on %s, want %s", ln.Addr(), parent.Addr())
		}
		if v, ok := os.LookupEnv(devproto.ListenFDEnv); ok {
			t.Errorf("%s=%s is still set", devproto.ListenFDEnv, v)
		}
		c, err := net.Dial("tcp", parent.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if err := ln.(*net.TCPListener).SetDeadline(time.Now().Add(livetest.Timeout)); err != nil {
			t.Fatal(err)
		}
		if a, err := ln.Accept(); err != nil {
			t.Fatalf("accept: %v", err)
		} else {
			a.Close()
		}
	})
	t.Run("without the variable it listens on the address", func(t *testing.T) {
		t.Setenv(devproto.ListenFDEnv, "")
		ln, err := devmode.Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln.Close()
	})
}

func TestReady(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	passFD(t, devproto.ReadyFDEnv, w)
	w.Close()
	if err := devmode.Ready(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r) // ends when Ready closed the last write end
	if err != nil || string(got) != "ready\n" {
		t.Fatalf("read %q, %v; want \"ready\\n\" and the end of the pipe", got, err)
	}
	if err := devmode.Ready(); err != nil {
		t.Errorf("a second Ready = %v, want nothing to do", err)
	}
}

func TestAttachReadsThePipe(t *testing.T) {
	p := newPage(t, true)
	lv := livetest.Mount(t, p.h, "/")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	passFD(t, devproto.DevFDEnv, r)
	r.Close()
	if err := devmode.Attach(context.Background(), p.rt, nil); err != nil {
		t.Fatal(err)
	}
	send(t, w, "css /static/app.css")
	lv.AwaitDev("css")
}
