package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultDevMailboxLimit is how many messages a DevMailbox keeps when its
// Limit is zero.
const DefaultDevMailboxLimit = 100

// DevMailbox is a Mailer for development and tests: it keeps the last Limit
// messages instead of sending them, and its ServeHTTP lists them in the browser
// so that a developer can follow the links they carry. It keeps them in memory,
// or with File in a file, where they survive the app's restarts.
//
// Mount it at /dev/mailbox in development only, never in production: it shows
// every email the app sends, magic login links included, to whoever can reach
// it, so anyone could log in as anyone.
//
// The zero value is ready to use. A DevMailbox is safe for concurrent use.
type DevMailbox struct {
	// Limit is how many messages are kept; the oldest go first. Zero means
	// DefaultDevMailboxLimit.
	Limit int

	// File, when set, is where the messages are kept instead of memory: a
	// JSON file, created (with its directory) at the first Send, readable by
	// its owner only, since the messages hold login links. Every method reads
	// it again, so the messages survive restarts, and a process that replaces
	// another (as under liveapp dev) sees what the other received. The
	// generated app uses .liveapp/mailbox.json in development.
	File string

	mu     sync.Mutex
	msgs   []Delivered // oldest first
	lastID int
}

// Delivered is a message a DevMailbox received.
type Delivered struct {
	// ID numbers messages in the order they arrived, from 1.
	ID int
	// At is when Send was called.
	At time.Time
	Message
}

// Send keeps m, dropping the oldest message if the mailbox is full. It returns
// ErrHeaderInjection for the messages SMTP would refuse, so that development
// meets the errors production would, ctx.Err() when ctx is done, and the
// error of reading or writing File.
func (b *DevMailbox) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.checkHeaders(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.load(); err != nil {
		return err
	}
	b.lastID++
	b.msgs = append(b.msgs, Delivered{ID: b.lastID, At: time.Now(), Message: m})
	limit := b.Limit
	if limit <= 0 {
		limit = DefaultDevMailboxLimit
	}
	if over := len(b.msgs) - limit; over > 0 {
		b.msgs = slices.Delete(b.msgs, 0, over)
	}
	return b.save()
}

// Clear deletes every message. Numbering goes on from the last one, so that a
// page still open on a deleted message does not show another.
func (b *DevMailbox) Clear() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.load(); err != nil {
		return err
	}
	b.msgs = nil
	return b.save()
}

// Messages returns a copy of the messages kept, newest first. With File, a
// file that cannot be read counts as empty.
func (b *DevMailbox) Messages() []Delivered {
	b.mu.Lock()
	_ = b.load()
	msgs := slices.Clone(b.msgs)
	b.mu.Unlock()
	slices.Reverse(msgs)
	return msgs
}

// message returns the kept message with id.
func (b *DevMailbox) message(id int) (Delivered, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.load()
	i, found := slices.BinarySearchFunc(b.msgs, id, func(d Delivered, id int) int { return d.ID - id })
	if !found {
		return Delivered{}, false
	}
	return b.msgs[i], true
}

// stored is File's content.
type stored struct {
	LastID   int         `json:"last_id"`
	Messages []Delivered `json:"messages"` // oldest first
}

// load reads File, when set, into b.msgs and b.lastID; a missing file is an
// empty mailbox. b.mu must be held.
func (b *DevMailbox) load() error {
	if b.File == "" {
		return nil
	}
	data, err := os.ReadFile(b.File)
	if errors.Is(err, fs.ErrNotExist) {
		b.msgs, b.lastID = nil, 0
		return nil
	}
	if err != nil {
		return fmt.Errorf("mail: dev mailbox: %w", err)
	}
	var st stored
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("mail: dev mailbox %s: %w (delete it to start afresh)", b.File, err)
	}
	b.msgs, b.lastID = st.Messages, st.LastID
	return nil
}

// save writes b's messages to File, when set, replacing it whole so that a
// reader never sees half of it. b.mu must be held.
func (b *DevMailbox) save() error {
	if b.File == "" {
		return nil
	}
	data, err := json.Marshal(stored{LastID: b.lastID, Messages: b.msgs})
	if err != nil {
		return fmt.Errorf("mail: dev mailbox: %w", err)
	}
	dir := filepath.Dir(b.File)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("mail: dev mailbox: %w", err)
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(b.File)+".*")
	if err != nil {
		return fmt.Errorf("mail: dev mailbox: %w", err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), b.File)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("mail: dev mailbox: %w", err)
	}
	return nil
}

