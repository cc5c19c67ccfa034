package main

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/internal/devdb"
)

// TestDevRefusesToStart covers the errors that come before any work;
// TestDevInTheBrowser runs liveapp dev for real.
func TestDevRefusesToStart(t *testing.T) {
	dir := stampApp(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)

	tests := []struct {
		name    string
		dir     string
		port    string // PORT
		args    []string
		wantErr string
	}{
		{"outside an app", t.TempDir(), "", nil, "not in a liveapp app"},
		{"a bad port", dir, "", []string{"--port", "70000"}, "--port 70000: want a port number"},
		{"a port in use", dir, "", []string{"--port", busyPort}, "port " + busyPort + " is in use"},
		{"PORT is the port without --port", dir, busyPort, nil, "port " + busyPort + " is in use"},
		{"--port wins over PORT", dir, "1", []string{"--port", busyPort}, "port " + busyPort + " is in use"},
		{"a bad PORT", dir, "http", nil, `PORT="http": want a port number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(tt.dir)
			t.Setenv("PORT", tt.port)
			_, err := run(t, append([]string{"dev"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}

// TestSecondDevRefusesFirst: a second liveapp dev in the same app refuses
// before it says anything about the database it would start.
func TestSecondDevRefusesFirst(t *testing.T) {
	dir := stampApp(t)
	first := devdb.New(dir, "shop")
	if err := first.Lock(); err != nil { // as the first liveapp dev holds it
		t.Fatal(err)
	}
	defer first.Release()
	t.Chdir(dir)
	t.Setenv("DATABASE_URL", "")
	t.Setenv("PORT", "")
	out, err := run(t, "dev", "--port", strconv.Itoa(freePort(t)))
	if err == nil || !strings.Contains(err.Error(), "another liveapp dev runs for this app") {
		t.Fatalf("got %v, want a refusal", err)
	}
	if out != "" {
		t.Errorf("it printed before refusing:\n%s", out)
	}
}
