package example_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/testbrowser"
	"github.com/liveapp/liveapp/live/example"
)

// writePNG writes a PNG of noise, which does not compress: side × side pixels make a
// file of about 4 × side² bytes.
func writePNG(t *testing.T, path string, side int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	r := rand.New(rand.NewPCG(1, uint64(side)))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
	}
	img.Set(0, 0, color.NRGBA{A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBrowserUploadShowsProgressAndRefusesAnOversizeFile(t *testing.T) {
	uploads := t.TempDir()
	es := serveExampleWith(t, 0, example.Config{UploadDir: uploads})
	tab := testbrowser.New(t)
	files := t.TempDir()
	small, big := filepath.Join(files, "small.png"), filepath.Join(files, "big.png")
	want := writePNG(t, small, 230) // about 210 KiB: seven chunks
	writePNG(t, big, 600)           // about 1.4 MiB, over the page's 1 MiB
	openLive(t, tab, es, "/photos")
	setMarker(t, tab)
	// Record every progress value the server's patches show.
	eval[chromedp.Void](t, tab, `(() => {
		window.__progress = [];
		const root = document.getElementById('live-root');
		new MutationObserver(() => {
			for (const p of root.querySelectorAll('#entries progress')) window.__progress.push(Number(p.getAttribute('value')));
		}).observe(root, { subtree: true, childList: true, attributes: true });
	})()`)

	// The oversize file is refused as soon as it is chosen, before a byte is sent.
	do(t, tab, chromedp.SetUploadFiles(chromedp.ID("photo-input"), []string{big}))
	waitFor(t, tab, `document.querySelector('#entries .entry .entry-error')?.textContent === 'file is too large (at most 1 MiB)' &&
		document.querySelector('#entries .entry-name').textContent === 'big.png'`)
	do(t, tab, chromedp.Click(chromedp.CSS("#entries .cancel")))
	waitFor(t, tab, `document.querySelectorAll('#entries .entry').length === 0`)

	// A file chosen, and one dropped on the drop zone, wait for the submit.
	do(t, tab, chromedp.SetUploadFiles(chromedp.ID("photo-input"), []string{small}))
	eval[chromedp.Void](t, tab, `(() => {
		const bytes = new Uint8Array(300);
		bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		const dt = new DataTransfer();
		dt.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
		document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
	})()`)
	waitFor(t, tab, `[...document.querySelectorAll('#entries .entry-name')].map((e) => e.textContent).join() === 'small.png,dropped.png' &&
		[...document.querySelectorAll('#entries progress')].every((p) => p.getAttribute('value') === '0') &&
		!document.querySelector('#entries .entry-error')`)
	do(t, tab, chromedp.Click(chromedp.ID("upload")))
	waitFor(t, tab, `document.querySelectorAll('#saved img').length === 2 && document.querySelectorAll('#entries .entry').length === 0`)

	seen := eval[[]int](t, tab, `window.__progress`)
	t.Logf("progress shown: %v", seen)
	between, last := false, 0
	for _, v := range seen {
		between = between || (v > 0 && v < 100)
	}
	for _, v := range seen {
		if v == 100 {
			last = v
		}
	}
	if !between || last != 100 {
		t.Errorf("progress shown %v: want a value between 0 and 100, then 100", seen)
	}

	// What was stored is exactly the file chosen, served under a name the server made.
	src := eval[string](t, tab, `document.querySelector('#saved img').getAttribute('src')`)
	resp, err := http.Get(es.url + src)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, want) || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("stored %d bytes of %s, want the %d bytes of small.png", len(got), resp.Header.Get("Content-Type"), len(want))
	}
	if spooled, _ := os.ReadDir(filepath.Join(uploads, "spool")); len(spooled) != 0 {
		t.Errorf("%d temporary files left after the photos were stored", len(spooled))
	}
	stored, _ := os.ReadDir(filepath.Join(uploads, "photos"))
	if len(stored) != 2 {
		t.Errorf("%d photos stored, want 2 (nothing of big.png)", len(stored))
	}
	if !markerSurvived(t, tab) {
		t.Error("the page was reloaded")
	}
}
