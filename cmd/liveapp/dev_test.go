package main

import (
	"net"
	"strconv"
	"strings"
	"testing"
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
		args    []string
		wantErr string
	}{
		{"outside an app", t.TempDir(), nil, "not in a liveapp app"},
		{"a bad port", dir, []string{"--port", "70000"}, "--port 70000: want a port number"},
		{"a port in use", dir, []string{"--port", busyPort}, "port " + busyPort + " is in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(tt.dir)
			_, err := run(t, append([]string{"dev"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}
