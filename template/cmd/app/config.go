package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	// liveapp:auth begin

	"github.com/liveapp/liveapp/mail"
	// liveapp:auth end
)

// config is the app's configuration, read from the environment.
type config struct {
	Dev         bool
	DatabaseURL string
	Secret      []byte
	Addr        string // where to listen
	PublicURL   *url.URL
	// liveapp:auth begin
	SMTP *mail.SMTP // nil in dev, which uses a DevMailbox
	// liveapp:auth end
	TrustProxy bool
	DebugAddr  string     // where to serve /debug/vars; "" serves it nowhere
	LogLevel   slog.Level // LOG_LEVEL; Info by default

	// Warnings are printed at startup: dev-mode shortcuts the user should
	// know about.
	Warnings []string
}

// devSecret signs cookies in dev mode when SECRET_KEY_BASE is unset. It is in
// the source code, so anyone can forge sessions with it: prod refuses to
// start without a secret of its own.
const devSecret = "dev-only secret: never use it in production, set SECRET_KEY_BASE"

// minSecretLen is the shortest SECRET_KEY_BASE accepted, in bytes.
const minSecretLen = 32

// loadConfig reads the configuration through getenv (os.Getenv). It returns
// every problem at once, so a deploy fails with the full list.
func loadConfig(getenv func(string) string) (*config, error) {
	c := &config{}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	switch env := getenv("APP_ENV"); env {
	case "", "dev":
		c.Dev = true
	case "prod":
	default:
		bad("APP_ENV=%q: want dev or prod", env)
	}

	port := getenv("PORT")
	if port == "" {
		port = "4000"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		bad("PORT=%q: want a port number", port)
	}
	// In dev, listen on the loopback interface only: the dev mailbox shows
	// login links, which nobody else on the network should see.
	host := ""
	if c.Dev {
		host = "127.0.0.1"
	}
	c.Addr = net.JoinHostPort(host, port)

	c.DatabaseURL = getenv("DATABASE_URL")
	if c.DatabaseURL == "" {
		if c.Dev {
			bad("DATABASE_URL is not set: run the app with `liveapp dev`, which provides a database, or set it to a PostgreSQL URL such as postgres://localhost/app_dev")
		} else {
			bad("DATABASE_URL is not set: set it to the PostgreSQL URL of the app's database")
		}
	}

	switch secret := getenv("SECRET_KEY_BASE"); {
	case secret == "" && c.Dev:
		c.Secret = []byte(devSecret)
		c.Warnings = append(c.Warnings, "SECRET_KEY_BASE is not set: using a fixed dev-only secret")
	case secret == "":
		bad("SECRET_KEY_BASE is not set: generate one with `openssl rand -base64 48` and keep it secret; every node needs the same")
	case len(secret) < minSecretLen:
		bad("SECRET_KEY_BASE is %d bytes: it needs at least %d (generate one with `openssl rand -base64 48`)", len(secret), minSecretLen)
	default:
		c.Secret = []byte(secret)
	}

	switch raw := getenv("PUBLIC_URL"); {
	case raw == "" && c.Dev:
		c.PublicURL = &url.URL{Scheme: "http", Host: "localhost:" + port}
	case raw == "":
		bad("PUBLIC_URL is not set: set it to the address users reach the app at, such as https://example.com")
	default:
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
			bad("PUBLIC_URL=%q: want a scheme and host only, such as https://example.com", raw)
			break
		}
		if !c.Dev && u.Scheme != "https" {
			c.Warnings = append(c.Warnings, "PUBLIC_URL is not https: cookies will not be marked Secure")
		}
		c.PublicURL = &url.URL{Scheme: u.Scheme, Host: u.Host}
	}

	// liveapp:auth begin
	if !c.Dev {
		c.SMTP = &mail.SMTP{
			Addr:     getenv("SMTP_ADDR"),
			From:     getenv("SMTP_FROM"),
			Username: getenv("SMTP_USERNAME"),
			Password: getenv("SMTP_PASSWORD"),
		}
		if c.SMTP.Addr == "" {
			bad("SMTP_ADDR is not set: set it to the host:port of an SMTP server, such as smtp.example.com:587")
		} else if _, _, err := net.SplitHostPort(c.SMTP.Addr); err != nil {
			bad("SMTP_ADDR=%q: want the host:port of an SMTP server, such as smtp.example.com:587", c.SMTP.Addr)
		} else {
			// Refuse to send passwords and login links in clear text, except
			// to a relay on this machine.
			c.SMTP.RequireTLS = !isLocal(c.SMTP.Addr)
		}
		if c.SMTP.From == "" {
			bad("SMTP_FROM is not set: set it to the sender of the app's emails, such as \"App <app@example.com>\"")
		}
	}
	// liveapp:auth end

	switch v := getenv("TRUST_PROXY"); v {
	case "", "false", "0":
	case "true", "1":
		c.TrustProxy = true
	default:
		bad("TRUST_PROXY=%q: want true or false", v)
	}

	// The figures are for the operator's monitoring, not for users: a second
	// listener, on an address of its own, keeps them off the app's port.
	if c.DebugAddr = getenv("DEBUG_ADDR"); c.DebugAddr != "" {
		if _, port, err := net.SplitHostPort(c.DebugAddr); err != nil || port == "" {
			bad("DEBUG_ADDR=%q: want a host:port for /debug/vars, such as 127.0.0.1:6060", c.DebugAddr)
		} else if c.DebugAddr == c.Addr {
			bad("DEBUG_ADDR=%q: it must differ from the app's address", c.DebugAddr)
		}
	}

	// In dev, Info shows a line per request and per live event; debug adds
	// the runtime's own (liveapp dev --verbose sets it).
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			bad("LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// liveapp:auth begin

// isLocal reports whether addr's host is this machine.
func isLocal(addr string) bool {
	host, _, _ := net.SplitHostPort(addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// liveapp:auth end
