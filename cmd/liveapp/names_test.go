package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestNewRefusesNamesThatCannotBuild(t *testing.T) {
	t.Chdir(t.TempDir())
	for name, why := range map[string]string{
		"go":        "reserves the module paths go and toolchain",
		"toolchain": "reserves the module paths go and toolchain",
		"vendor":    "vendored copies",
		"testdata":  "skips directories named testdata",
	} {
		out, err := run(t, "new", name)
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("new %s: %v, want a refusal saying the go command %s", name, err, why)
		}
		if strings.Contains(out, "Created") {
			t.Errorf("new %s says it created the app:\n%s", name, out)
		}
		if _, err := os.Stat(name); err == nil {
			t.Errorf("new %s made the directory %s", name, name)
		}
	}
}

// TestNamesThatNewAcceptsBuild stamps out apps whose names look reserved to Go
// (a keyword, a predeclared identifier, a standard package the app imports
// itself, a directory name with a meaning to the go command, a package pattern of
// the go command, and the template's own name) and builds them offline: a name is
// a directory, a module path and a string in the app, never an identifier, so
// each of them must build. The names that cannot are refused (see
// TestNewRefusesNamesThatCannotBuild).
func TestNamesThatNewAcceptsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated apps")
	}
	goCmd := needGo(t)
	t.Chdir(t.TempDir())
	for _, name := range []string{"func", "nil", "fmt", "internal", "std", "app"} {
		t.Run(name, func(t *testing.T) {
			if out, err := run(t, "new", name); err != nil {
				t.Fatalf("new %s: %v\n%s", name, err, out)
			}
			// -trimpath keeps the directory out of the build cache's keys, so that
			// every app after the first reuses the compiled third_party/liveapp.
			build := exec.Command(goCmd, "build", "-trimpath", "./...")
			build.Dir = name
			build.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off")
			if out, err := build.CombinedOutput(); err != nil {
				t.Errorf("the app %s does not build: %v\n%s", name, err, out)
			}
			if err := os.RemoveAll(name); err != nil {
				t.Fatal(err)
			}
		})
	}
}
