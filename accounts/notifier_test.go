package accounts_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/mail"
)

// quotingMailer fails every Send with an error that quotes the message, as a
// careless Mailer might, and keeps the texts it was given.
type quotingMailer struct {
	mu    sync.Mutex
	texts []string
}

func (q *quotingMailer) Send(_ context.Context, m mail.Message) error {
	q.mu.Lock()
	q.texts = append(q.texts, m.Text)
	q.mu.Unlock()
	return fmt.Errorf("relay refused %q", m.Text)
}

func TestTokensNeverReachTheLogsOrErrors(t *testing.T) {
	mailer := new(quotingMailer)
	e := newMailEnv(t, accounts.Config{Mailer: mailer})
	alice := registerConfirmed(t, e, "alice@example.com")
	if err := e.s.DeliverLoginInstructions(t.Context(), "alice@example.com", client, loginURL); err != nil {
		t.Fatal(err)
	}
	if err := e.s.WaitForMail(t.Context()); err != nil {
		t.Fatal(err)
	}
	scope, _ := e.sudo(t, alice)
	changeErr := e.s.DeliverEmailChangeInstructions(t.Context(), scope, "alice@new.example", confirmEmailURL)
	if changeErr == nil {
		t.Fatal("DeliverEmailChangeInstructions hid the Mailer's error")
	}

	if len(mailer.texts) != 2 {
		t.Fatalf("%d emails attempted, want 2", len(mailer.texts))
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "deliver login instructions") || !strings.Contains(logs, "relay refused") || !strings.Contains(logs, "[token]") {
		t.Errorf("the failure was not logged: %s", logs)
	}
	for _, text := range mailer.texts {
		token := linkToken.FindStringSubmatch(text)[1]
		if strings.Contains(logs, token) {
			t.Errorf("token in the logs: %s", logs)
		}
		if strings.Contains(changeErr.Error(), token) {
			t.Errorf("token in the error: %v", changeErr)
		}
	}
}
