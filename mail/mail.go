// Package mail sends plain-text emails: a Message, the Mailer interface that
// sends one, an SMTP mailer for production and a DevMailbox that keeps messages
// in memory and shows them in the browser during development.
//
//	var m mail.Mailer = &mail.SMTP{Addr: "smtp.example.com:587", From: "app@example.com",
//		Username: user, Password: pass}
//	err := m.Send(ctx, mail.Message{To: "alice@example.com", Subject: "Hi", Text: "Hello"})
//
// Messages are plain text only: the links they carry work in every client, and
// there is no HTML to escape. Both mailers refuse a To or Subject that holds a
// line break, so that user input cannot add headers (header injection).
package mail

import (
	"context"
	"errors"
	"strings"
)

// Message is a plain-text email.
type Message struct {
	// To is the recipient: "alice@example.com" or "Alice <alice@example.com>".
	To string
	// Subject is the subject line; it may hold any Unicode text but no line break.
	Subject string
	// Text is the body, in plain text. Lines may end with "\n" or "\r\n".
	Text string
}

// Mailer sends messages. Implementations must be safe for concurrent use and
// must return once ctx is done.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// ErrHeaderInjection is returned for a Message whose To or Subject holds a
// carriage return or line feed, which would start a new header.
var ErrHeaderInjection = errors.New("mail: line break in To or Subject")

// checkHeaders returns ErrHeaderInjection when m's header fields hold a line
// break.
func (m Message) checkHeaders() error {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return ErrHeaderInjection
	}
	return nil
}
