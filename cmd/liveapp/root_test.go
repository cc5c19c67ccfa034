package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

func run(t testing.TB, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestRoot(t *testing.T) {
	t.Run("version prints the release", func(t *testing.T) {
		out, err := run(t, "version")
		if err != nil || !strings.HasPrefix(out, "liveapp "+version) {
			t.Fatalf("version: %q, %v", out, err)
		}
	})
	t.Run("--version prints what version prints", func(t *testing.T) {
		want, _ := run(t, "version")
		out, err := run(t, "--version")
		if err != nil || out != want {
			t.Fatalf("--version: %q, %v; version: %q", out, err, want)
		}
	})
	t.Run("help lists the commands", func(t *testing.T) {
		out, err := run(t, "--help")
		if err != nil || !strings.Contains(out, "version") {
			t.Fatalf("help: %q, %v", out, err)
		}
	})
	t.Run("an unknown command is an error", func(t *testing.T) {
		if _, err := run(t, "frobnicate"); err == nil {
			t.Fatal("no error for an unknown command")
		}
	})
}

func TestVersionLine(t *testing.T) {
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "liveapp " + version},
		{"a checkout", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.modified", Value: "true"}}},
			"liveapp " + version + " (go1.26.0, 0123456789ab+dirty)"},
		{"go install of a release", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.3.1"}},
			"liveapp 0.3.1 (go1.26.0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionLine(tt.info); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
