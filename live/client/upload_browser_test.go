package client_test

import (
	"testing"

	"github.com/liveapp/liveapp/internal/testbrowser"
)

// choose is page script that chooses files (name → text) in the file input #f, as a
// user does, firing its change event.
const choose = `
	window.choose = (files) => {
		const dt = new DataTransfer();
		for (const [name, text] of Object.entries(files)) dt.items.add(new File([text], name, {type: 'text/plain'}));
		$('#f').files = dt.files;
		$('#f').dispatchEvent(new Event('change', {bubbles: true}));
		// The client fetches upload.js the first time, then offers the files.
		return until(() => sock().sent.some((f) => f.t === 'up'));
	};`

// TestUploadProtocol plays the server of docs/protocol.md, section 3.4, and checks the
// frames the client sends for an upload.
func TestUploadProtocol(t *testing.T) {
	browser := testbrowser.New(t)
	ps := newPageServer(t)
	tests := []struct{ name, script, want string }{
		{"an auto upload offers the files, then sends each chunk after the reply to the one before", `
			live('<input id="f" type="file" live-upload="av">');
			await choose({'a.txt': 'abcdefghij'});
			sock().recv({t: 'up', ref: 1, n: 'av', chunk: 4, auto: true, e: [{i: 0, id: 'E1'}]});
			sock().recv({t: 'r', ref: 1});
			await until(() => sock().sent.length === 2);
			const first = sock().sent.length;
			for (const ref of [2, 3, 4]) {
				sock().recv({t: 'r', ref});
				await until(() => sock().sent.length === ref + 1 || ref === 4);
			}
			return {first, sent: sock().sent, value: $('#f').value};`,
			`{"first":2,"value":"","sent":[
				{"t":"up","ref":1,"n":"av","f":[{"name":"a.txt","type":"text/plain","size":10}]},
				{"bin":1,"ref":2,"id":"E1","at":0,"data":"abcd"},
				{"bin":1,"ref":3,"id":"E1","at":4,"data":"efgh"},
				{"bin":1,"ref":4,"id":"E1","at":8,"data":"ij"}]}`},
		{"a form's files are sent when it is submitted, and the submit follows the last chunk", `
			live('<form id="g" live-submit="save"><input name="title" value="T"><input id="f" type="file" live-upload="av"></form>');
			await choose({'a.txt': 'abcde', 'b.txt': 'xy', 'refused.txt': 'no'});
			sock().recv({t: 'up', ref: 1, n: 'av', chunk: 4, auto: false, e: [{i: 0, id: 'A'}, {i: 1, id: 'B'}]});
			sock().recv({t: 'r', ref: 1});
			await sleep(50);
			const before = sock().sent.length;
			$('#g').requestSubmit();
			const submitting = $('#g').classList.contains('live-submitting');
			for (const ref of [2, 3, 4]) {
				await until(() => sock().sent.length === ref);
				sock().recv({t: 'r', ref});
			}
			await until(() => sock().sent.length === 5);
			return {before, submitting, sent: sock().sent.slice(1)};`,
			`{"before":1,"submitting":true,"sent":[
				{"bin":1,"ref":2,"id":"A","at":0,"data":"abcd"},
				{"bin":1,"ref":3,"id":"A","at":4,"data":"e"},
				{"bin":1,"ref":4,"id":"B","at":0,"data":"xy"},
				{"t":"e","ref":5,"n":"save","k":"submit","p":{"title":"T"}}]}`},
		{"an error reply or a drop stops an entry", `
			live('<input id="f" type="file" live-upload="av" multiple>');
			await choose({'a.txt': 'abcdefgh', 'b.txt': 'ijklmnop', 'c.txt': 'qrstuvwx'});
			sock().recv({t: 'up', ref: 1, n: 'av', chunk: 4, auto: true, e: [{i: 0, id: 'A'}, {i: 1, id: 'B'}, {i: 2, id: 'C'}]});
			await until(() => sock().sent.length === 2);
			sock().recv({t: 'up', drop: ['A']});
			sock().recv({t: 'r', ref: 2, err: 'file type is not accepted'});
			await until(() => sock().sent.length === 3);
			sock().recv({t: 'r', ref: 3, err: 'upload stalled'});
			await until(() => sock().sent.length === 4);
			sock().recv({t: 'up', drop: ['C']});
			sock().recv({t: 'r', ref: 4});
			await sleep(100);
			return sock().sent.slice(1).map((f) => f.id + '@' + f.at);`,
			`["A@0","B@0","C@0"]`},
		{"a drop target offers the files dropped on it", `
			live('<div id="zone" live-drop-target="docs">drop here</div>');
			const dt = new DataTransfer();
			dt.items.add(new File(['hello'], 'd.txt', {type: 'text/plain'}));
			const over = new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true});
			$('#zone').dispatchEvent(over);
			$('#zone').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
			await until(() => sock().sent.length > 0);
			return {accepted: over.defaultPrevented, sent: sock().sent};`,
			`{"accepted":true,"sent":[{"t":"up","ref":1,"n":"docs","f":[{"name":"d.txt","type":"text/plain","size":5}]}]}`},
		{"a closed socket forgets the files chosen", `
			live('<form id="g" live-submit="save"><input id="f" type="file" live-upload="av"></form>');
			await choose({'a.txt': 'abc'});
			sock().recv({t: 'up', ref: 1, n: 'av', chunk: 4, auto: false, e: [{i: 0, id: 'A'}]});
			sock().recv({t: 'r', ref: 1});
			sock().drop(1006);
			await until(() => sockets.length === 2);
			const loads = performance.getEntriesByType('resource').filter((r) => /upload-\w+\.js$/.test(r.name)).length;
			live('<form id="g" live-submit="save"><input id="f" type="file" live-upload="av"></form>');
			$('#g').requestSubmit();
			return {loads, sent: sock().sent};`,
			`{"loads":1,"sent":[{"t":"e","ref":2,"n":"save","k":"submit","p":{}}]}`},
		{"a page that uploads nothing never fetches upload.js", `
			live('<form id="g" live-submit="save"><input name="q" value="x"></form>');
			$('#g').requestSubmit();
			await sleep(100);
			return performance.getEntriesByType('resource').filter((r) => /upload-/.test(r.name)).length;`,
			`0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tab := livePage(t, browser, ps, "/app")
			sameJSON(t, evalJSON(t, tab, choose+tt.script), tt.want)
		})
	}
}
