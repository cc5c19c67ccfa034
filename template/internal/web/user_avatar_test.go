package web_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/accounts"
	"github.com/liveapp/liveapp/live/livetest"

	"github.com/liveapp/liveapp/template/internal/avatars"
	"github.com/liveapp/liveapp/template/internal/web"
)

// tinyImage encodes a 4×4 image with enc (png.Encode, say).
func tinyImage(t *testing.T, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var avatarSrc = regexp.MustCompile(`id="avatar-image" src="(/users/avatar/[0-9a-f]{32}\.[a-z]+)"`)

func TestAvatarUploadReplaceAndRemove(t *testing.T) {
	uploads := t.TempDir()
	a := newApp(t, func(c *web.Config) { c.UploadsDir = uploads })
	c, alice := a.loggedIn(t, "alice@example.com")
	bob, _ := a.loggedIn(t, "bob@example.com")
	files := func() []string {
		t.Helper()
		names, err := filepath.Glob(filepath.Join(uploads, "avatars", "*"))
		if err != nil {
			t.Fatal(err)
		}
		return names
	}
	upload := func(v *livetest.View, f livetest.File) {
		t.Helper()
		if err := v.UploadFiles("#avatar", f); err != nil {
			t.Fatal(err)
		}
		if err := v.SubmitForm("#avatar-form", nil); err != nil {
			t.Fatal(err)
		}
	}

	v := c.Mount("/users/settings")
	if !v.Has("#no-avatar") || !v.Has(`input[type="file"][live-upload="avatar"]`) {
		t.Fatalf("settings without an avatar: %s", v.HTML())
	}
	pngBytes := tinyImage(t, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) })
	upload(v, livetest.File{Name: "me.png", Type: "image/png", Content: pngBytes})
	if v.Redirect() != "/users/settings" {
		t.Fatalf("after saving an avatar: redirect %q, HTML %s", v.Redirect(), v.HTML())
	}
	// The page load after it shows it in the settings and in the nav bar.
	_, _, page := c.Get("/users/settings")
	m := avatarSrc.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `id="nav-avatar" src="`+m[1]+`"`) {
		t.Fatalf("settings after the upload: %s", page)
	}
	first := m[1]
	if !strings.HasSuffix(first, ".png") || len(files()) != 1 {
		t.Errorf("the avatar is at %s, with files %v", first, files())
	}

	// Only its owner can fetch it.
	if status, _, body := c.Get(first); status != http.StatusOK || body != string(pngBytes) {
		t.Errorf("alice's GET of her avatar: %d, %d bytes", status, len(body))
	}
	if status, _, body := bob.Get(first); status != http.StatusNotFound || body == string(pngBytes) {
		t.Errorf("bob's GET of alice's avatar: %d", status)
	}
	if status, location, _ := a.browser(t).Get(first); status != http.StatusSeeOther || location != "/users/log-in" {
		t.Errorf("an anonymous GET of alice's avatar: %d to %q", status, location)
	}

	// A GIF replaces it, and the PNG's file goes.
	v = c.Mount("/users/settings")
	upload(v, livetest.File{Name: "me.gif", Type: "image/gif", Content: tinyImage(t, func(b *bytes.Buffer, m image.Image) error { return gif.Encode(b, m, nil) })})
	v = c.Mount("/users/settings")
	m = avatarSrc.FindStringSubmatch(v.HTML())
	if m == nil || m[1] == first || !strings.HasSuffix(m[1], ".gif") || len(files()) != 1 {
		t.Fatalf("after replacing it: %v, files %v", m, files())
	}
	if status, _, _ := c.Get(first); status != http.StatusNotFound {
		t.Errorf("the replaced avatar still answers %d", status)
	}

	// Removing it asks first, in a modal.
	if !v.Has("#confirm-remove-avatar[hidden]") {
		t.Fatalf("no confirmation for removing the avatar: %s", v.HTML())
	}
	if err := pressConfirm(t, v, "confirm-remove-avatar"); err != nil {
		t.Fatal(err)
	}
	if key, err := a.Avatars.Key(livetest.Context(t), accounts.Scope{User: alice}); err != nil || key != "" || len(files()) != 0 {
		t.Errorf("after removing it: key %q (%v), files %v", key, err, files())
	}
	if v = c.Mount("/users/settings"); !v.Has("#no-avatar") {
		t.Errorf("settings after removing the avatar: %s", v.HTML())
	}
}

func TestAvatarRefusesWhatIsNotASmallImage(t *testing.T) {
	a := newApp(t)
	c, alice := a.loggedIn(t, "alice@example.com")
	for _, f := range []livetest.File{
		// The browser's name and type say PNG; the bytes say text.
		{Name: "cat.png", Type: "image/png", Content: []byte("<svg onload=alert(1)>not an image</svg>")},
		{Name: "huge.png", Type: "image/png", Content: append(tinyImage(t, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) }), make([]byte, avatars.MaxSize)...)},
		{Name: "page.html", Type: "text/html", Content: []byte("<html><script>alert(1)</script></html>")},
	} {
		v := c.Mount("/users/settings")
		// Refused on its announced size or type, or stopped once its first
		// bytes arrive (an error reply): either way the page says why.
		var stopped *livetest.EventError
		if err := v.UploadFiles("#avatar", f); err != nil && !errors.As(err, &stopped) {
			t.Fatal(err)
		}
		if !v.Has(".avatar-error") && !v.Contains(`class="error"`) {
			t.Errorf("%s: no error shown: %s", f.Name, v.HTML())
		}
		if err := v.SubmitForm("#avatar-form", nil); err != nil {
			t.Fatal(err)
		}
		if v.Redirect() != "" {
			t.Errorf("%s: saved, redirect %q", f.Name, v.Redirect())
		}
		if key, err := a.Avatars.Key(livetest.Context(t), accounts.Scope{User: alice}); err != nil || key != "" {
			t.Errorf("%s was kept as the avatar: %q (%v)", f.Name, key, err)
		}
	}
}

func TestAvatarsAreOffWithoutUploadsDir(t *testing.T) {
	a := newApp(t, func(c *web.Config) { c.UploadsDir = "" })
	c, _ := a.loggedIn(t, "alice@example.com")
	if v := c.Mount("/users/settings"); v.Has("#avatar-form") {
		t.Errorf("avatars without an uploads directory: %s", v.HTML())
	}
	if status, _, _ := c.Get("/users/avatar/00000000000000000000000000000000.png"); status != http.StatusNotFound {
		t.Errorf("GET of an avatar with avatars off: %d", status)
	}
	if _, err := os.Stat("avatars"); err == nil {
		t.Error("an avatars directory was made in the working directory")
	}
}
