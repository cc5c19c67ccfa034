package livetest_test

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io"
	"net/http"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// avatarView takes one PNG of up to 4 KiB, in 1 KiB chunks, and keeps what it consumed.
type avatarView struct {
	Avatar *live.Upload
	Saved  []byte
}

var avatarTpl = template.Must(template.New("a").Parse(`<form id="f" live-submit="save">
<input id="file" type="file" live-upload="{{.Avatar.Name}}">
<div id="zone" live-drop-target="{{.Avatar.Name}}">drop</div>
{{range .Avatar.Entries}}<p class="entry">{{.Name}} {{.Progress}}%{{with .Err}} {{.}}{{end}}</p>{{end}}
</form><p id="saved">{{len .Saved}} bytes saved</p>`))

func (v *avatarView) Mount(_ context.Context, s *live.Socket) error {
	v.Avatar = s.AllowUpload("avatar", live.UploadOptions{Accept: []string{"image/png"}, MaxFileSize: 4 << 10, ChunkSize: 1 << 10})
	s.On("save", func(context.Context, live.Params) error {
		return s.ConsumeUploads("avatar", func(_ live.UploadEntry, r io.Reader) error {
			b, err := io.ReadAll(r)
			v.Saved = b
			return err
		})
	})
	return nil
}

func (v *avatarView) Render(w io.Writer) error { return avatarTpl.Execute(w, v) }

func TestUploadFilesSendsChunksAsTheBrowserDoes(t *testing.T) {
	rt, err := live.New(live.Config{Secret: secret, UploadDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	rt.Session("s", live.SessionOptions{}).Live("/avatar", func() live.View { return &avatarView{} })
	mux := http.NewServeMux()
	rt.Register(mux)
	lv := livetest.Mount(t, mux, "/avatar")

	content := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 3000)...)
	if err := lv.UploadFiles("#file", livetest.File{Name: "me.png", Type: "image/png", Content: content}); err != nil {
		t.Fatal(err)
	}
	if !lv.Contains("me.png 100%") {
		t.Fatal(lv.HTML())
	}
	if err := lv.SubmitForm("#f", nil); err != nil {
		t.Fatal(err)
	}
	if !lv.Contains("3008 bytes saved") {
		t.Fatal(lv.HTML())
	}

	// The server refuses what it sniffs as text, whatever the name says.
	err = lv.UploadFiles("#zone", livetest.File{Name: "x.png", Type: "image/png", Content: bytes.Repeat([]byte("text "), 300)})
	var ee *livetest.EventError
	if !errors.As(err, &ee) || ee.Message != "file type is not accepted" || !lv.Contains("x.png 0% file type is not accepted") {
		t.Fatalf("err %v; HTML:\n%s", err, lv.HTML())
	}
	// A file announced too large is refused before a byte is sent.
	if err := lv.UploadFiles("#file", livetest.File{Name: "big.png", Content: make([]byte, 5<<10)}); err != nil {
		t.Fatal(err)
	}
	if !lv.Contains("big.png 0% file is too large (at most 4 KiB)") {
		t.Fatal(lv.HTML())
	}
}
