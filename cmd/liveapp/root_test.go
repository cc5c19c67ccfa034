package main

import (
	"bytes"
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
