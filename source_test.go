package liveapp

import (
	"io/fs"
	"testing"
)

func TestSourceHoldsWhatAppsImport(t *testing.T) {
	for _, p := range []string{
		"go.mod", "go.sum",
		"live/runtime.go", "live/client/client.js", "live/internal/dom/diff.go", "live/livetest/livetest.go", "live/pubsub/pubsub.go",
		"accounts/store.go", "accounts/web/auth.go", "fieldtext/fieldtext.go", "mail/mail.go",
		"migrations/migrations.go", "migrations/001_create_users.sql",
		"pgtest/pgtest.go", "internal/pgcluster/cluster.go",
	} {
		if _, err := fs.Stat(Source(), p); err != nil {
			t.Errorf("Source lacks %s: %v", p, err)
		}
	}
	if _, err := fs.Stat(Source(), "template"); err == nil {
		t.Error("Source holds the template too")
	}
}

func TestTemplateIsRootedAtTheApp(t *testing.T) {
	for _, p := range []string{".gitignore", "README.md", "cmd/app/main.go", "internal/web/routes.go", "migrations/001_create_projects.sql"} {
		if _, err := fs.Stat(Template(), p); err != nil {
			t.Errorf("Template lacks %s: %v", p, err)
		}
	}
}
