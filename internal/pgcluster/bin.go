package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNotInstalled is matched (errors.Is) by the error returned when the PostgreSQL
// server binaries cannot be found. Its message says how to install them.
var ErrNotInstalled = errors.New("PostgreSQL server binaries (initdb, postgres) not found in $PATH or /usr/lib/postgresql/*/bin: " +
	"install them with `apt-get install -y postgresql`, or set DATABASE_URL to use a running server")

// debianRoot is where Debian's postgresql packages install one directory per major
// version, outside $PATH.
const debianRoot = "/usr/lib/postgresql"

// FindBin returns the directory that holds the initdb and postgres binaries: the
// one found through $PATH (symbolic links resolved, so both come from the same
// installation), else the highest version under /usr/lib/postgresql/*/bin. When
// major is not empty ("15"), an installation of that major version is preferred,
// so that a data directory is served by the version that created it. The error
// matches ErrNotInstalled when there is none.
func FindBin(major string) (string, error) {
	return findBin(os.Getenv("PATH"), debianRoot, major)
}

func findBin(pathList, root, major string) (string, error) {
	var dirs []string
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			continue
		}
		p, err := filepath.EvalSymlinks(filepath.Join(dir, "postgres"))
		if err != nil || !executable(p) {
			continue
		}
		if d := filepath.Dir(p); executable(filepath.Join(d, "initdb")) {
			dirs = append(dirs, d)
			break
		}
	}
	dirs = append(dirs, versionDirs(root)...)
	if len(dirs) == 0 {
		return "", ErrNotInstalled
	}
	if major != "" {
		for _, d := range dirs {
			if v, err := Version(d); err == nil && v == major {
				return d, nil
			}
		}
	}
	return dirs[0], nil
}

// versionDirs returns root/*/bin directories holding initdb and postgres, highest
// version first.
func versionDirs(root string) []string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	type install struct {
		version float64
		bin     string
	}
	var found []install
	for _, e := range entries {
		v, err := strconv.ParseFloat(e.Name(), 64) // "15", or "9.6" for old ones
		bin := filepath.Join(root, e.Name(), "bin")
		if err != nil || !executable(filepath.Join(bin, "postgres")) || !executable(filepath.Join(bin, "initdb")) {
			continue
		}
		found = append(found, install{v, bin})
	}
	slices.SortFunc(found, func(a, b install) int { return -cmpFloat(a.version, b.version) })
	dirs := make([]string, len(found))
	for i, f := range found {
		dirs[i] = f.bin
	}
	return dirs
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Version returns the major version ("15") of the postgres binary in bin.
func Version(bin string) (string, error) {
	out, err := exec.Command(filepath.Join(bin, "postgres"), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("pgcluster: %s --version: %w", filepath.Join(bin, "postgres"), err)
	}
	// "postgres (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)"
	fields := strings.Fields(string(out))
	if len(fields) < 3 {
		return "", fmt.Errorf("pgcluster: unexpected postgres --version output %q", out)
	}
	v := fields[2]
	if major, _, ok := strings.Cut(v, "."); ok && major != "9" {
		return major, nil
	} else if ok {
		// 9.x: the major version has two parts.
		parts := strings.SplitN(v, ".", 3)
		return parts[0] + "." + parts[1], nil
	}
	return v, nil
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}
