package live_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/internal/fakeclock"
	"github.com/liveapp/liveapp/live"
)

// uploadView allows three uploads: "avatar" (PNG by name and content, two files of up to
// 100 KiB, in 1 KiB chunks), "notes" (.txt by name only) and "ext" (external). "save"
// consumes every upload into the test's record; "cancel" cancels an entry.
type uploadView struct {
	rec    *uploadRecord
	Avatar *live.Upload
	Notes  *live.Upload
	Ext    *live.Upload
	Bulk   *live.Upload
}

type uploadRecord struct {
	holding, release chan struct{} // the "hold" event blocks the view between them

	mu    sync.Mutex
	saved map[string][]byte // entry name -> bytes; "" for an external entry's nil reader
	ext   []live.UploadEntry
}

var uploadTpl = template.Must(template.New("up").Parse(`{{define "list"}}<ul>{{range .Entries}}<li>{{.Name}} {{.Progress}}%{{if .Done}} done{{end}}{{with .Err}} error: {{.}}{{end}}</li>{{end}}</ul>{{range .Errors}}<p>upload error: {{.}}</p>{{end}}{{end}}` +
	`<form live-submit="save"><input type="file" live-upload="{{.Avatar.Name}}" accept="{{.Avatar.Accept}}"{{if .Avatar.Multiple}} multiple{{end}}>{{template "list" .Avatar}}{{template "list" .Notes}}{{template "list" .Ext}}</form>`))

