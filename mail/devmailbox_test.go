package mail_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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
	b.ServeHTTP(w, httptest.NewRequest("PUT", "/dev/mailbox", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d, want 405", w.Code)
	}
}

func TestDevMailboxClearsFromItsOwnPageOnly(t *testing.T) {
	b := &mail.DevMailbox{}
	b.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "Log in"})
	if _, list := get(t, b, "/dev/mailbox"); !strings.Contains(list, `<form method="post"`) {
		t.Errorf("the list has no clear button:\n%s", list)
	}
	post := func(header, value string) int {
		r := httptest.NewRequest("POST", "http://localhost:4000/dev/mailbox", nil)
		if header != "" {
			r.Header.Set(header, value)
		}
		w := httptest.NewRecorder()
		b.ServeHTTP(w, r)
		return w.Code
	}
	for _, tt := range []struct{ header, value string }{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Origin", "http://evil.example"},
	} {
		if code := post(tt.header, tt.value); code != http.StatusForbidden || len(b.Messages()) != 1 {
			t.Errorf("POST with %s %q: %d, %d messages left; want 403 and the message kept", tt.header, tt.value, code, len(b.Messages()))
		}
	}
	if code := post("Sec-Fetch-Site", "same-origin"); code != http.StatusSeeOther || len(b.Messages()) != 0 {
		t.Errorf("POST from the page: %d, %d messages left; want 303 and none", code, len(b.Messages()))
	}
	b.Send(t.Context(), mail.Message{To: "alice@example.com"})
	if got := b.Messages(); len(got) != 1 || got[0].ID != 2 {
		t.Errorf("after a clear, a new message is %+v: want it numbered 2", got)
	}
	if code := post("Origin", "http://localhost:4000"); code != http.StatusSeeOther || len(b.Messages()) != 0 {
		t.Errorf("POST with the page's Origin: %d, %d messages left; want 303 and none", code, len(b.Messages()))
	}
}

// TestDevMailboxInAFileSurvivesRestarts: a second mailbox on the same file,
// as in the app's next process under liveapp dev, has the first one's
// messages, and its own numbering goes on from them.
func TestDevMailboxInAFileSurvivesRestarts(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".liveapp", "mailbox.json")
	before := &mail.DevMailbox{File: file, Limit: 2}
	for _, subj := range []string{"dropped", "Welcome", "Log in"} {
		if err := before.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: subj, Text: "https://app.example/log-in/abc"}); err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the file: %v, %v; want it readable by its owner only", fi, err)
	}
	after := &mail.DevMailbox{File: file, Limit: 2}
	got := after.Messages()
	if len(got) != 2 || got[0].Subject != "Log in" || got[0].ID != 3 || got[1].Subject != "Welcome" || got[0].At.IsZero() {
		t.Fatalf("after a restart: %+v", got)
	}
	if _, page := get(t, after, "/dev/mailbox?id=3"); !strings.Contains(page, `<a href="https://app.example/log-in/abc">`) {
		t.Errorf("message 3 after a restart:\n%s", page)
	}
	if err := after.Send(t.Context(), mail.Message{To: "bob@example.com"}); err != nil {
		t.Fatal(err)
	}
	// The old process, still up while the new one starts, sees it too.
	if got := before.Messages(); len(got) != 2 || got[0].ID != 4 || got[0].To != "bob@example.com" {
		t.Errorf("the first mailbox sees %+v", got)
	}

	if err := os.WriteFile(file, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := after.Send(t.Context(), mail.Message{To: "bob@example.com"}); err == nil || !strings.Contains(err.Error(), "delete it to start afresh") {
		t.Errorf("Send on a damaged file: %v", err)
	}
}
