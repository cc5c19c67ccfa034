package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/liveapp/liveapp/internal/testbrowser"
)

// These checks run inside TestGeneratedAppInABrowser, on its app and with its logged-in
// user: the function components' modal, the avatar upload, and the pages at phone width.

// countSentEvents makes the tab count the events its socket sends from now on, in
// window.sentEvents: JS commands that need no server must send none.
const countSentEvents = `(() => {
	window.sentEvents = 0;
	const s = liveapp.socket, send = s.send.bind(s);
	s.send = (d) => { if (typeof d === 'string' && JSON.parse(d).t === 'e') window.sentEvents++; send(d); };
})()`

// checkDeleteModal deletes the project id from the list through its confirmation
// modal: JS commands open and close it without a round trip, it stays open while an
// edit in another tab patches the row (and the modal's own text), Escape and Cancel
// close it, and only its Delete button sends the delete event.
func checkDeleteModal(t *testing.T, tab context.Context, base, dbURL string, id int64) {
	t.Helper()
	testbrowser.Do(t, tab, chromedp.Navigate(base+"/projects"))
	testbrowser.WaitFor(t, tab, testbrowser.Connected)
	modal := fmt.Sprintf("delete-project-%d", id)
	shown := fmt.Sprintf(`getComputedStyle(document.getElementById(%q)).display !== 'none'`, modal)
	open := chromedp.Click(chromedp.CSS(fmt.Sprintf("#project-%d .row-actions button.danger", id)))
	if testbrowser.Eval[bool](t, tab, shown) {
		t.Fatal("the delete confirmation shows before Delete is clicked")
	}
	testbrowser.Eval[chromedp.Void](t, tab, countSentEvents)

	testbrowser.Do(t, tab, open)
	testbrowser.WaitFor(t, tab, shown+` && document.activeElement.classList.contains('modal-cancel')`)

	// Another tab renames the project: the list is patched, the modal's text with it,
	// and the modal stays open.
	editor := testbrowser.NewTab(t, tab)
	testbrowser.Do(t, editor, chromedp.Navigate(fmt.Sprintf("%s/projects/%d/edit", base, id)))
	testbrowser.WaitFor(t, editor, testbrowser.Connected)
	testbrowser.Eval[chromedp.Void](t, editor, `(() => {
		const name = document.getElementById('name');
		name.value = 'Renamed plans';
		name.dispatchEvent(new Event('input', { bubbles: true }));
	})()`)
	testbrowser.Do(t, editor, chromedp.Click(chromedp.ID("save")))
	testbrowser.WaitFor(t, tab, fmt.Sprintf(`document.getElementById(%q).innerText.includes('Renamed plans')`, modal))
	if !testbrowser.Eval[bool](t, tab, shown) {
		t.Fatal("the patch closed the delete confirmation")
	}

	// Escape closes it, and so does Cancel; neither asks the server anything.
	testbrowser.Do(t, tab, chromedp.KeyEvent(kb.Escape))
	testbrowser.WaitFor(t, tab, `!(`+shown+`)`)
	testbrowser.Do(t, tab, open)
	testbrowser.WaitFor(t, tab, shown)
	testbrowser.Do(t, tab, chromedp.Click(chromedp.CSS("#"+modal+" .modal-cancel")))
	testbrowser.WaitFor(t, tab, `!(`+shown+`)`)
	if n := testbrowser.Eval[int](t, tab, `window.sentEvents`); n != 0 {
		t.Errorf("opening and closing the confirmation sent %d events", n)
	}
	if n := countProjects(t, dbURL, id); n != 1 {
		t.Fatalf("the project exists %d times before the delete is confirmed", n)
	}

	// Delete, confirmed: one event, which the server authorizes and carries out.
	testbrowser.Do(t, tab, open)
	testbrowser.WaitFor(t, tab, shown)
	testbrowser.Do(t, tab, chromedp.Click(chromedp.ID(modal+"-confirm")))
	testbrowser.WaitFor(t, tab, fmt.Sprintf(`!document.getElementById('project-%d') && document.body.innerText.includes('Project deleted.')`, id))
	if n := testbrowser.Eval[int](t, tab, `window.sentEvents`); n != 1 {
		t.Errorf("confirming sent %d events, want 1", n)
	}
	if n := countProjects(t, dbURL, id); n != 0 {
		t.Errorf("after the confirmed delete, the project exists %d times", n)
	}
}