func (v *uploadView) Mount(_ context.Context, s *live.Socket) error {
	v.Avatar = s.AllowUpload("avatar", live.UploadOptions{Accept: []string{".png", "image/png"}, MaxEntries: 2, MaxFileSize: 100 << 10, ChunkSize: 1 << 10})
	v.Notes = s.AllowUpload("notes", live.UploadOptions{Accept: []string{".txt"}, MaxEntries: 64, MaxFileSize: 1 << 20, ChunkSize: 1 << 10})
	v.Ext = s.AllowUpload("ext", live.UploadOptions{Accept: []string{"image/*"}, External: func(_ context.Context, e live.UploadEntry) (string, map[string]string, error) {
		return "https://bucket.example/upload", map[string]string{"key": "uploads/" + e.Ref}, nil
	}})
	v.Bulk = s.AllowUpload("bulk", live.UploadOptions{Accept: []string{"*/*"}, MaxFileSize: 64 << 20})
	s.On("save", func(context.Context, live.Params) error {
		for _, name := range []string{"avatar", "notes", "ext", "bulk"} {
			err := s.ConsumeUploads(name, func(e live.UploadEntry, r io.Reader) error {
				var b []byte
				if r != nil {
					var err error
					if b, err = io.ReadAll(r); err != nil {
						return err
					}
				}
				v.rec.mu.Lock()
				defer v.rec.mu.Unlock()
				v.rec.saved[e.Name] = b
				if e.External {
					v.rec.ext = append(v.rec.ext, e)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	s.On("cancel", func(_ context.Context, p live.Params) error { return s.CancelUpload(p.Get("upload"), p.Get("ref")) })
	s.On("hold", func(context.Context, live.Params) error {
		v.rec.holding <- struct{}{}
		<-v.rec.release
		return nil
	})
	return nil
}

func (v *uploadView) Render(w io.Writer) error { return uploadTpl.Execute(w, v) }

type uploadServer struct {
	srv   *httptest.Server
	dir   string
	rec   *uploadRecord
	clock *fakeclock.Clock
	timer manualTimers
}

func serveUploads(t testing.TB, mutate func(*live.Config)) *uploadServer {
	t.Helper()
	rec := &uploadRecord{saved: map[string][]byte{}, holding: make(chan struct{}), release: make(chan struct{})}
	us := &uploadServer{dir: t.TempDir(), rec: rec, clock: fakeclock.New()}
	cfg := live.Config{Secret: testSecret, Logger: discardLogger(), UploadDir: us.dir, Now: us.clock.Now}
	if mutate != nil {
		mutate(&cfg)
	}
	rt, err := live.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	live.SetAfterFunc(rt, us.timer.schedule)
	rt.Session("a", live.SessionOptions{}).Live("/up", func() live.View { return &uploadView{rec: us.rec} })
	mux := http.NewServeMux()
	rt.Register(mux)
	us.srv = httptest.NewServer(mux)
	t.Cleanup(us.srv.Close)
	return us
}

// spooled returns the names of the files waiting in the upload directory.
func (us *uploadServer) spooled(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(us.dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// upClient speaks the upload frames over a real websocket.
type upClient struct {
	t   testing.TB
	ws  *websocket.Conn
	ref int
	// ups are the "up" frames read so far.
	ups []map[string]any
}

func (us *uploadServer) connect(t testing.TB) *upClient {
	t.Helper()
	ws, code := loadPage(t, us.srv, "/up").dial(t, dialOpts{url: ptr("/up")})
	if ws == nil {
		t.Fatalf("dial: %d", code)
	}
	joined(t, ws)
	return &upClient{t: t, ws: ws}
}

// await reads frames until the reply to ref, and returns it; it keeps the "up" frames.
func (c *upClient) await(ref int) map[string]any {
	c.t.Helper()
	for {
		m, code := next(c.t, c.ws)
		if code != 0 {
			c.t.Fatalf("socket closed with %d while waiting for the reply to %d", code, ref)
		}
		switch {
		case m["t"] == "up":
			c.ups = append(c.ups, m)
		case m["t"] == "r" && m["ref"] == float64(ref):
			return m
		}
	}
}

func (c *upClient) text(frame string) map[string]any {
	c.t.Helper()
	c.ref++
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(strings.Replace(frame, "REF", fmt.Sprint(c.ref), 1))); err != nil {
		c.t.Fatal(err)
	}
	return c.await(c.ref)
}

// offer offers files ({name, type, size} JSON objects) and returns the entry ids the
// server let the client send, by the index of the file.
func (c *upClient) offer(upload string, files ...string) (map[int]string, map[string]any) {
	c.t.Helper()
	before := len(c.ups)
	reply := c.text(`{"t":"up","ref":REF,"n":"` + upload + `","f":[` + strings.Join(files, ",") + `]}`)
	ids := map[int]string{}
	for _, up := range c.ups[before:] {
		if up["ref"] == float64(c.ref) {
			for _, e := range up["e"].([]any) {
				e := e.(map[string]any)
				ids[int(e["i"].(float64))] = e["id"].(string)
			}
		}
	}
	return ids, reply
}

func chunkFrame(ref int, id string, off int, data []byte) []byte {
	b := []byte{1, 0, 0, 0, 0, byte(len(id))}
	binary.BigEndian.PutUint32(b[1:5], uint32(ref))
	b = append(b, id...)
	b = binary.BigEndian.AppendUint64(b, uint64(off))
	return append(b, data...)
}

// chunk sends one chunk and returns the reply's error, "" when it was taken.
func (c *upClient) chunk(id string, off int, data []byte) string {
	c.t.Helper()
	m := c.await(c.postChunk(id, off, data))
	s, _ := m["err"].(string)
	return s
}

// postChunk sends one chunk and returns its ref, without waiting for the reply.
func (c *upClient) postChunk(id string, off int, data []byte) int {
	c.t.Helper()
	c.ref++
	if err := c.ws.WriteMessage(websocket.BinaryMessage, chunkFrame(c.ref, id, off, data)); err != nil {
		c.t.Fatal(err)
	}
	return c.ref
}

// send sends all of data in chunks of 1 KiB.
func (c *upClient) send(id string, data []byte) { c.sendIn(id, data, 1<<10) }

// sendIn sends all of data in chunks of size bytes, each after the reply to the one
// before.
func (c *upClient) sendIn(id string, data []byte, size int) {
	c.t.Helper()
	for off := 0; off < len(data); off += size {
		if err := c.chunk(id, off, data[off:min(off+size, len(data))]); err != "" {
			c.t.Fatalf("chunk at %d: %s", off, err)
		}
	}
}

// html returns the view's whole HTML, through a sync.
func (c *upClient) html() string {
	c.t.Helper()
	m := c.text(`{"t":"sync","ref":REF}`)
	ops, _ := m["ops"].([]any)
	if len(ops) != 1 {
		c.t.Fatalf("sync reply %v", m)
	}
	return ops[0].([]any)[2].(string)
}

func file(name, typ string, size int) string {
	b, _ := json.Marshal(map[string]any{"name": name, "type": typ, "size": size})
	return string(b)
}

func png(size int) []byte {
	b := bytes.Repeat([]byte{0x42}, size)
	copy(b, "\x89PNG\r\n\x1a\n")
	return b
}

func TestUploadArrivesInChunksShowsProgressAndIsConsumedOnce(t *testing.T) {
	us := serveUploads(t, nil)
	c := us.connect(t)
	data := png(3000)
	ids, _ := c.offer("avatar", file("me.png", "image/png", len(data)))
	if len(ids) != 1 || c.ups[0]["chunk"] != float64(1024) || c.ups[0]["auto"] != false {
		t.Fatalf("offer gave %v in %v", ids, c.ups)
	}
	contains(t, c.html(), "<li>me.png 0%</li>")
	if err := c.chunk(ids[0], 0, data[:1024]); err != "" {
		t.Fatal(err)
	}
	contains(t, c.html(), "<li>me.png 34%</li>")
	if got := us.spooled(t); len(got) != 1 || !strings.HasPrefix(got[0], "live-upload-") {
		t.Fatalf("spooled %v, want one temporary file", got)
	}
	if err := c.chunk(ids[0], 1024, data[1024:2048]); err != "" {
		t.Fatal(err)
	}
	if err := c.chunk(ids[0], 2048, data[2048:]); err != "" {
		t.Fatal(err)
	}
	contains(t, c.html(), "<li>me.png 100% done</li>")

	if m := c.text(`{"t":"e","ref":REF,"n":"save","k":"submit","p":{}}`); m["err"] != nil {
		t.Fatalf("save: %v", m["err"])
	}
	if got := us.rec.saved["me.png"]; !bytes.Equal(got, data) {
		t.Fatalf("consumed %d bytes, want the %d sent", len(got), len(data))
	}
	if got := us.spooled(t); len(got) != 0 {
		t.Fatalf("%v left after the entry was consumed", got)
	}
	if strings.Contains(c.html(), "me.png") {
		t.Fatal("a consumed entry is still shown")
	}
	// The reference is spent: sending its first chunk again is a replay.
	if err := c.chunk(ids[0], 0, data[:1024]); err != "unknown upload entry" {
		t.Fatalf("replayed chunk: %q", err)
	}
}

func TestUploadRefusesBadOffersAndChunksWithNothingWritten(t *testing.T) {
	us := serveUploads(t, func(cfg *live.Config) { cfg.MaxUploadBytes = 150 << 10 })
	c := us.connect(t)

	t.Run("oversize", func(t *testing.T) {
		ids, _ := c.offer("avatar", file("big.png", "image/png", 200<<10))
		if len(ids) != 0 {
			t.Fatalf("an oversize file became sendable: %v", ids)
		}
		contains(t, c.html(), "<li>big.png 0% error: file is too large (at most 100 KiB)</li>")
	})
	t.Run("a name and type not accepted", func(t *testing.T) {
		ids, _ := c.offer("avatar", file("run.exe", "application/x-msdownload", 10))
		if len(ids) != 0 {
			t.Fatalf("a refused file became sendable: %v", ids)
		}
		contains(t, c.html(), "run.exe 0% error: file type is not accepted")
	})
	t.Run("content that is not what the name says", func(t *testing.T) {
		ids, _ := c.offer("avatar", file("fake.png", "image/png", 2000))
		if err := c.chunk(ids[0], 0, bytes.Repeat([]byte("plain text "), 100)[:1024]); err != "file type is not accepted" {
			t.Fatalf("chunk of text for a PNG: %q", err)
		}
		contains(t, c.html(), "fake.png 0% error: file type is not accepted")
		if err := c.chunk(ids[0], 1024, png(976)); err != "unknown upload entry" {
			t.Fatalf("a chunk after the refusal: %q", err)
		}
	})
	t.Run("too many files", func(t *testing.T) {
		ids, _ := c.offer("avatar", file("a.png", "image/png", 10), file("b.png", "image/png", 10), file("c.png", "image/png", 10))
		if len(ids) != 0 {
			t.Fatalf("%d files of three became sendable with room for two", len(ids))
		}
		contains(t, c.html(), "<p>upload error: too many files (at most 2)</p>")
	})
	t.Run("more bytes than the socket may hold", func(t *testing.T) {
		ids, _ := c.offer("avatar", file("a.png", "image/png", 90<<10), file("b.png", "image/png", 90<<10))
		if len(ids) != 1 {
			t.Fatalf("sendable %v, want only the first", ids)
		}
		contains(t, c.html(), "b.png 0% error: too much is uploading at once")
	})
	t.Run("an upload the view did not allow", func(t *testing.T) {
		_, reply := c.offer("passwd", file("a.png", "image/png", 10))
		if reply["err"] != "upload not allowed" {
			t.Fatalf("reply %v", reply)
		}
	})
	t.Run("malformed offers", func(t *testing.T) {
		for _, frame := range []string{
			`{"t":"up","ref":REF,"n":"avatar","f":[]}`,
			`{"t":"up","ref":REF,"n":"avatar","f":[{"name":"a.png","size":-1}]}`,
			`{"t":"up","ref":REF,"n":"avatar","f":"a.png"}`,
			`{"t":"up","ref":REF,"f":[{"name":"a.png","size":1}]}`,
		} {
			if m := c.text(frame); m["err"] == nil {
				t.Errorf("%s was taken", frame)
			}
		}
	})
	t.Run("chunks out of order or of the wrong size", func(t *testing.T) {
		ids, _ := c.offer("notes", file("n.txt", "text/plain", 3000))
		for _, tc := range []struct {
			off  int
			data []byte
			want string
		}{
			{1024, bytes.Repeat([]byte("x"), 1024), "chunk out of order"},
			{0, bytes.Repeat([]byte("x"), 1000), "chunk has the wrong size"},
			{0, bytes.Repeat([]byte("x"), 2000), "chunk has the wrong size"},
		} {
			if err := c.chunk(ids[0], tc.off, tc.data); err != tc.want {
				t.Errorf("chunk of %d at %d: %q, want %q", len(tc.data), tc.off, err, tc.want)
			}
		}
		c.send(ids[0], bytes.Repeat([]byte("x"), 3000))
		if err := c.chunk(ids[0], 3000, []byte("more")); err != "unknown upload entry" {
			t.Errorf("a chunk past the announced size: %q", err)
		}
	})
	if got := us.spooled(t); len(got) != 1 {
		t.Fatalf("spooled %v, want only the text file sent whole", got)
	}
}

func TestForgedChunksCountAsAFlood(t *testing.T) {
	us := serveUploads(t, nil)
	c := us.connect(t)
	for i := 1; i <= 4; i++ {
		if err := c.chunk("AAAAAAAAAAAAAAAAAAAAAAAA", 0, []byte("x")); err != "unknown upload entry" {
			t.Fatalf("forged chunk %d: %q", i, err)
		}
	}
	_ = c.ws.WriteMessage(websocket.BinaryMessage, chunkFrame(99, "AAAAAAAAAAAAAAAAAAAAAAAA", 0, []byte("x")))
	for {
		_, code := next(t, c.ws)
		if code == live.CloseRateLimit {
			break
		}
		if code != 0 {
			t.Fatalf("closed with %d, want %d", code, live.CloseRateLimit)
		}
	}
	if got := us.spooled(t); len(got) != 0 {
		t.Fatalf("forged chunks wrote %v", got)
	}
}

func TestALargeUploadTakesNoEventTokens(t *testing.T) {
	// The clock does not move, so the bucket never refills: two events in all.
	us := serveUploads(t, func(cfg *live.Config) { cfg.EventRate, cfg.EventBurst = 1, 2 })
	c := us.connect(t)
	data := bytes.Repeat([]byte("line of text\n"), 80<<10/13)
	ids, _ := c.offer("notes", file("log.txt", "text/plain", len(data)))
	c.send(ids[0], data) // 80 chunks
	if m := c.text(`{"t":"e","ref":REF,"n":"save","k":"submit","p":{}}`); m["err"] != nil {
		t.Fatalf("save: %v", m["err"])
	}
	if !bytes.Equal(us.rec.saved["log.txt"], data) {
		t.Fatal("the large upload did not arrive whole")
	}
}

func TestConcurrentUploadsAreCapped(t *testing.T) {
	us := serveUploads(t, func(cfg *live.Config) { cfg.MaxConcurrentUploads = 1 })
	c := us.connect(t)
	ids, _ := c.offer("notes", file("a.txt", "text/plain", 2048), file("b.txt", "text/plain", 2048))
	x := bytes.Repeat([]byte("x"), 1024)
	if err := c.chunk(ids[0], 0, x); err != "" {
		t.Fatal(err)
	}
	if err := c.chunk(ids[1], 0, x); err != "too many uploads at once" {
		t.Fatalf("a second upload at once: %q", err)
	}
	if err := c.chunk(ids[0], 1024, x); err != "" {
		t.Fatal(err)
	}
	if err := c.chunk(ids[1], 0, x); err != "" {
		t.Fatalf("once the first was complete: %q", err)
	}
}

func TestAStalledUploadIsStoppedAndItsBytesDeleted(t *testing.T) {
	us := serveUploads(t, nil)
	c := us.connect(t)
	ids, _ := c.offer("notes", file("slow.txt", "text/plain", 3000))
	if err := c.chunk(ids[0], 0, bytes.Repeat([]byte("x"), 1024)); err != "" {
		t.Fatal(err)
	}
	// The first timer fires early (a chunk arrived meanwhile, say): it waits again.
	us.clock.Advance(20 * time.Second)
	_, fire := us.timer.get(us.timer.count() - 1)
	fire()
	contains(t, c.html(), "slow.txt 34%</li>")
	us.clock.Advance(10 * time.Second)
	_, fire = us.timer.get(us.timer.count() - 1)
	fire()
	for {
		m, code := next(t, c.ws)
		if code != 0 {
			t.Fatalf("closed with %d", code)
		}
		if m["t"] == "up" && m["drop"] != nil {
			break
		}
	}
	contains(t, c.html(), "slow.txt 34% error: upload stalled")
	if got := us.spooled(t); len(got) != 0 {
		t.Fatalf("a stalled upload left %v", got)
	}
	if err := c.chunk(ids[0], 1024, bytes.Repeat([]byte("x"), 1024)); err != "unknown upload entry" {
		t.Fatalf("a chunk after the stall: %q", err)
	}
}

func TestCancelledAndAbandonedUploadsLeaveNothing(t *testing.T) {
	us := serveUploads(t, nil)
	c := us.connect(t)
	ids, _ := c.offer("notes", file("a.txt", "text/plain", 3000), file("b.txt", "text/plain", 3000))
	x := bytes.Repeat([]byte("x"), 1024)
	for _, id := range ids {
		if err := c.chunk(id, 0, x); err != "" {
			t.Fatal(err)
		}
	}
	m := c.text(`{"t":"e","ref":REF,"n":"cancel","k":"click","p":{"upload":"notes","ref":"` + ids[0] + `"}}`)
	if m["err"] != nil {
		t.Fatal(m["err"])
	}
	if drop := c.ups[len(c.ups)-1]["drop"]; fmt.Sprint(drop) != "["+ids[0]+"]" {
		t.Fatalf("drop frame %v, want [%s]", drop, ids[0])
	}
	if html := c.html(); strings.Contains(html, "a.txt") || !strings.Contains(html, "b.txt") {
		t.Fatalf("after cancelling a.txt: %s", html)
	}
	if got := us.spooled(t); len(got) != 1 {
		t.Fatalf("spooled %v, want b.txt's file only", got)
	}
	// A tab that goes away takes its uploads with it.
	c.ws.Close()
	deadline := time.Now().Add(10 * time.Second)
	for len(us.spooled(t)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the closed socket's upload is still spooled: %v", us.spooled(t))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestExternalUploadsGetAURLAndReportProgress(t *testing.T) {
	us := serveUploads(t, nil)
	c := us.connect(t)
	ids, _ := c.offer("ext", file("cat.jpg", "image/jpeg", 5000))
	e := c.ups[0]["e"].([]any)[0].(map[string]any)
	if e["url"] != "https://bucket.example/upload" || e["fields"].(map[string]any)["key"] != "uploads/"+ids[0] {
		t.Fatalf("external offer %v", e)
	}
	if m := c.text(`{"t":"upp","ref":REF,"id":"` + ids[0] + `","pct":50}`); m["err"] != nil {
		t.Fatal(m["err"])
	}
	contains(t, c.html(), "<li>cat.jpg 50%</li>")
	c.text(`{"t":"upp","ref":REF,"id":"` + ids[0] + `","pct":100}`)
	c.text(`{"t":"e","ref":REF,"n":"save","k":"submit","p":{}}`)
	if len(us.rec.ext) != 1 || us.rec.ext[0].Fields["key"] != "uploads/"+ids[0] || us.rec.saved["cat.jpg"] != nil {
		t.Fatalf("consumed %v", us.rec.ext)
	}
	if m := c.text(`{"t":"upp","ref":REF,"id":"` + ids[0] + `","pct":100}`); m["err"] == nil {
		t.Fatal("progress of a consumed entry was taken")
	}
}

func TestAllowUploadRefusesAnEmptyAcceptList(t *testing.T) {
	for _, accept := range [][]string{nil, {"png"}, {"/"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AllowUpload with Accept %q did not panic", accept)
				}
			}()
			new(live.Socket).AllowUpload("a", live.UploadOptions{Accept: accept})
		}()
	}
}

func TestAChunkSentBeforeThePreviousWasAnsweredIsRefused(t *testing.T) {
	us := serveUploads(t, nil)
	c := us.connect(t)
	ids, _ := c.offer("notes", file("n.txt", "text/plain", 3000))
	x := bytes.Repeat([]byte("x"), 1024)
	// Hold the view, so that the first chunk waits, unanswered, behind the event.
	c.ref++
	hold := c.ref
	send(t, c.ws, `{"t":"e","ref":`+fmt.Sprint(hold)+`,"n":"hold","k":"click","p":{}}`)
	<-us.rec.holding
	first := c.postChunk(ids[0], 0, x)
	second := c.postChunk(ids[0], 1024, x)
	if m := c.await(second); m["err"] != "chunk sent before the previous one was answered" {
		t.Fatalf("the second chunk got %v", m)
	}
	us.rec.release <- struct{}{}
	c.await(hold)
	if m := c.await(first); m["err"] != nil {
		t.Fatalf("the first chunk got %v", m)
	}
	if err := c.chunk(ids[0], 1024, x); err != "" {
		t.Fatalf("the second chunk, sent again after the reply: %q", err)
	}
}

// BenchmarkUpload sends a 4 MiB file in 32 KiB chunks over a loopback websocket, each
// chunk after the reply to the one before (as the browser client does), and consumes it:
// the MB/s it reports is what one upload gets with the round trip of a local socket.
func BenchmarkUpload(b *testing.B) {
	us := serveUploads(b, nil)
	c := us.connect(b)
	data := bytes.Repeat([]byte("0123456789abcdef"), 4<<20/16)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		ids, _ := c.offer("bulk", file("f.bin", "", len(data)))
		c.sendIn(ids[0], data, 32<<10)
		if m := c.text(`{"t":"e","ref":REF,"n":"save","k":"submit","p":{}}`); m["err"] != nil {
			b.Fatal(m["err"])
		}
	}
}
