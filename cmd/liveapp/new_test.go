package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNewRefusesBadInputAndWritesNothing(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.MkdirAll("taken", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("taken/notes.txt", []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"a name with a dash", []string{"new", "my-shop"}, `app name "my-shop"`},
		{"an upper-case name", []string{"new", "Shop"}, `app name "Shop"`},
		{"a path for a name", []string{"new", "../shop"}, `app name "../shop"`},
		{"a bad module path", []string{"new", "shop", "--module", "example.com//shop"}, `module path "example.com//shop"`},
		{"liveapp's own module path", []string{"new", "shop", "--module", "github.com/liveapp/liveapp"}, "liveapp's own module"},
		{"a directory that is not empty", []string{"new", "taken"}, "taken exists and is not empty"},
		{"no name", []string{"new"}, "needs the name of the app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error with %q", err, tt.wantErr)
			}
			entries, _ := os.ReadDir(".")
			if len(entries) != 1 {
				t.Errorf("a refused new left %d entries in the directory", len(entries))
			}
			if got, _ := os.ReadFile("taken/notes.txt"); string(got) != "mine" {
				t.Error("a refused new touched an existing directory")
			}
		})
	}
}

func TestNewWritesTheAppAndSaysWhatNext(t *testing.T) {
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("shop", 0o755); err != nil { // empty: fine
		t.Fatal(err)
	}
	start := time.Now()
	out, err := run(t, "new", "shop", "--module", "example.com/shop")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("liveapp new took %v (BenchmarkNew measures it)", time.Since(start).Round(time.Millisecond))
	for _, want := range []string{
		"create shop/cmd/shop/main.go\n",
		"create shop/internal/web/user_login.go\n",
		"create shop/go.mod\n",
		"create shop/third_party/liveapp/ (liveapp's source: ",
		"cd shop\n",
		"APP_ENV=dev DATABASE_URL=postgres://localhost/shop_dev go run ./cmd/shop\n",
		"    " + selfCommand(os.Args[0], exec.LookPath, os.Executable) + " dev\n",
		"/dev/mailbox",
		"go test ./...",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}

	// Everything is relative: the app names neither where it is nor where
	// liveapp's source was, so it can move, and build elsewhere.
	err = filepath.WalkDir("shop", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		for _, abs := range []string{dir, repo} {
			if strings.Contains(string(data), abs) {
				t.Errorf("%s names %s", p, abs)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("without accounts, the next steps do not mention the mailbox", func(t *testing.T) {
		out, err := run(t, "new", "blog", "--no-auth")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out, "user_login") || strings.Contains(out, "mailbox") || !strings.Contains(out, "liveapp gen.auth adds them") {
			t.Errorf("output:\n%s", out)
		}
		if _, err := os.Stat("blog/internal/projects"); err == nil {
			t.Error("a --no-auth app has projects")
		}
	})
}

// BenchmarkNew measures liveapp new, source copy included: what a user waits for
// before the first go run.
func BenchmarkNew(b *testing.B) {
	b.Chdir(b.TempDir())
	for i := 0; b.Loop(); i++ {
		if _, err := run(b, "new", fmt.Sprintf("shop%d", i)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestNewWithoutANameShowsHowToUseIt(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := run(t, "new")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"needs the name of the app", "liveapp new shop\n", "--help"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
	if _, err := run(t, "new", "shop", "example.com/shop"); err == nil || !strings.Contains(err.Error(), "--module") {
		t.Errorf("two names: %v", err)
	}
}

func TestSelfCommandNamesTheBinaryThatRan(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "liveapp")
	other := filepath.Join(dir, "other")
	for _, p := range []string{bin, other} {
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	exe := func() (string, error) { return bin, nil }
	onPath := func(p string) func(string) (string, error) {
		return func(string) (string, error) { return p, nil }
	}
	notOnPath := func(string) (string, error) { return "", errors.New("not found") }
	tests := []struct {
		name string
		arg0 string
		look func(string) (string, error)
		want string
	}{
		{"liveapp on PATH is this binary", bin, onPath(bin), "liveapp"},
		{"liveapp on PATH is another binary", bin, onPath(other), bin},
		{"run by an absolute path, nothing on PATH", bin, notOnPath, bin},
		{"run by a relative path: made absolute for after the cd", "./liveapp", notOnPath, bin},
		{"run by another name found on PATH", "la", notOnPath, "la"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := selfCommand(tt.arg0, tt.look, exe); got != tt.want {
				t.Errorf("selfCommand(%q) = %q, want %q", tt.arg0, got, tt.want)
			}
		})
	}
}
