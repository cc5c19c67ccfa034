package mail

import (
	"context"
	"log/slog"
)

// Log is a Mailer that writes each message to Logger, at level Warn, instead of
// sending it: for an app tried in production before it has an SMTP server. The
// log then holds what the emails hold, login links included, so anyone who
// reads it can log in as the app's users: configure SMTP to run the app for
// real. A nil Logger uses slog.Default().
type Log struct {
	Logger *slog.Logger
}

// Send logs m. It refuses a To or Subject with a line break, as the other
// mailers do.
func (l Log) Send(_ context.Context, m Message) error {
	if err := m.checkHeaders(); err != nil {
		return err
	}
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	log.Warn("email not sent (no SMTP server configured)", "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}
