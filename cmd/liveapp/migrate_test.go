package main

import (
	"strings"
	"testing"
)

// TestMigrateAndGenAuthNeedAnApp covers the errors that come before any work;
// TestGeneratedApps runs both for real, and migrate on the development database.
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
}
