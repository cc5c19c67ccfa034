package main

import (
	"log/slog"
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
	"SMTP_ADDR": "smtp.example.com:587",
	"SMTP_FROM": "App <app@example.com>",
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
		{"no public URL", with(prod, "PUBLIC_URL", ""), "PUBLIC_URL is not set"},
		{"a public URL with a path", with(prod, "PUBLIC_URL", "https://example.com/app"), "want a scheme and host only"},
		// liveapp:auth begin
		{"no SMTP server", with(prod, "SMTP_ADDR", ""), "SMTP_ADDR"},
		{"no sender", with(prod, "SMTP_FROM", ""), "SMTP_FROM is not set"},
		// liveapp:auth end
		{"a bad port", with(prod, "PORT", "http"), "PORT"},
		{"a debug address without a port", with(prod, "DEBUG_ADDR", "127.0.0.1"), "DEBUG_ADDR"},
		{"a debug address that is the app's", with(prod, "DEBUG_ADDR", ":4000"), "DEBUG_ADDR"},
		{"an unknown environment", with(prod, "APP_ENV", "production"), "APP_ENV"},
		{"an unknown log level", with(prod, "LOG_LEVEL", "loud"), `LOG_LEVEL="loud": want debug, info, warn or error`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(env(tt.vars))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
	// Every problem is reported at once.
	_, err := loadConfig(env(map[string]string{"APP_ENV": "prod"}))
	// liveapp:auth begin
	for _, v := range []string{"DATABASE_URL", "SECRET_KEY_BASE", "PUBLIC_URL", "SMTP_ADDR", "SMTP_FROM"} {
		// liveapp:auth else
		// for _, v := range []string{"DATABASE_URL", "SECRET_KEY_BASE", "PUBLIC_URL"} {
		// liveapp:auth end
		if err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("an empty prod environment: %v, want %s named", err, v)
		}
	}
}

func TestDevDefaults(t *testing.T) {
	c, err := loadConfig(env(map[string]string{"DATABASE_URL": "postgres://localhost/app_dev", "PORT": "4100"}))
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
	if c, err := loadConfig(env(with(map[string]string{"DATABASE_URL": "x"}, "LOG_LEVEL", "debug"))); err != nil || c.LogLevel != slog.LevelDebug {
		t.Errorf("LOG_LEVEL=debug: %v, %v", c, err)
	}
	if _, err := loadConfig(env(nil)); err == nil || !strings.Contains(err.Error(), "liveapp dev") {
		t.Errorf("dev without a database: %v, want a hint at liveapp dev", err)
	}
}
