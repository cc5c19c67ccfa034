package pgcluster

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestCheckAccessFindsTheDirectoryTheServerCannotSearch(t *testing.T) {
	if os.Geteuid() != 0 {
		if err := (&Cluster{Dir: t.TempDir()}).CheckAccess(); err != nil {
			t.Errorf("not root: %v", err)
		}
		t.Skip("the server runs as another user for root only")
	}
	tmp := t.TempDir() // 0700, as its parent
	for _, d := range []string{tmp, filepath.Dir(tmp)} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(tmp, "home")
	app := filepath.Join(home, "app")
	if err := os.MkdirAll(app, 0o700); err != nil {
		t.Fatal(err)
	}
	c := &Cluster{Dir: filepath.Join(app, ".liveapp", "db")}
	var ae *AccessError
	if err := c.CheckAccess(); !errors.As(err, &ae) || !slices.Equal(ae.Blocked, []string{home, app}) || ae.User == "" {
		t.Fatalf("CheckAccess = %v, want an AccessError blocked at %s and %s", err, home, app)
	}
	for _, d := range []string{home, app} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.CheckAccess(); err != nil {
		t.Errorf("after chmod o+x: %v", err)
	}
}
