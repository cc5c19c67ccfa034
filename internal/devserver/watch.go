package devserver

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultPoll is how often the tree is scanned when fsnotify is unavailable.
const DefaultPoll = 500 * time.Millisecond

// watcher reports the files under root that change, in batches, as paths
// relative to root with forward slashes. It reports only the files classify
// does not ignore, and descends into no directory skipDir skips.
//
// It watches with fsnotify (inotify on Linux), adding a watch for every
// directory, new ones included; when fsnotify fails, at the start (no
// inotify, too many watches) or later, it scans the tree every poll instead.
type watcher struct {
	root    string
	poll    time.Duration // > 0: scan at this interval, without trying fsnotify
	quiet   time.Duration // a batch ends once no change has come for quiet...
	maxWait time.Duration // ...or maxWait after its first change
	notice  func(string)  // says how the tree is watched, and why it changed
}

// run watches until ctx is done, sending batches on out.
func (w *watcher) run(ctx context.Context, out chan<- []string) {
	changed := make(chan string, 64)
	go debounce(ctx, changed, out, w.quiet, w.maxWait)
	emit := func(rel string) {
		if classify(rel) == ignored {
			return
		}
		select {
		case changed <- rel:
		case <-ctx.Done():
		}
	}
	poll := w.poll
	var why string
	if poll <= 0 {
		err := w.notify(ctx, emit)
		if err == nil || ctx.Err() != nil {
			return
		}
		poll = DefaultPoll
		why = fmt.Sprintf("fsnotify failed (%v): scanning for changes every %v instead", err, poll)
	} else {
		why = fmt.Sprintf("scanning for changes every %v", poll)
	}
	// The notice comes once the tree is stamped, as fsnotify's comes once every
	// directory is watched: a change made after it is reported.
	base := w.snapshot()
	w.notice(why)
	w.scan(ctx, base, poll, emit)
}

// notify watches with fsnotify until ctx is done (nil) or fsnotify fails.
func (w *watcher) notify(ctx context.Context, emit func(string)) error {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer fw.Close()
	if err := w.addTree(fw, w.root, nil); err != nil {
		return err
	}
	w.notice("watching for changes")
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return errors.New("fsnotify closed its events")
			}
			rel, ok := w.rel(ev.Name)
			if !ok {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
					if skipDir(rel) {
						continue
					}
					// Files may have landed in it before the watch did: a
					// directory moved in, or unpacked.
					if err := w.addTree(fw, ev.Name, emit); err != nil {
						return err
					}
					continue
				}
			}
			if ev.Op == fsnotify.Chmod {
				continue // permissions, or an indexer touching atimes
			}
			emit(rel)
		case err, ok := <-fw.Errors:
			if !ok {
				return errors.New("fsnotify closed its errors")
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Some changes are lost: rebuild, which covers them all but
				// stylesheets already on pages.
				w.notice("too many changes at once for fsnotify: rebuilding")
				emit("go.mod")
				continue
			}
			return err
		}
	}
}

// addTree watches dir and the directories below it. With emit, it also
// reports the files it finds: they are new.
func (w *watcher) addTree(fw *fsnotify.Watcher, dir string, emit func(string)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p != w.root {
				return nil // gone already
			}
			return err
		}
		rel, ok := w.rel(p)
		if !ok {
			return nil
		}
		if !d.IsDir() {
			if emit != nil {
				emit(rel)
			}
			return nil
		}
		if skipDir(rel) {
			return filepath.SkipDir
		}
		if err := fw.Add(p); err != nil {
			return fmt.Errorf("watch %s: %w", p, err)
		}
		return nil
	})
}

// rel returns p relative to root, with forward slashes.
func (w *watcher) rel(p string) (string, bool) {
	rel, err := filepath.Rel(w.root, p)
	if err != nil {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// stamp is what the scan compares a file by.
type stamp struct {
	mod  time.Time
	size int64
}

// scan compares the tree with its previous state, first prev, every interval,
// until ctx is done, and reports the files created, changed or removed.
func (w *watcher) scan(ctx context.Context, prev map[string]stamp, interval time.Duration, emit func(string)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		cur := w.snapshot()
		for rel, s := range cur {
			if old, ok := prev[rel]; !ok || old != s {
				emit(rel)
			}
		}
		for rel := range prev {
			if _, ok := cur[rel]; !ok {
				emit(rel)
			}
		}
		prev = cur
	}
}

// snapshot stamps every file under root that classify does not ignore.
func (w *watcher) snapshot() map[string]stamp {
	files := map[string]stamp{}
	filepath.WalkDir(w.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a file removed while walking; the next scan sees it
		}
		rel, ok := w.rel(p)
		if !ok {
			return nil
		}
		if d.IsDir() {
			if skipDir(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if classify(rel) == ignored {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			files[rel] = stamp{fi.ModTime(), fi.Size()}
		}
		return nil
	})
	return files
}

// debounce gathers the paths received on in into batches and sends each on
// out once quiet has passed without a new path, or maxWait since the batch's
// first: an editor's save is several events, a checkout many more. Paths
// that come while out is not ready join the waiting batch.
func debounce(ctx context.Context, in <-chan string, out chan<- []string, quiet, maxWait time.Duration) {
	var batch []string
	var first time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	full := false // the batch waits for out
	for {
		var send chan<- []string
		if full {
			send = out
		}
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case p := <-in:
			if len(batch) == 0 {
				first = time.Now()
			}
			if !slices.Contains(batch, p) {
				batch = append(batch, p)
			}
			if full {
				continue
			}
			wait := min(quiet, maxWait-time.Since(first))
			timer.Reset(max(wait, 0))
		case <-timer.C:
			full = len(batch) > 0
		case send <- batch:
			batch, full = nil, false
		}
	}
}