// ServeHTTP answers GET and HEAD: without a query it lists the messages newest
// first; with ?id=N it shows message N, its text HTML-escaped and its http and
// https URLs made into links. A message no longer kept is 404 Not Found. Links
// are relative to the request's path, so the handler works at any mount point.
//
// A POST from the page's own origin (its Clear button) clears the mailbox and
// redirects to the list; a POST from another site is 403 Forbidden.
func (b *DevMailbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		b.serveClear(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The page shows login links: keep it out of caches, and let nothing run
	// on it even if escaping failed.
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")

	q := r.URL.Query().Get("id")
	if q == "" {
		mailboxPage.ExecuteTemplate(w, "list", b.Messages())
		return
	}
	id, err := strconv.Atoi(q)
	d, ok := b.message(id)
	if err != nil || !ok {
		w.WriteHeader(http.StatusNotFound)
		mailboxPage.ExecuteTemplate(w, "missing", nil)
		return
	}
	mailboxPage.ExecuteTemplate(w, "show", struct {
		Delivered
		Body []segment
	}{d, linkify(d.Text)})
}

// serveClear clears the mailbox for the form on the mailbox page. A browser
// says where a form comes from (Sec-Fetch-Site, or else Origin), and a form
// of another site is refused (http.CrossOriginProtection), so that no page
// can empty the mailbox behind the developer's back.
func (b *DevMailbox) serveClear(w http.ResponseWriter, r *http.Request) {
	if err := http.NewCrossOriginProtection().Check(r); err != nil {
		http.Error(w, "Forbidden: the mailbox is cleared from its own page only", http.StatusForbidden)
		return
	}
	if err := b.Clear(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
}

// segment is a piece of a message's text: a URL to link, or plain text.
type segment struct {
	Text string
	URL  bool
}

var urlPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// linkify splits text into plain text and the http(s) URLs in it. Punctuation
// that ends a sentence is left out of a URL.
func linkify(text string) []segment {
	var segs []segment
	rest := 0
	for _, m := range urlPattern.FindAllStringIndex(text, -1) {
		end := m[0] + len(strings.TrimRight(text[m[0]:m[1]], ".,;:!?)]'"))
		if end-m[0] <= len("https://") {
			continue
		}
		if m[0] > rest {
			segs = append(segs, segment{Text: text[rest:m[0]]})
		}
		segs = append(segs, segment{Text: text[m[0]:end], URL: true})
		rest = end
	}
	if rest < len(text) {
		segs = append(segs, segment{Text: text[rest:]})
	}
	return segs
}

// mailboxPage escapes every value: html/template quotes text for its context
// and refuses URLs with other schemes than http and https in href.
var mailboxPage = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dev mailbox</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 50rem; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #ddd; padding: .4rem; text-align: left; vertical-align: top; }
pre { white-space: pre-wrap; word-break: break-word; background: #f6f6f6; padding: 1rem; }
.note { color: #a33; }
</style></head><body>
<h1><a href="?">Dev mailbox</a></h1>
<p class="note">Development only: this page shows every email the app sent, login links included.</p>
{{end}}

{{define "list"}}{{template "head"}}
{{if .}}<form method="post" action=""><button>Clear the mailbox</button></form>
<table>
<tr><th>#</th><th>Received</th><th>To</th><th>Subject</th></tr>
{{range .}}<tr><td>{{.ID}}</td><td>{{.At.Format "15:04:05"}}</td><td>{{.To}}</td><td><a href="?id={{.ID}}">{{or .Subject "(no subject)"}}</a></td></tr>
{{end}}</table>
{{else}}<p>No messages yet.</p>{{end}}
</body></html>
{{end}}

{{define "show"}}{{template "head"}}
<table>
<tr><th>To</th><td>{{.To}}</td></tr>
<tr><th>Subject</th><td>{{.Subject}}</td></tr>
<tr><th>Received</th><td>{{.At.Format "2006-01-02 15:04:05"}}</td></tr>
</table>
<pre>{{range .Body}}{{if .URL}}<a href="{{.Text}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}</pre>
</body></html>
{{end}}

{{define "missing"}}{{template "head"}}
<p>This message is not in the mailbox (any more).</p>
</body></html>
{{end}}
`))
