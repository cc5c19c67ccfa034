package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// DefaultSMTPTimeout bounds one SMTP delivery when SMTP.Timeout is zero.
const DefaultSMTPTimeout = 30 * time.Second

// SMTP is a Mailer that delivers each message over a new connection to an SMTP
// server (a relay such as the provider's submission port). The zero value of
// every optional field is its default. An SMTP is safe for concurrent use; do
// not change its fields once it sends.
type SMTP struct {
	// Addr is the server's host:port, such as "smtp.example.com:587". Required.
	Addr string

	// From is the sender: "app@example.com" or "App <app@example.com>".
	// Required.
	From string

	// Username and Password, when Username is set, log in with AUTH PLAIN.
	// net/smtp sends them only over TLS (or to localhost), so a server that
	// does not offer STARTTLS gets an error rather than the password.
	Username string
	Password string

	// TLSConfig configures STARTTLS, which is used whenever the server offers
	// it. Nil verifies the server's certificate for Addr's host.
	TLSConfig *tls.Config

	// RequireTLS makes Send fail when the server does not offer STARTTLS,
	// instead of sending in clear text. Set it unless the server is local.
	RequireTLS bool

	// Timeout bounds a whole delivery, from dialing to QUIT, on top of the
	// context's deadline. Zero means DefaultSMTPTimeout.
	Timeout time.Duration

	// LocalName is the name given in EHLO. Default "localhost".
	LocalName string
}

// Send delivers m. It returns ErrHeaderInjection, without connecting, when To
// or Subject holds a line break, an error when To or From is not an address,
// and the server's error when it refuses the message. It returns when the
// delivery ends, Timeout passes or ctx is done, whichever comes first.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := m.checkHeaders(); err != nil {
		return err
	}
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("mail: invalid From %q: %w", s.From, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("mail: invalid To: %w", err)
	}
	msg, err := s.format(from, to, m)
	if err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("mail: invalid Addr %q: %w", s.Addr, err)
	}

	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultSMTPTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	defer conn.Close()
	// net/smtp knows no contexts: when ctx ends (Timeout included), a deadline
	// in the past fails the pending read or write at once.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if err := s.deliver(conn, host, from.Address, to.Address, msg); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("mail: send to %s: %w (%w)", s.Addr, ctx.Err(), err)
		}
		return fmt.Errorf("mail: send to %s: %w", s.Addr, err)
	}
	return nil
}

// deliver runs the SMTP conversation over conn.
func (s *SMTP) deliver(conn net.Conn, host, from, to string, msg []byte) error {
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	name := s.LocalName
	if name == "" {
		name = "localhost"
	}
	if err := c.Hello(name); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		config := s.TLSConfig
		if config == nil {
			config = &tls.Config{ServerName: host}
		}
		if err := c.StartTLS(config); err != nil {
			return err
		}
	} else if s.RequireTLS {
		return errors.New("server does not offer STARTTLS")
	}
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("server does not offer AUTH")
		}
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// format returns m as an RFC 5322 message in UTF-8 quoted-printable, lines
// ending in CRLF. The client dot-stuffs it on the way.
func (s *SMTP) format(from, to *mail.Address, m Message) ([]byte, error) {
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", time.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+rand.Text()+"@"+domain(from.Address)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	text := strings.ReplaceAll(m.Text, "\r\n", "\n")
	if _, err := qp.Write([]byte(text)); err != nil {
		return nil, fmt.Errorf("mail: encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("mail: encode body: %w", err)
	}
	return b.Bytes(), nil
}

// domain returns the part of addr after its last @.
func domain(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}
