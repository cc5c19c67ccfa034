//go:build !linux

package pgtest

import "os"

// clusterParent returns the directory that holds test clusters.
func clusterParent() string { return os.TempDir() }

// clusterParents are the directories that may hold test clusters.
func clusterParents() []string { return []string{os.TempDir()} }
