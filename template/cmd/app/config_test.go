package main

import (
	"log/slog"
	// liveapp:auth begin
	"path/filepath"
	// liveapp:auth end
	"strings"
	"testing"
)

// env returns a getenv over vars.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

var prod = map[string]string{
	"APP_ENV":         "prod",
	"DATABASE_URL":    "postgres://db/app",
	"SECRET_KEY_BASE": strings.Repeat("s", 48),
	"PUBLIC_URL":      "https://example.com",
	// liveapp:auth begin
	"SMTP_ADDR":   "smtp.example.com:587",
	"SMTP_FROM":   "App <app@example.com>",
	"UPLOADS_DIR": "/var/lib/app/uploads",
	// liveapp:auth end
}

// with returns a copy of vars with changes applied; an empty value unsets.
func with(vars map[string]string, changes ...string) map[string]string {
	out := map[string]string{}
	for k, v := range vars {
		out[k] = v
	}
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == "" {
			delete(out, changes[i])
		} else {
			out[changes[i]] = changes[i+1]
		}
	}
	return out
}

func TestProdConfig(t *testing.T) {
	c, err := loadConfig(env(prod))
	if err != nil {
		t.Fatal(err)
	}
	// liveapp:auth begin
	if c.Dev || c.Addr != ":4000" || c.PublicURL.String() != "https://example.com" || c.SMTP == nil || !c.SMTP.RequireTLS {
		// liveapp:auth else
		// if c.Dev || c.Addr != ":4000" || c.PublicURL.String() != "https://example.com" {
		// liveapp:auth end
		t.Errorf("config %+v", c)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings %q", c.Warnings)
	}
	if c.DebugAddr != "" {
		t.Errorf("DebugAddr %q without DEBUG_ADDR", c.DebugAddr)
	}
	// liveapp:auth begin
	if c.UploadsDir != "/var/lib/app/uploads" {
		t.Errorf("UploadsDir %q, want UPLOADS_DIR's", c.UploadsDir)
	}
	if c, err := loadConfig(env(with(prod, "APP_ENV", "dev", "UPLOADS_DIR", ""))); err != nil || c.UploadsDir != filepath.Join(".liveapp", "uploads") {
		t.Errorf("dev without UPLOADS_DIR: %v, UploadsDir %q, want .liveapp/uploads", err, c.UploadsDir)
	}
	// liveapp:auth end
	if c, err := loadConfig(env(with(prod, "DEBUG_ADDR", "127.0.0.1:6060"))); err != nil || c.DebugAddr != "127.0.0.1:6060" {
		t.Errorf("DEBUG_ADDR=127.0.0.1:6060: %v, %+v", err, c)
	}
}

func TestProdRefusesToStartWithoutItsSettings(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		wantErr string
	}{
		{"no database", with(prod, "DATABASE_URL", ""), "DATABASE_URL is not set"},
		{"no secret", with(prod, "SECRET_KEY_BASE", ""), "SECRET_KEY_BASE is not set"},
		{"a short secret", with(prod, "SECRET_KEY_BASE", "short"), "it needs at least 32"},
		{"the dev secret", with(prod, "SECRET_KEY_BASE", devSecret), "SECRET_KEY_BASE is the dev-only secret"},
		// liveapp:auth begin
		{"no public URL for the links in emails", with(prod, "PUBLIC_URL", ""), "PUBLIC_URL is not set"},
		// liveapp:auth end
		{"a public URL with a path", with(prod, "PUBLIC_URL", "https://example.com/app"), "want a scheme and host only"},
		// liveapp:auth begin
		{"a sender but no SMTP server", with(prod, "SMTP_ADDR", ""), "SMTP_ADDR"},
		{"no sender", with(prod, "SMTP_FROM", ""), "SMTP_FROM is not set"},
		// liveapp:auth end
		{"a bad port", with(prod, "PORT", "http"), "PORT"},
		{"a debug address without a port", with(prod, "DEBUG_ADDR", "127.0.0.1"), "DEBUG_ADDR"},
		{"a debug address that is the app's", with(prod, "DEBUG_ADDR", ":4000"), "DEBUG_ADDR"},
		{"an unknown environment", with(prod, "APP_ENV", "production"), "APP_ENV"},
		{"an unknown log level", with(prod, "LOG_LEVEL", "loud"), `LOG_LEVEL="loud": want debug, info, warn or error`},
		{"a bad host", with(prod, "HOST", "http://example.com"), "HOST"},
		{"a certificate without its key", with(prod, "TLS_CERT_FILE", "cert.pem"), "TLS_CERT_FILE and TLS_KEY_FILE go together"},
		{"a certificate that is not there", with(prod, "TLS_CERT_FILE", "/nonexistent/cert.pem", "TLS_KEY_FILE", "/nonexistent/key.pem"), "TLS_CERT_FILE, TLS_KEY_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(env(tt.vars))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
	// Every problem is reported at once, with how to fix it.
	_, err := loadConfig(env(map[string]string{"APP_ENV": "prod"}))
	for _, v := range []string{"DATABASE_URL", "SECRET_KEY_BASE", "openssl rand -base64 48"} {
		if err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("an empty prod environment: %v, want %s named", err, v)
		}
	}
}

