package devserver

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestDebounceGathersBursts(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	in, out := make(chan string), make(chan []string)
	const quiet = 80 * time.Millisecond
	go debounce(ctx, in, out, quiet, 10*quiet)

	t.Run("a burst is one batch, each path once, sent after the quiet period", func(t *testing.T) {
		start := time.Now()
		var last time.Time
		for _, p := range []string{"a.go", "b.go", "a.go", "c.css"} {
			in <- p
			last = time.Now()
			time.Sleep(quiet / 4)
		}
		got := <-out
		if !slices.Equal(got, []string{"a.go", "b.go", "c.css"}) {
			t.Errorf("batch %q", got)
		}
		if d := time.Since(last); d < quiet {
			t.Errorf("sent %v after the last change, before the quiet period of %v", d, quiet)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("a burst of %v took %v to send", last.Sub(start), d)
		}
	})

	t.Run("a burst that never pauses is sent after maxWait", func(t *testing.T) {
		start := time.Now()
		stop := make(chan struct{})
		go func() {
			for i := 0; ; i++ {
				select {
				case in <- "busy.go":
				case <-stop:
					return
				}
				time.Sleep(quiet / 8)
			}
		}()
		<-out
		close(stop)
		if d := time.Since(start); d > 15*quiet {
			t.Errorf("a continuous burst was sent after %v; maxWait is %v", d, 10*quiet)
		}
		// Drain what the burst left.
		select {
		case <-out:
		case <-time.After(3 * quiet):
		}
	})

	t.Run("changes while the batch waits for the reader join it", func(t *testing.T) {
		in <- "x.go"
		time.Sleep(2 * quiet) // the batch is ready; nobody reads
		in <- "y.go"
		if got := <-out; !slices.Equal(got, []string{"x.go", "y.go"}) {
			t.Errorf("batch %q", got)
		}
	})
}

func TestWatcherReportsChanges(t *testing.T) {
	for _, mode := range []struct {
		name string
		poll time.Duration
	}{
		{"fsnotify", 0},
		{"polling", 30 * time.Millisecond},
	} {
		t.Run(mode.name, func(t *testing.T) {
			root := t.TempDir()
			write(t, root, "internal/web/home.go", "package web")
			write(t, root, "internal/web/static/app.css", "body{}")
			write(t, root, ".liveapp/bin/keep", "")
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			out := make(chan []string)
			notices := make(chan string, 10)
			w := &watcher{root: root, poll: mode.poll, quiet: 20 * time.Millisecond, maxWait: time.Second,
				notice: func(s string) { notices <- s }}
			go w.run(ctx, out)
			<-notices // every directory is watched, or the tree stamped

			expect := func(t *testing.T, want ...string) {
				t.Helper()
				select {
				case got := <-out:
					slices.Sort(got)
					if !slices.Equal(got, want) {
						t.Fatalf("batch %q, want %q", got, want)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("no batch; want %q", want)
				}
			}

			t.Run("an edit", func(t *testing.T) {
				write(t, root, "internal/web/home.go", "package web // edited")
				expect(t, "internal/web/home.go")
			})
			t.Run("ignored files are not reported; a new directory's files are", func(t *testing.T) {
				write(t, root, ".liveapp/bin/shop", "binary")
				write(t, root, "internal/web/home_test.go", "package web")
				write(t, root, "internal/web/.home.go.swp", "swap")
				write(t, root, "notes.txt", "notes")
				write(t, root, "internal/tasks/deep/tasks.go", "package deep")
				expect(t, "internal/tasks/deep/tasks.go")
			})
			t.Run("a file in a new directory is watched", func(t *testing.T) {
				// Reported above, the file was found after its directory's watch
				// was added, or by a scan: its edit is seen too.
				write(t, root, "internal/tasks/deep/tasks.go", "package deep // edited")
				expect(t, "internal/tasks/deep/tasks.go")
			})
			t.Run("a removal", func(t *testing.T) {
				if err := os.Remove(filepath.Join(root, "internal/web/static/app.css")); err != nil {
					t.Fatal(err)
				}
				expect(t, "internal/web/static/app.css")
			})
		})
	}
}

// write writes a file under root, creating its directories. It writes a
// temporary file and renames it, as many editors save: the file changes at
// once, so that a loaded machine cannot split one edit into two batches.
func write(t *testing.T, root, rel, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".tmp")
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
}
