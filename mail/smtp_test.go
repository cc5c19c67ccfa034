package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveapp/liveapp/mail"
)

// smtpServer is a minimal SMTP server on 127.0.0.1 that records what it is
// sent. It speaks just enough of RFC 5321 for net/smtp.
type smtpServer struct {
	addr string
	tls  *tls.Config // offers STARTTLS when set
	user string      // offers AUTH PLAIN with user and pass when set
	pass string
	mute bool // greets nobody, to test timeouts

	mu       sync.Mutex
	received []received
}

// received is one message as the server saw it.
type received struct {
	from, to string
	data     string // after DATA, dot-unstuffed, CRLF line endings
	tls      bool   // arrived after STARTTLS
	authed   bool
}

// startSMTP starts srv, stopped when t ends.
func startSMTP(t *testing.T, srv *smtpServer) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.addr = ln.Addr().String()
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { srv.serve(conn) })
		}
	})
	return srv
}

func (srv *smtpServer) messages() []received {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return append([]received(nil), srv.received...)
}

func (srv *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if srv.mute {
		io.Copy(io.Discard, conn)
		return
	}
	tp := textproto.NewConn(conn)
	reply := func(lines ...string) {
		for i, l := range lines {
			sep := "-"
			if i == len(lines)-1 {
				sep = " "
			}
			tp.PrintfLine("%s%s%s", l[:3], sep, l[4:])
		}
	}
	var msg received
	reply("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			lines := []string{"250 test"}
			if srv.tls != nil && !msg.tls {
				lines = append(lines, "250 STARTTLS")
			}
			if srv.user != "" {
				lines = append(lines, "250 AUTH PLAIN")
			}
			reply(append(lines, "250 8BITMIME")...)
		case "STARTTLS":
			reply("220 go ahead")
			tc := tls.Server(conn, srv.tls)
			if err := tc.Handshake(); err != nil {
				return // the client may refuse the certificate
			}
			conn, tp, msg.tls = tc, textproto.NewConn(tc), true
		case "AUTH":
			creds, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(arg, "PLAIN "))
			if string(creds) != "\x00"+srv.user+"\x00"+srv.pass {
				reply("535 bad credentials")
				continue
			}
			msg.authed = true
			reply("235 ok")
		case "MAIL":
			msg.from = arg
			reply("250 ok")
		case "RCPT":
			msg.to = arg
			reply("250 ok")
		case "DATA":
			reply("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			msg.data = strings.ReplaceAll(string(data), "\n", "\r\n")
			srv.mu.Lock()
			srv.received = append(srv.received, msg)
			srv.mu.Unlock()
			reply("250 queued")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

// selfSigned returns a server config for 127.0.0.1 and a client config that
// trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	return server, client
}

// body decodes the quoted-printable body of data.
func body(t *testing.T, data string) string {
	t.Helper()
	_, b, ok := strings.Cut(data, "\r\n\r\n")
	if !ok {
		t.Fatalf("no body in %q", data)
	}
	out, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(b)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestSMTPDeliversPlainTextMessage(t *testing.T) {
	srv := startSMTP(t, &smtpServer{})
	m := &mail.SMTP{Addr: srv.addr, From: "App <app@example.com>"}
	text := "Hello Zoë,\n.a line that starts with a dot\n" + strings.Repeat("long ", 40) + "\nhttps://example.com/log-in/abc_DEF-123\n"
	err := m.Send(t.Context(), mail.Message{To: "Alice <alice@example.com>", Subject: "Bienvenue à bord", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("%d messages received, want 1", len(got))
	}
	r := got[0]
	if !strings.HasPrefix(r.from, "FROM:<app@example.com>") || !strings.HasPrefix(r.to, "TO:<alice@example.com>") {
		t.Errorf("envelope %q %q", r.from, r.to)
	}
	for _, h := range []string{
		"From: \"App\" <app@example.com>\r\n",
		"To: \"Alice\" <alice@example.com>\r\n",
		"Subject: =?utf-8?q?Bienvenue_=C3=A0_bord?=\r\n",
		"Content-Type: text/plain; charset=utf-8\r\n",
		"Content-Transfer-Encoding: quoted-printable\r\n",
	} {
		if !strings.Contains(r.data, h) {
			t.Errorf("header %q missing from\n%s", h, r.data)
		}
	}
	if want := strings.ReplaceAll(text, "\n", "\r\n"); body(t, r.data) != want {
		t.Errorf("body %q, want %q", body(t, r.data), want)
	}
	if r.tls || r.authed {
		t.Errorf("tls %v, authed %v: the server offered neither", r.tls, r.authed)
	}
}

func TestSMTPUsesSTARTTLSWhenOfferedAndThenAuthenticates(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	srv := startSMTP(t, &smtpServer{tls: serverTLS, user: "app", pass: "s3cret"})
	m := &mail.SMTP{Addr: srv.addr, From: "app@example.com", Username: "app", Password: "s3cret", TLSConfig: clientTLS, RequireTLS: true}
	if err := m.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "Hi", Text: "Hello"}); err != nil {
		t.Fatal(err)
	}
	got := srv.messages()
	if len(got) != 1 || !got[0].tls || !got[0].authed {
		t.Fatalf("received %+v, want one message over TLS after AUTH", got)
	}
}

func TestSMTPRefusesUntrustedCertificate(t *testing.T) {
	serverTLS, _ := selfSigned(t)
	srv := startSMTP(t, &smtpServer{tls: serverTLS})
	m := &mail.SMTP{Addr: srv.addr, From: "app@example.com"}
	if err := m.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "Hi", Text: "Hello"}); err == nil {
		t.Error("Send trusted a self-signed certificate")
	}
	if n := len(srv.messages()); n != 0 {
		t.Errorf("%d messages received", n)
	}
}

