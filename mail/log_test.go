package mail

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestLogWritesTheMessage(t *testing.T) {
	var buf bytes.Buffer
	m := Log{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	if err := m.Send(context.Background(), Message{To: "a@example.com", Subject: "Log in", Text: "/users/log-in/abc"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a@example.com", "Log in", "/users/log-in/abc"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log %q lacks %q", buf.String(), want)
		}
	}
	if err := m.Send(context.Background(), Message{To: "a@example.com\r\nBcc: b@example.com"}); err != ErrHeaderInjection {
		t.Errorf("a To with a line break: %v", err)
	}
}
