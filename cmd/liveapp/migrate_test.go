package main

import (
	"strings"
	"testing"

	"github.com/liveapp/liveapp/internal/appgen"
	"github.com/liveapp/liveapp/internal/scaffold"
)

// TestMigrateAndGenAuthNeedAnApp covers the errors that come before any work;
// TestGeneratedApps runs both for real.
func TestMigrateAndGenAuthNeedAnApp(t *testing.T) {
	t.Run("outside an app", func(t *testing.T) {
		t.Chdir(t.TempDir())
		t.Setenv("DATABASE_URL", "postgres://localhost/x")
		for _, cmd := range []string{"migrate", "gen.auth"} {
			if _, err := run(t, cmd); err == nil || !strings.Contains(err.Error(), "not in a liveapp app") {
				t.Errorf("%s: got %v", cmd, err)
			}
		}
	})
	t.Run("migrate without DATABASE_URL", func(t *testing.T) {
		dir := t.TempDir()
		files, err := appgen.Files(appgen.Options{Name: "shop", Parts: appgen.Parts{}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := scaffold.Write(dir, files, false); err != nil {
			t.Fatal(err)
		}
		t.Chdir(dir)
		t.Setenv("DATABASE_URL", "")
		_, err = run(t, "migrate")
		if err == nil || !strings.Contains(err.Error(), "DATABASE_URL is not set") || !strings.Contains(err.Error(), "postgres://localhost/shop_dev") {
			t.Fatalf("got %v", err)
		}
		// liveapp dev does not exist yet: the error must not send users to it.
		if strings.Contains(err.Error(), "liveapp dev") {
			t.Errorf("the error mentions liveapp dev: %v", err)
		}
	})
}