// Without APP_ENV the app runs in production: forgetting it must not deploy
// the dev conveniences, such as a secret anyone can read in the source.
func TestProductionIsTheDefault(t *testing.T) {
	_, err := loadConfig(env(map[string]string{"DATABASE_URL": "postgres://db/app"}))
	if err == nil || !strings.Contains(err.Error(), "SECRET_KEY_BASE is not set") {
		t.Fatalf("no APP_ENV and no secret: %v, want a refusal naming SECRET_KEY_BASE", err)
	}
	// DATABASE_URL and SECRET_KEY_BASE are enough to start.
	c, err := loadConfig(env(map[string]string{"DATABASE_URL": "postgres://db/app", "SECRET_KEY_BASE": strings.Repeat("s", 32)}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Dev || c.Addr != ":4000" || c.PublicURL != nil || c.TLS != nil || c.TrustProxy {
		t.Errorf("config %+v, want production on every interface, port 4000", c)
	}
	// liveapp:auth begin
	if c.SMTP != nil || len(c.Warnings) != 2 || !strings.Contains(c.Warnings[0], "emails are written to the log") {
		t.Errorf("SMTP %v, warnings %q: want emails logged, with a warning", c.SMTP, c.Warnings)
	}
	if c.UploadsDir != "" || !strings.Contains(c.Warnings[1], "UPLOADS_DIR is not set: avatars are off") {
		t.Errorf("UploadsDir %q, warnings %q: want avatars off, with a warning", c.UploadsDir, c.Warnings)
	}
	// liveapp:auth end
}

func TestHostAndPortChooseTheListener(t *testing.T) {
	tests := []struct {
		vars map[string]string
		want string
	}{
		{with(prod, "HOST", "127.0.0.1"), "127.0.0.1:4000"},
		{with(prod, "HOST", "::", "PORT", "8080"), "[::]:8080"},
		{with(prod, "HOST", "app.internal"), "app.internal:4000"},
		{with(prod, "PORT", "80"), ":80"},
		{with(prod, "APP_ENV", "dev", "PORT", "4100"), "127.0.0.1:4100"},
		{with(prod, "APP_ENV", "dev", "HOST", "0.0.0.0"), "0.0.0.0:4000"},
	}
	for _, tt := range tests {
		c, err := loadConfig(env(tt.vars))
		if err != nil {
			t.Fatalf("HOST=%q PORT=%q: %v", tt.vars["HOST"], tt.vars["PORT"], err)
		}
		if c.Addr != tt.want {
			t.Errorf("HOST=%q PORT=%q APP_ENV=%q: listen on %q, want %q", tt.vars["HOST"], tt.vars["PORT"], tt.vars["APP_ENV"], c.Addr, tt.want)
		}
	}
}

func TestTLSFiles(t *testing.T) {
	cert, key := writeCert(t)
	c, err := loadConfig(env(with(prod, "TLS_CERT_FILE", cert, "TLS_KEY_FILE", key)))
	if err != nil {
		t.Fatal(err)
	}
	if c.TLS == nil || len(c.TLS.Certificate) != 1 {
		t.Errorf("TLS %v, want the certificate loaded", c.TLS)
	}
	if _, err := loadConfig(env(with(prod, "TLS_CERT_FILE", key, "TLS_KEY_FILE", cert))); err == nil {
		t.Error("the files swapped were accepted")
	}
}

func TestDevDefaults(t *testing.T) {
	c, err := loadConfig(env(map[string]string{"APP_ENV": "dev", "DATABASE_URL": "postgres://localhost/app_dev", "PORT": "4100"}))
	if err != nil {
		t.Fatal(err)
	}
	// liveapp:auth begin
	if !c.Dev || c.Addr != "127.0.0.1:4100" || c.PublicURL.String() != "http://localhost:4100" || c.SMTP != nil {
		// liveapp:auth else
		// if !c.Dev || c.Addr != "127.0.0.1:4100" || c.PublicURL.String() != "http://localhost:4100" {
		// liveapp:auth end
		t.Errorf("config %+v", c)
	}
	if string(c.Secret) != devSecret || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "dev-only secret") {
		t.Errorf("secret %q, warnings %q: want the dev secret, with a warning", c.Secret, c.Warnings)
	}
	if c.LogLevel != slog.LevelInfo {
		t.Errorf("log level %v, want info: debug lines only when asked for", c.LogLevel)
	}
	if c, err := loadConfig(env(with(map[string]string{"APP_ENV": "dev", "DATABASE_URL": "x"}, "LOG_LEVEL", "debug"))); err != nil || c.LogLevel != slog.LevelDebug {
		t.Errorf("LOG_LEVEL=debug: %v, %v", c, err)
	}
	if _, err := loadConfig(env(map[string]string{"APP_ENV": "dev"})); err == nil || !strings.Contains(err.Error(), "liveapp dev") {
		t.Errorf("dev without a database: %v, want a hint at liveapp dev", err)
	}
}

func TestMigrateNeedsTheDatabaseOnly(t *testing.T) {
	if url, err := migrateConfig(env(map[string]string{"DATABASE_URL": "postgres://db/app"})); err != nil || url != "postgres://db/app" {
		t.Errorf("migrate with DATABASE_URL only: %q, %v", url, err)
	}
	if _, err := migrateConfig(env(nil)); err == nil || !strings.Contains(err.Error(), "DATABASE_URL is not set") {
		t.Errorf("migrate without DATABASE_URL: %v", err)
	}
}
