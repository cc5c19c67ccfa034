package example

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"sync"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/storage"
)

// photoStore keeps the photos uploaded on the /photos page: the files in a storage.Disk,
// their keys in memory, newest last.
type photoStore struct {
	disk *storage.Disk
	mu   sync.Mutex
	keys []string
}

func (p *photoStore) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.keys...)
}

func (p *photoStore) add(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append(p.keys, key)
}

// Photos uploads images: up to three at a time, of up to 1 MiB each, sent when the form
// is submitted, with their progress shown as the server counts their bytes.
type Photos struct {
	tpl    *template.Template
	store  *photoStore
	Photos *live.Upload
	Saved  []string // keys of the stored photos
}

// Mount allows the upload and registers the page's events.
func (p *Photos) Mount(_ context.Context, s *live.Socket) error {
	s.SetTitle("Photos")
	p.Saved = p.store.list()
	p.Photos = s.AllowUpload("photos", live.UploadOptions{
		Accept:      []string{".png", ".jpg", ".jpeg", ".gif", "image/png", "image/jpeg", "image/gif"},
		MaxEntries:  3,
		MaxFileSize: 1 << 20,
	})
	s.On("cancel", func(_ context.Context, params live.Params) error {
		return s.CancelUpload("photos", params.Get("ref"))
	})
	s.On("save", func(ctx context.Context, _ live.Params) error {
		err := s.ConsumeUploads("photos", func(e live.UploadEntry, r io.Reader) error {
			// The extension follows the type the server sniffed, never the file's name.
			key, err := p.store.disk.Put(ctx, r, storage.Ext(e.ContentType))
			if err != nil {
				return fmt.Errorf("store %q: %w", e.Name, err)
			}
			p.store.add(key)
			return nil
		})
		p.Saved = p.store.list()
		return err
	})
	return nil
}

// Render renders the page.
func (p *Photos) Render(w io.Writer) error { return p.tpl.ExecuteTemplate(w, "photos", p) }
