package mail_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/liveapp/liveapp/mail"
)

func TestDevMailboxKeepsTheLastMessagesNewestFirst(t *testing.T) {
	b := &mail.DevMailbox{Limit: 3}
	for i := 1; i <= 5; i++ {
		if err := b.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: fmt.Sprint("message ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	got := b.Messages()
	if len(got) != 3 {
		t.Fatalf("%d messages kept, want 3", len(got))
	}
	for i, want := range []string{"message 5", "message 4", "message 3"} {
		if got[i].Subject != want || got[i].ID != 5-i || got[i].At.IsZero() {
			t.Errorf("message %d: %+v, want %q", i, got[i], want)
		}
	}
}

func TestDevMailboxZeroValueKeepsDefaultLimit(t *testing.T) {
	var b mail.DevMailbox
	for range mail.DefaultDevMailboxLimit + 1 {
		if err := b.Send(t.Context(), mail.Message{To: "alice@example.com"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(b.Messages()); n != mail.DefaultDevMailboxLimit {
		t.Errorf("%d messages kept, want %d", n, mail.DefaultDevMailboxLimit)
	}
}

func TestDevMailboxRefusesWhatSMTPRefuses(t *testing.T) {
	var b mail.DevMailbox
	err := b.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "Hi\r\nBcc: eve@example.com"})
	if !errors.Is(err, mail.ErrHeaderInjection) {
		t.Errorf("Send: %v, want ErrHeaderInjection", err)
	}
	if len(b.Messages()) != 0 {
		t.Error("refused message kept")
	}
}

func TestDevMailboxIsSafeForConcurrentUse(t *testing.T) {
	b := &mail.DevMailbox{Limit: 10}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				b.Send(t.Context(), mail.Message{To: "alice@example.com"})
				b.Messages()
				b.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/dev/mailbox", nil))
			}
		})
	}
	wg.Wait()
	if got := b.Messages(); len(got) != 10 || got[0].ID != 400 {
		t.Errorf("%d messages, newest %d; want 10, newest 400", len(got), got[0].ID)
	}
}

func get(t *testing.T, h http.Handler, target string) (int, string) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
	return w.Code, w.Body.String()
}

func TestDevMailboxPages(t *testing.T) {
	b := &mail.DevMailbox{Limit: 2}
	b.Send(t.Context(), mail.Message{To: "old@example.com", Subject: "dropped"})
	b.Send(t.Context(), mail.Message{To: "bob@example.com", Subject: "first"})
	b.Send(t.Context(), mail.Message{
		To:      "alice@example.com",
		Subject: "<b>Log in</b>",
		Text:    "Hi <script>alert(1)</script>,\nLog in at https://app.example/users/log-in/abc_DEF-1?x=1&y=2.\nNot a link: javascript:alert(1)\n",
	})

	code, list := get(t, b, "/dev/mailbox")
	if code != http.StatusOK {
		t.Fatalf("list: %d", code)
	}
	if i, j := strings.Index(list, "?id=3"), strings.Index(list, "?id=2"); i < 0 || j < 0 || i > j {
		t.Errorf("list does not link messages 3 then 2:\n%s", list)
	}
	if strings.Contains(list, "<b>Log in</b>") || !strings.Contains(list, "&lt;b&gt;Log in&lt;/b&gt;") {
		t.Errorf("subject not escaped in the list:\n%s", list)
	}
	if strings.Contains(list, "dropped") {
		t.Errorf("list shows a message over the limit:\n%s", list)
	}

	code, page := get(t, b, "/dev/mailbox?id=3")
	if code != http.StatusOK {
		t.Fatalf("message: %d", code)
	}
	for _, want := range []string{
		`Hi &lt;script&gt;alert(1)&lt;/script&gt;,`,
		`<a href="https://app.example/users/log-in/abc_DEF-1?x=1&amp;y=2">https://app.example/users/log-in/abc_DEF-1?x=1&amp;y=2</a>.`,
		`Not a link: javascript:alert(1)`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("message page lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, `href="javascript`) {
		t.Errorf("message page not escaped:\n%s", page)
	}

	for _, target := range []string{"/dev/mailbox?id=1", "/dev/mailbox?id=99", "/dev/mailbox?id=x"} {
		if code, _ := get(t, b, target); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", target, code)
		}
	}
	w := httptest.NewRecorder()
	b.ServeHTTP(w, httptest.NewRequest("POST", "/dev/mailbox", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", w.Code)
	}
}
