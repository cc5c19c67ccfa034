package pgtest

import (
	"os"
	"syscall"
)

const tmpfsMagic = 0x01021994

// clusterParent returns the directory that holds test clusters: /dev/shm when it
// is a tmpfs with 1 GiB free, else the temporary directory. On a disk, creating a
// database (writing ~8 MB) and dropping it took ten times longer.
func clusterParent() string {
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &st); err == nil && int64(st.Type) == tmpfsMagic &&
		uint64(st.Bavail)*uint64(st.Bsize) >= 1<<30 && writable("/dev/shm") {
		return "/dev/shm"
	}
	return os.TempDir()
}

func writable(dir string) bool {
	return syscall.Access(dir, 2 /* W_OK */) == nil
}

// clusterParents are the directories that may hold test clusters.
func clusterParents() []string { return []string{"/dev/shm", os.TempDir()} }