// checkAvatar uploads an avatar on the settings page and removes it: an oversize file
// is refused as soon as it is chosen; a PNG is sent on Save, shown in the settings and
// the nav bar (served to its owner), and removed through a confirmation modal.
func checkAvatar(t *testing.T, tab context.Context, base string) {
	t.Helper()
	files := t.TempDir()
	small, big := filepath.Join(files, "me.png"), filepath.Join(files, "big.png")
	var img bytes.Buffer
	m := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range m.Pix {
		m.Pix[i] = 0xc0
	}
	m.Set(1, 1, color.Black)
	if err := png.Encode(&img, m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(small, img.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// A PNG header and 3 MB of nothing: over the 2 MB limit by its announced size.
	if err := os.WriteFile(big, append(img.Bytes()[:8:8], make([]byte, 3<<20)...), 0o600); err != nil {
		t.Fatal(err)
	}

	testbrowser.Do(t, tab, chromedp.Navigate(base+"/users/settings"))
	testbrowser.WaitFor(t, tab, testbrowser.Connected+` && !!document.getElementById('no-avatar')`)
	testbrowser.Do(t, tab, chromedp.SetUploadFiles(chromedp.ID("avatar"), []string{big}))
	testbrowser.WaitFor(t, tab, `document.querySelector('#avatar-form .avatar-error')?.textContent.includes('too large')`)
	testbrowser.Do(t, tab, chromedp.SetUploadFiles(chromedp.ID("avatar"), []string{small}))
	testbrowser.WaitFor(t, tab, `document.querySelectorAll('#avatar-form .upload-entry').length === 1 && !document.querySelector('#avatar-form .avatar-error')`)
	testbrowser.Do(t, tab, chromedp.Click(chromedp.ID("save-avatar")))
	// Saving loads the page again, with the avatar in the settings and the nav bar.
	loaded := `(img => !!img && img.complete && img.naturalWidth === 8)`
	testbrowser.WaitFor(t, tab, testbrowser.Connected+` && `+loaded+`(document.getElementById('avatar-image')) && `+loaded+`(document.getElementById('nav-avatar'))`)

	testbrowser.Do(t, tab, chromedp.Click(chromedp.ID("remove-avatar")))
	testbrowser.WaitFor(t, tab, `getComputedStyle(document.getElementById('confirm-remove-avatar')).display !== 'none'`)
	testbrowser.Do(t, tab, chromedp.Click(chromedp.ID("confirm-remove-avatar-confirm")))
	testbrowser.WaitFor(t, tab, testbrowser.Connected+` && !!document.getElementById('no-avatar') && !document.getElementById('nav-avatar')`)
}

// checkPhoneLayouts opens pages made of the components in a 390 px wide tab: nothing
// may stick out of the window, and every field stays inside its card. The delete
// confirmation is opened too.
func checkPhoneLayouts(t *testing.T, tab context.Context, base string) {
	t.Helper()
	phone := testbrowser.NewTab(t, tab)
	testbrowser.Do(t, phone, chromedp.EmulateViewport(390, 844))
	for _, page := range []string{"/projects/new", "/users/settings", "/users/register"} {
		testbrowser.Do(t, phone, chromedp.Navigate(base+page))
		testbrowser.WaitFor(t, phone, `document.readyState === 'complete'`)
		if problems := testbrowser.Eval[string](t, phone, fieldsLayout); problems != "" {
			t.Errorf("%s at 390 px: %s", page, problems)
		}
	}
}

// fieldsLayout returns what sticks out at the window's width, or "".
const fieldsLayout = `(() => {
	const problems = [];
	if (document.documentElement.scrollWidth > innerWidth) {
		problems.push('the page is ' + document.documentElement.scrollWidth + ' px wide in a ' + innerWidth + ' px window');
	}
	for (const el of document.querySelectorAll('input:not([type=hidden]), textarea, select, .modal-panel')) {
		const card = el.closest('.card, .modal');
		if (!card) continue;
		const r = el.getBoundingClientRect(), c = card.getBoundingClientRect();
		if (r.width > 0 && (r.left < c.left - 0.5 || r.right > c.right + 0.5)) {
			problems.push((el.id || el.className) + ' spans ' + r.left + '..' + r.right + ' px in a card of ' + c.left + '..' + c.right);
		}
	}
	return problems.join('; ');
})()`
