package pgtest

import (
	"os"
	"path/filepath"
	"time"

	"github.com/liveapp/liveapp/internal/pgcluster"
)

// clusterPrefix names the temporary directories of test clusters.
const clusterPrefix = "liveapp-pgtest-"

// removeLeftovers removes the cluster directories that test binaries which did
// not run Main (or were killed) left behind: those whose server no longer runs.
// Young directories are spared, since their cluster may still be starting.
func removeLeftovers() {
	var dirs []string
	for _, parent := range clusterParents() {
		found, _ := filepath.Glob(filepath.Join(parent, clusterPrefix+"*"))
		dirs = append(dirs, found...)
	}
	for _, dir := range dirs {
		fi, err := os.Lstat(dir)
		if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < time.Minute {
			continue
		}
		if st, err := (&pgcluster.Cluster{Dir: dir}).Status(); err == nil && !st.Running {
			os.RemoveAll(dir)
		}
	}
}
