package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/liveapp/liveapp/template/internal/web"
)

// auditDatabaseURL stands in for DATABASE_URL when audit resolves the
// configuration: it is never connected to.
const auditDatabaseURL = "postgres://audit.invalid/app"

// audit prints, as JSON, the app's routes with what guards each one, and the
// security settings production runs with when no optional variable is set
// (docs/security.md). It builds the app as serve does, but without a database
// and without reading the environment: the report describes the code, not
// this machine's settings, and needs no SECRET_KEY_BASE.
func audit(w io.Writer) error {
	cfg, err := loadConfig(auditEnv(map[string]string{"SECRET_KEY_BASE": rand.Text() + rand.Text()}))
	if err != nil {
		return fmt.Errorf("audit: the production configuration: %w", err)
	}
	log := slog.New(slog.DiscardHandler)
	wc := webConfig(cfg, nil, nil, log)
	wc.DevDir = "" // read nothing from disk: describe the compiled-in app
	app, err := web.NewForAudit(wc)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	report, err := app.Audit()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	report.Settings.SecretKeyBaseDevDefault = acceptsDevSecret()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(report)
}

// auditEnv is a getenv of an environment where only DATABASE_URL and vars are
// set.
func auditEnv(vars map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		if k == "DATABASE_URL" {
			return auditDatabaseURL
		}
		return ""
	}
}

// acceptsDevSecret reports whether the app, started with the production
// defaults, would sign sessions with devSecret: when SECRET_KEY_BASE is unset,
// or set to the dev secret itself.
func acceptsDevSecret() bool {
	for _, secret := range []string{"", devSecret} {
		if c, err := loadConfig(auditEnv(map[string]string{"SECRET_KEY_BASE": secret})); err == nil && string(c.Secret) == devSecret {
			return true
		}
	}
	return false
}