func TestSMTPRequireTLSRefusesCleartextServer(t *testing.T) {
	srv := startSMTP(t, &smtpServer{})
	m := &mail.SMTP{Addr: srv.addr, From: "app@example.com", RequireTLS: true}
	if err := m.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "Hi", Text: "Hello"}); err == nil {
		t.Error("Send delivered in clear text with RequireTLS")
	}
	if n := len(srv.messages()); n != 0 {
		t.Errorf("%d messages received", n)
	}
}

func TestSMTPWrongPasswordFails(t *testing.T) {
	srv := startSMTP(t, &smtpServer{user: "app", pass: "s3cret"})
	m := &mail.SMTP{Addr: srv.addr, From: "app@example.com", Username: "app", Password: "wrong"}
	if err := m.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "Hi", Text: "Hello"}); err == nil {
		t.Error("Send succeeded with a wrong password")
	}
}

func TestSMTPRefusesHeaderInjectionWithoutConnecting(t *testing.T) {
	srv := startSMTP(t, &smtpServer{})
	m := &mail.SMTP{Addr: srv.addr, From: "app@example.com"}
	for _, msg := range []mail.Message{
		{To: "alice@example.com\r\nBcc: eve@example.com", Subject: "Hi"},
		{To: "alice@example.com\nBcc: eve@example.com", Subject: "Hi"},
		{To: "alice@example.com", Subject: "Hi\r\nBcc: eve@example.com"},
		{To: "alice@example.com", Subject: "Hi\rBcc: eve@example.com"},
	} {
		if err := m.Send(t.Context(), msg); !errors.Is(err, mail.ErrHeaderInjection) {
			t.Errorf("Send(%q, %q): %v, want ErrHeaderInjection", msg.To, msg.Subject, err)
		}
	}
	if err := m.Send(t.Context(), mail.Message{To: "not an address", Subject: "Hi"}); err == nil {
		t.Error("Send accepted a To that is not an address")
	}
	if n := len(srv.messages()); n != 0 {
		t.Errorf("%d messages received", n)
	}
}

func TestSMTPGivesUpAfterTimeout(t *testing.T) {
	srv := startSMTP(t, &smtpServer{mute: true})
	m := &mail.SMTP{Addr: srv.addr, From: "app@example.com", Timeout: 100 * time.Millisecond}
	start := time.Now()
	err := m.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "Hi", Text: "Hello"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send to a silent server: %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send returned after %v, want about 100ms", d)
	}

	ctx, cancel := context.WithCancel(t.Context())
	m.Timeout = time.Minute
	time.AfterFunc(50*time.Millisecond, cancel)
	start = time.Now()
	if err := m.Send(ctx, mail.Message{To: "alice@example.com", Subject: "Hi"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context: %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send returned %v after cancel", d)
	}
}
