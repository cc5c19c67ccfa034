package devserver

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// The debounce tests run in synctest bubbles, where time is a fake clock that moves
// only once every goroutine of the bubble waits: they assert the exact moment a batch
// goes, and a loaded machine cannot move it.
func TestDebounceGathersBursts(t *testing.T) {
	const quiet, maxWait = 80 * time.Millisecond, 800 * time.Millisecond
	// debouncing runs debounce until the bubble's test function returns.
	debouncing := func(t *testing.T) (chan<- string, <-chan []string) {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		in, out := make(chan string), make(chan []string)
		go debounce(ctx, in, out, quiet, maxWait)
		return in, out
	}

	t.Run("a burst is one batch, each path once, sent a quiet period after its last change", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			in, out := debouncing(t)
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
			if d := time.Since(last); d != quiet {
				t.Errorf("sent %v after the last change, want the quiet period, %v", d, quiet)
			}
		})
	})

	t.Run("a burst that never pauses is sent maxWait after its first change", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			in, out := debouncing(t)
			first := time.Now()
			done := make(chan struct{})
			go func() { // a change every quiet/8, for twice maxWait
				defer close(done)
				for range 2 * maxWait / (quiet / 8) {
					in <- "busy.go"
					time.Sleep(quiet / 8)
				}
			}()
			if got := <-out; !slices.Equal(got, []string{"busy.go"}) {
				t.Errorf("batch %q", got)
			}
			if d := time.Since(first); d != maxWait {
				t.Errorf("a continuous burst was sent %v after its first change, want maxWait, %v", d, maxWait)
			}
			<-done
		})
	})

	t.Run("changes while the batch waits for the reader join it, and it goes when read", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			in, out := debouncing(t)
			in <- "x.go"
			time.Sleep(2 * quiet) // the batch is ready; nobody reads
			in <- "y.go"
			joined := time.Now()
			if got := <-out; !slices.Equal(got, []string{"x.go", "y.go"}) {
				t.Errorf("batch %q", got)
			}
			if d := time.Since(joined); d != 0 {
				t.Errorf("a batch ready before its last change was sent %v after it, want at once", d)
			}
		})
	})
}

// reportTimeout bounds the wait for a change to be reported: only a watcher that
// misses it takes that long.
const reportTimeout = time.Minute

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

			// expect waits until the batches have named every path of want. One
			// change's events can straddle the quiet period on a loaded machine, so a
			// path may come in two batches, the second after the test moved on: a
			// batch may repeat a path reported before, but name nothing else.
			reported := map[string]bool{}
			expect := func(t *testing.T, want ...string) {
				t.Helper()
				missing := slices.Clone(want)
				for len(missing) > 0 {
					select {
					case got := <-out:
						for _, p := range got {
							if !slices.Contains(want, p) && !reported[p] {
								t.Fatalf("batch %q, want %q", got, want)
							}
							reported[p] = true
							missing = slices.DeleteFunc(missing, func(m string) bool { return m == p })
						}
					case <-time.After(reportTimeout):
						t.Fatalf("no batch named %q within %v", missing, reportTimeout)
					}
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
			t.Run("a file added to a new directory is reported", func(t *testing.T) {
				// A new name, which a late repeat of an earlier batch cannot pass for.
				write(t, root, "internal/tasks/deep/later.go", "package deep")
				expect(t, "internal/tasks/deep/later.go")
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
