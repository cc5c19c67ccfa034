package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	// liveapp:auth begin
	"path/filepath"
	// liveapp:auth end
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
	Addr        string   // where to listen: HOST:PORT
	PublicURL   *url.URL // nil when PUBLIC_URL is unset in production
	// liveapp:auth begin
	SMTP       *mail.SMTP // nil in dev, which uses a DevMailbox, and without SMTP_ADDR
	UploadsDir string     // UPLOADS_DIR; "" turns avatars off
	// liveapp:auth end
	TrustProxy bool
	DebugAddr  string     // where to serve /debug/vars; "" serves it nowhere
	LogLevel   slog.Level // LOG_LEVEL; Info by default

	// TLS is the certificate to serve HTTPS with, from TLS_CERT_FILE and
	// TLS_KEY_FILE; nil serves plain HTTP.
	TLS *tls.Certificate

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

// makeSecret says how to make a SECRET_KEY_BASE.
const makeSecret = "generate one with `openssl rand -base64 48` or `app secret`, and keep it secret; every node needs the same"

// loadConfig reads the configuration through getenv (os.Getenv). It returns
// every problem at once, so a deploy fails with the full list.
func loadConfig(getenv func(string) string) (*config, error) {
	c := &config{}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	// Production unless told otherwise: forgetting APP_ENV must not deploy the
	// dev conveniences (a public secret, errors in the browser, the mailbox).
	switch env := getenv("APP_ENV"); env {
	case "dev":
		c.Dev = true
	case "", "prod":
	default:
		bad("APP_ENV=%q: want dev or prod (unset is prod)", env)
	}

	port := getenv("PORT")
	if port == "" {
		port = "4000"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		bad("PORT=%q: want a port number", port)
	}
	// In dev, listen on the loopback interface only: the dev mailbox shows
	// login links, which nobody else on the network should see. In production,
	// listen on every interface, as Phoenix and Rails releases do, so that a
	// container or a load balancer can reach the app; HOST=127.0.0.1 keeps it
	// behind a proxy on the same machine.
	host, hostSet := getenv("HOST"), true
	if host == "" {
		hostSet = false
		if c.Dev {
			host = "127.0.0.1"
		}
	}
	if hostSet && strings.ContainsAny(host, "/: ") && net.ParseIP(host) == nil {
		bad("HOST=%q: want an IP address or a host name, such as 127.0.0.1 or ::", host)
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
		bad("SECRET_KEY_BASE is not set: %s", makeSecret)
	case secret == devSecret && !c.Dev:
		bad("SECRET_KEY_BASE is the dev-only secret, which anyone can read in the source: %s", makeSecret)
	case len(secret) < minSecretLen:
		bad("SECRET_KEY_BASE is %d bytes: it needs at least %d; %s", len(secret), minSecretLen, makeSecret)
	default:
		c.Secret = []byte(secret)
	}

	switch raw := getenv("PUBLIC_URL"); {
	case raw == "" && c.Dev:
		c.PublicURL = &url.URL{Scheme: "http", Host: "localhost:" + port}
	case raw == "":
		// Websockets are then accepted from the page's own origin only, and
		// cookies are Secure when the request came over HTTPS.
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
		switch {
		case c.SMTP.Addr == "" && c.SMTP.From == "":
			// Emails go to the log: enough to try the app, not to run it.
			c.SMTP = nil
			c.Warnings = append(c.Warnings, "SMTP_ADDR is not set: emails are written to the log instead of sent, login links included; set SMTP_ADDR and SMTP_FROM to send them")
		case c.SMTP.Addr == "":
			bad("SMTP_ADDR is not set: set it to the host:port of an SMTP server, such as smtp.example.com:587")
		default:
			if _, _, err := net.SplitHostPort(c.SMTP.Addr); err != nil {
				bad("SMTP_ADDR=%q: want the host:port of an SMTP server, such as smtp.example.com:587", c.SMTP.Addr)
			} else {
				// Refuse to send passwords and login links in clear text, except
				// to a relay on this machine.
				c.SMTP.RequireTLS = !isLocal(c.SMTP.Addr)
			}
			if c.SMTP.From == "" {
				bad("SMTP_FROM is not set: set it to the sender of the app's emails, such as \"App <app@example.com>\"")
			}
			if c.PublicURL == nil && getenv("PUBLIC_URL") == "" {
				bad("PUBLIC_URL is not set: emails link to the app, so set it to the address users reach the app at, such as https://example.com")
			}
		}
	}

	// Uploaded files (avatars) are kept on disk: under .liveapp in dev, and
	// in production where the operator says, on storage that outlives deploys.
	switch c.UploadsDir = getenv("UPLOADS_DIR"); {
	case c.UploadsDir == "" && c.Dev:
		c.UploadsDir = filepath.Join(".liveapp", "uploads")
	case c.UploadsDir == "":
		c.Warnings = append(c.Warnings, "UPLOADS_DIR is not set: avatars are off; set it to a directory on storage that outlives deploys, the same for every node")
	}
	// liveapp:auth end

	certFile, keyFile := getenv("TLS_CERT_FILE"), getenv("TLS_KEY_FILE")
	switch {
	case certFile == "" && keyFile == "":
	case certFile == "" || keyFile == "":
		bad("TLS_CERT_FILE and TLS_KEY_FILE go together: set both to serve HTTPS, or neither")
	default:
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			bad("TLS_CERT_FILE, TLS_KEY_FILE: %v", err)
		} else {
			c.TLS = &cert
		}
	}

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

// migrateConfig returns the DATABASE_URL `app migrate` needs, which is all it
// needs: a release step can run before the serving settings exist.
func migrateConfig(getenv func(string) string) (string, error) {
	url := getenv("DATABASE_URL")
	if url == "" {
		return "", errors.New("DATABASE_URL is not set: set it to the PostgreSQL URL of the app's database")
	}
	return url, nil
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
