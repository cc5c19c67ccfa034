package pgcluster

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultRunAs is the system user that runs the server when the caller is root and
// Cluster.RunAs is empty.
const DefaultRunAs = "liveapp-pg"

// osUser is the unprivileged user that runs initdb and postgres for a root
// caller. A nil *osUser means "the caller".
type osUser struct {
	name     string
	uid, gid int
}

// serverUser returns the user to run the server as: nil when the caller is not
// root, else runAs, or DefaultRunAs (created when missing), or nobody.
func serverUser(runAs string) (*osUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if runAs != "" {
		u, err := lookupUser(runAs)
		if err != nil {
			return nil, fmt.Errorf("pgcluster: user %s to run the server as: %w", runAs, err)
		}
		return u, nil
	}
	if u, err := lookupUser(DefaultRunAs); err == nil {
		return u, nil
	}
	if err := addSystemUser(DefaultRunAs); err == nil {
		if u, err := lookupUser(DefaultRunAs); err == nil {
			return u, nil
		}
	}
	u, err := lookupUser("nobody")
	if err != nil {
		return nil, fmt.Errorf("pgcluster: initdb and postgres refuse to run as root, and neither %s (useradd failed) nor nobody exists: %w", DefaultRunAs, err)
	}
	return u, nil
}

// dataOwner returns the user to run the server of data directory data as: the
// directory's owner when the caller is root and runAs is empty, since postgres
// refuses a data directory it does not own.
func dataOwner(data, runAs string) (*osUser, error) {
	if os.Geteuid() != 0 || runAs != "" {
		return serverUser(runAs)
	}
	fi, err := os.Stat(data)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	uid, gid, ok := fileOwner(fi)
	if !ok || uid == 0 {
		return serverUser(runAs)
	}
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	return &osUser{name: name, uid: uid, gid: gid}, nil
}

func lookupUser(name string) (*osUser, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, fmt.Errorf("user %s: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, fmt.Errorf("user %s: gid %q: %w", name, u.Gid, err)
	}
	if uid == 0 {
		return nil, fmt.Errorf("user %s is root", name)
	}
	return &osUser{name: name, uid: uid, gid: gid}, nil
}

// useraddLock serializes useradd among liveapp processes: test binaries run in
// parallel all want the user, and concurrent useradd runs (shadow 4.13) all
// succeed, each overwriting the others' entry with another uid. /run is writable
// by root only, so nobody else can hold the lock.
const useraddLock = "/run/liveapp-pg-useradd.lock"

// addSystemUser creates a system user with no home and no login shell, unless it
// exists by the time it holds the lock.
func addSystemUser(name string) error {
	unlock, err := lockFile(useraddLock)
	if err != nil {
		return fmt.Errorf("lock %s: %w", useraddLock, err)
	}
	defer unlock()
	if _, err := lookupUser(name); err == nil {
		return nil
	}
	out, err := exec.Command("useradd", "--system", "--user-group", "--no-create-home",
		"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name).CombinedOutput()
	if err != nil {
		return fmt.Errorf("useradd %s: %w: %s", name, err, out)
	}
	return nil
}

// own gives path to u (nothing to do for the caller itself).
func (u *osUser) own(path string) error {
	if u == nil {
		return nil
	}
	return os.Lchown(path, u.uid, u.gid)
}

// reach makes every directory above dir searchable by others (o+x), so that u can
// reach dir. It changes nothing for the caller itself, nor for directories that
// are searchable already.
func (u *osUser) reach(dir string) error {
	if u == nil {
		return nil
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(d, fi.Mode().Perm()|0o001); err != nil {
				return fmt.Errorf("make %s traversable for %s: %w", d, u.name, err)
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// AccessError reports that the unprivileged user who runs a root caller's
// server cannot reach the cluster's directory: it may not search the
// directories Blocked, above it.
type AccessError struct {
	User    string   // the user that runs initdb and postgres
	Dir     string   // the cluster's directory
	Blocked []string // the directories above Dir that User may not search, outermost first
}

func (e *AccessError) Error() string {
	return fmt.Sprintf("pgcluster: %s, who runs the server, cannot reach %s: it may not search %s", e.User, e.Dir, strings.Join(e.Blocked, ", "))
}

// CheckAccess returns an *AccessError when the caller is root and the user
// that would run the server (RunAs; for an initialized cluster, the owner of
// its data directory; else DefaultRunAs, created when missing) may not search
// every existing directory above Dir. It returns nil when the caller is not
// root. Init makes such directories searchable itself (chmod o+x); callers that
// would rather not change the modes of directories they do not own, such as a
// home directory, check first and say what to do.
func (c *Cluster) CheckAccess() error {
	if os.Geteuid() != 0 {
		return nil
	}
	p := c.paths()
	var u *osUser
	var err error
	if _, serr := os.Stat(p.data); serr == nil {
		u, err = dataOwner(p.data, c.RunAs)
	} else {
		u, err = serverUser(c.RunAs)
	}
	if err != nil || u == nil {
		return err
	}
	var blocked []string
	for d := filepath.Dir(p.dir); ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && !u.canSearch(fi) {
			blocked = append([]string{d}, blocked...)
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	if len(blocked) > 0 {
		return &AccessError{User: u.name, Dir: p.dir, Blocked: blocked}
	}
	return nil
}

// canSearch reports whether u may search the directory fi describes, by its
// mode bits (ACLs aside).
func (u *osUser) canSearch(fi os.FileInfo) bool {
	uid, gid, ok := fileOwner(fi)
	if !ok {
		return true
	}
	mode := fi.Mode().Perm()
	switch {
	case uid == u.uid:
		return mode&0o100 != 0
	case gid == u.gid:
		return mode&0o010 != 0
	}
	return mode&0o001 != 0
}
