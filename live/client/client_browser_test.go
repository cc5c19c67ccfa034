package client_test

import (
	"context"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveapp/liveapp/internal/testbrowser"
)

// livePage opens path of ps in a fresh tab of browser (fresh history and
// sessionStorage) and waits for the client to open its (fake) socket.
func livePage(t *testing.T, browser context.Context, ps *pageServer, path string) context.Context {
	t.Helper()
	tab := testbrowser.NewTab(t, browser)
	if err := chromedp.Do(tab, chromedp.Navigate(ps.URL+path)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tab, `window.sockets && sockets.length > 0`)
	return tab
}

// TestProtocol plays the server with a fake WebSocket and checks the frames the
// client sends and what it does with the frames it gets (docs/protocol.md).
func TestProtocol(t *testing.T) {
	browser := testbrowser.New(t)
	ps := newPageServer(t)
	tests := []struct {
		name, path, script, want string
	}{
		{"boot opens the socket with the four query parameters", "/app?x=1", `
			const u = new URL(sock().url), q = u.searchParams, root = $('#live-root');
			const before = root.getAttribute('data-live-state');
			live('<p>hi</p>');
			return {scheme: u.protocol, path: u.pathname, v: q.get('v'), csrf: q.get('csrf'), token: q.get('token'),
				url: q.get('url') === location.href, before, after: root.getAttribute('data-live-state'), html: root.innerHTML};`,
			`{"scheme":"ws:","path":"/live/socket","v":"1","csrf":"CSRF","token":"TOKEN","url":true,
			  "before":"connecting","after":"connected","html":"<p>hi</p>"}`},
		{"data-live-socket sets the socket path", "/app?socket=/ws/x", `
			return new URL(sock().url).pathname;`,
			`"/ws/x"`},
		{"live-click sends live-value params and marks the element until the reply", "/app", `
			live('<button id="b" live-click="inc" live-value-id="7" live-value-kind="x">+</button>');
			$('#b').click();
			const loading = $('#b').classList.contains('live-loading');
			sock().recv({t: 'r', ref: 1, ops: [['t', [0, 0], '++']]});
			return {sent: sock().sent, loading, after: $('#b').className, text: $('#b').textContent};`,
			`{"sent":[{"t":"e","ref":1,"n":"inc","k":"click","p":{"id":"7","kind":"x"}}],
			  "loading":true,"after":"","text":"++"}`},
		{"an event carries the live-target of the element or its nearest ancestor", "/app", `
			live('<div id="card" live-target="card"><button id="in" live-click="like">+</button>' +
				'<form live-submit="save"><button id="sub">Save</button></form>' +
				'<button id="up" live-target="" live-click="top">top</button></div>' +
				'<button id="out" live-click="like" live-target="card">+</button><button id="view" live-click="inc">+</button>');
			for (const id of ['in', 'sub', 'up', 'out', 'view']) $('#' + id).click();
			return sock().sent.map((f) => [f.n, f.c ?? null]);`,
			`[["like","card"],["save","card"],["top",null],["like","card"],["inc",null]]`},
		{"events reach elements that patches inserted", "/app", `
			live('<p>a</p>');
			sock().recv({t: 'ops', ops: [['i', [], 1, '<a id="x" href="#" live-click="hi">x</a>']]});
			$('#x').click();
			return {sent: sock().sent, hash: location.hash};`,
			`{"sent":[{"t":"e","ref":1,"n":"hi","k":"click","p":{}}],"hash":""}`},
		{"live-submit sends the form and disables its submit buttons until the reply", "/app", `
			live('<form id="f" live-submit="save" live-value-extra="e"><input name="title" value="T">' +
				'<input name="tag" value="a"><input name="tag" value="b"><input type="checkbox" name="on" value="yes" checked>' +
				'<input type="checkbox" name="off" value="yes"><input type="file" name="doc">' +
				'<button id="go" name="act" value="publish">Go</button></form>');
			$('#go').click();
			const during = {disabled: $('#go').disabled, cls: $('#f').className};
			sock().recv({t: 'r', ref: 1});
			return {sent: sock().sent, during, after: {disabled: $('#go').disabled, cls: $('#f').className}};`,
			`{"sent":[{"t":"e","ref":1,"n":"save","k":"submit","p":{"title":"T","tag":["a","b"],"on":"yes","act":"publish","extra":"e"}}],
			  "during":{"disabled":true,"cls":"live-loading live-submitting"},"after":{"disabled":false,"cls":""}}`},
		{"live-change on a form sends the whole form and _target", "/app", `
			live('<form live-change="validate"><input id="n" name="name"><select name="size"><option>s</option><option selected>m</option></select></form>');
			$('#n').value = 'Al';
			$('#n').dispatchEvent(new Event('input', {bubbles: true}));
			return sock().sent;`,
			`[{"t":"e","ref":1,"n":"validate","k":"change","p":{"name":"Al","size":"m","_target":"name"}}]`},
		{"live-change on a field sends its own value", "/app", `
			live('<input id="q" name="q" live-change="search" live-value-scope="all"><input type="checkbox" id="c" name="c" value="1" live-change="tick">');
			$('#q').value = 'x';
			$('#q').dispatchEvent(new Event('input', {bubbles: true}));
			$('#c').click();
			return sock().sent.map((f) => [f.n, f.p]);`,
			`[["search",{"q":"x","scope":"all","_target":"q"}],["tick",{"c":"1","_target":"c"}]]`},
		{"live-debounce holds changes; discrete fields and submits flush them", "/app", `
			live('<form live-change="v" live-submit="s" live-debounce="300"><input id="n" name="n">' +
				'<input type="checkbox" id="c" name="c" value="1"><button>Go</button></form>');
			const type = (v) => { $('#n').value = v; $('#n').dispatchEvent(new Event('input', {bubbles: true})); };
			type('a');
			const counts = [sock().sent.length];
			await sleep(450);
			counts.push(sock().sent.length);
			type('ab');
			$('#c').click();
			counts.push(sock().sent.length);
			type('abc');
			$('form button').click();
			return {counts, frames: sock().sent.map((f) => f.k + ':' + f.p.n + ':' + (f.p.c || ''))};`,
			`{"counts":[0,1,2],"frames":["change:a:","change:ab:1","change:abc:1","submit:abc:1"]}`},
		{"live-debounce=blur sends on change only", "/app", `
			live('<input id="q" name="q" live-change="s" live-debounce="blur">');
			$('#q').value = 'x';
			$('#q').dispatchEvent(new Event('input', {bubbles: true}));
			const before = sock().sent.length;
			$('#q').dispatchEvent(new Event('change', {bubbles: true}));
			return [before, sock().sent.length];`,
			`[0,1]`},
		{"live-keydown sends the key, filtered by live-key", "/app", `
			live('<input id="k" name="q" value="v" live-keydown="key" live-key="Enter"><div live-keyup="up"><input id="u"></div>');
			for (const key of ['a', 'Enter']) $('#k').dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
			$('#u').dispatchEvent(new KeyboardEvent('keyup', {key: 'x', bubbles: true}));
			return sock().sent.map((f) => [f.k, f.n, f.p]);`,
			`[["keydown","key",{"q":"v","key":"Enter"}],["keyup","up",{"key":"x"}]]`},
		{"live-focus and live-blur fire on the element itself", "/app", `
			live('<div live-focus="no"><input id="a" live-focus="f" live-blur="b" value="v"></div>');
			$('#a').focus();
			$('#a').blur();
			return sock().sent.map((f) => [f.k, f.n, f.p]);`,
			`[["focus","f",{"value":"v"}],["blur","b",{"value":"v"}]]`},
		{"live-navigate sends nav and the render pushes its URL", "/app", `
			live('<a id="l" live-navigate href="/other?x=1#top">go</a>');
			const len = history.length;
			$('#l').click();
			const sent = sock().sent.slice(), loading = $('#l').className;
			sock().recv({t: 'render', html: '<p>other</p>', url: '/other?x=1', title: 'Other', token: 'T2', session: 's2'});
			sock().recv({t: 'r', ref: 1});
			const root = $('#live-root');
			return {sent, loading, url: location.pathname + location.search, pushed: history.length - len, title: document.title,
				token: root.dataset.liveToken, session: root.dataset.liveSession, html: root.innerHTML};`,
			`{"sent":[{"t":"nav","ref":1,"url":"/other?x=1"}],"loading":"live-loading","url":"/other?x=1","pushed":1,
			  "title":"Other","token":"T2","session":"s2","html":"<p>other</p>"}`},
		{"live-patch sends patch; the url frame pushes and the reply patches", "/app", `
			live('<a id="l" live-patch href="?page=2">next</a><p>1</p>');
			const len = history.length;
			$('#l').click();
			sock().recv({t: 'url', to: '/app?page=2'});
			sock().recv({t: 'r', ref: 1, ops: [['t', [1, 0], '2']]});
			sock().recv({t: 'url', to: '/app?page=2&sort=a', replace: true});
			return {sent: sock().sent, url: location.pathname + location.search, pushed: history.length - len, text: $('p').textContent};`,
			`{"sent":[{"t":"patch","ref":1,"url":"/app?page=2"}],"url":"/app?page=2&sort=a","pushed":1,"text":"2"}`},
		{"the back button sends nav and its render does not push", "/app", `
			live('<p>1</p>');
			sock().recv({t: 'url', to: '/app?page=2'});
			const len = history.length;
			const popped = new Promise((resolve) => addEventListener('popstate', resolve, {once: true}));
			history.back();
			await popped;
			const sent = sock().sent.slice();
			sock().recv({t: 'render', html: '<p>back</p>', url: '/app'});
			sock().recv({t: 'r', ref: 1});
			return {sent, url: location.pathname + location.search, pushed: history.length - len, html: $('#live-root').innerHTML};`,
			`{"sent":[{"t":"nav","ref":1,"url":"/app"}],"url":"/app","pushed":0,"html":"<p>back</p>"}`},
		{"modified clicks and other targets are left to the browser", "/app", `
			live('<a id="l" live-navigate href="/other">x</a><a id="b" live-navigate target="_blank" href="/other">y</a>');
			const prevented = [];
			document.addEventListener('click', (e) => { prevented.push(e.defaultPrevented); e.preventDefault(); });
			const click = (el, init) => el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, ...init}));
			click($('#l'), {ctrlKey: true});
			click($('#l'), {metaKey: true});
			click($('#l'), {button: 1});
			click($('#b'), {});
			click($('#l'), {});
			return {prevented, sent: sock().sent.length};`,
			`{"prevented":[false,false,false,false,true],"sent":1}`},
		{"pushed events dispatch live:EVENT on the root after the ops", "/app", `
			live('<p>a</p>');
			let got;
			document.addEventListener('live:saved', (e) => { got = {detail: e.detail, target: e.target.id, text: $('#live-root').textContent}; });
			sock().recv({t: 'ops', ops: [['t', [0, 0], 'b']], ev: [['saved', {id: 3}]]});
			return got;`,
			`{"detail":{"id":3},"target":"live-root","text":"b"}`},
		{"error frames and reply errors dispatch live:error", "/app", `
			live('<button id="b" live-click="x">x</button>');
			const got = [];
			$('#live-root').addEventListener('live:error', (e) => got.push(e.detail));
			sock().recv({t: 'error', msg: 'bad frame'});
			$('#b').click();
			sock().recv({t: 'r', ref: 1, err: 'event failed'});
			return {got, cls: $('#b').className};`,
			`{"got":[{"msg":"bad frame"},{"msg":"event failed","ref":1}],"cls":""}`},
		{"title sets the document title", "/app", `
			live('<p>a</p>');
			sock().recv({t: 'title', title: 'New title'});
			return document.title;`,
			`"New title"`},
		{"a patch that does not fit asks for sync and skips stale patches", "/app", `
			live('<p>a</p>');
			sock().recv({t: 'ops', ops: [['t', [5, 0], 'x']]});
			sock().recv({t: 'ops', ops: [['t', [0, 0], 'stale']]});
			const mid = $('#live-root').innerHTML;
			sock().recv({t: 'r', ref: 1, ops: [['h', [], '<p>fresh</p>']]});
			sock().recv({t: 'ops', ops: [['t', [0, 0], 'new']]});
			return {sent: sock().sent, mid, end: $('#live-root').innerHTML};`,
			`{"sent":[{"t":"sync","ref":1}],"mid":"<p>a</p>","end":"<p>new</p>"}`},
		{"a render keeps the focus on the element with the same id", "/app", `
			live('<input id="i" value="abc">');
			$('#i').focus();
			$('#i').setSelectionRange(1, 2);
			sock().recv({t: 'render', html: '<p>x</p><input id="i" value="abc">'});
			return {focus: document.activeElement.id, sel: [$('#i').selectionStart, $('#i').selectionEnd]};`,
			`{"focus":"i","sel":[1,2]}`},
		{"close 4000 reconnects at once with the latest token", "/app", `
			live('<p>a</p>');
			sock().recv({t: 'render', html: '<p>b</p>', token: 'T2'});
			sock().drop(4000);
			const state = $('#live-root').getAttribute('data-live-state');
			// Timers of equal delay run in the order they were set: a reconnect set for
			// 0 ms has run by the end of this one, and one put off by a backoff has not.
			await sleep(0);
			return {sockets: sockets.length, state, token: new URL(sock().url).searchParams.get('token'),
				now: $('#live-root').getAttribute('data-live-state')};`,
			`{"sockets":2,"state":"disconnected","token":"T2","now":"connecting"}`},
		{"close 1012 (a node restarting) and 4003 (a PubSub outage) reconnect within a second", "/app", `
			live('<p>a</p>');
			const after = [];
			for (const code of [1012, 4003]) {
				const before = sockets.length;
				sock().drop(code);
				await until(() => sockets.length === before + 1);
				after.push(sockets.length);
			}
			return after;`,
			`[2,3]`},
		{"close 4008 waits out the flood cool-down", "/app", `
			live('<p>a</p>');
			sock().drop(4008);
			await sleep(1500);
			return sockets.length;`,
			`1`},
		{"a close clears loading states", "/app", `
			live('<form id="f" live-submit="s"><button id="b">b</button></form>');
			$('#b').click();
			sock().drop(1006);
			return {cls: $('#f').className, disabled: $('#b').disabled};`,
			`{"cls":"","disabled":false}`},
		{"form values survive a reconnect and live-change forms are told", "/app", `
			live('<form id="f" live-change="v"><input id="n" name="n"><input type="hidden" name="h" value="1"></form><form><input name="m"></form>');
			$('#n').value = 'typed';
			$('input[name=m]').value = 'other';
			sock().drop(1006);
			await until(() => sockets.length === 2);
			live('<form id="f" live-change="v"><input id="n" name="n" value=""><input type="hidden" name="h" value="2"></form><form><input name="m"></form>');
			return {n: $('#n').value, h: $('input[name=h]').value, m: $('input[name=m]').value, sent: sock().sent};`,
			`{"n":"typed","h":"2","m":"other","sent":[{"t":"e","ref":1,"n":"v","k":"change","p":{"n":"typed","h":"2"}}]}`},
		{"a render after a reconnect that changes nothing sends no change", "/app", `
			live('<form live-change="v"><input name="n" value="x"></form>');
			sock().drop(1000);
			await until(() => sockets.length === 2);
			live('<form live-change="v"><input name="n" value="x"></form>');
			return sock().sent.length;`,
			`0`},
		{"a dev error shows its text, as text, over the page and outside the root; clear removes it", "/app", `
			live('<p>a</p>');
			sock().recv({t: 'dev', do: 'error', msg: '<b>bad</b> & "x"\nline 2'});
			const host = $('#live-dev-error'), shadow = host.shadowRoot;
			const shown = {text: shadow.querySelector('pre').textContent, markup: shadow.querySelectorAll('b').length,
				outside: !$('#live-root').contains(host), position: getComputedStyle(host).position};
			sock().recv({t: 'ops', ops: [['t', [0, 0], 'b']]});
			sock().recv({t: 'render', html: '<p>c</p>'});
			const kept = !!$('#live-dev-error');
			sock().recv({t: 'dev', do: 'clear'});
			return {...shown, kept, cleared: !$('#live-dev-error')};`,
			`{"text":"<b>bad</b> & \"x\"\nline 2","markup":0,"outside":true,"position":"fixed","kept":true,"cleared":true}`},
		{"a dev error is dismissable, and the first render of a new socket takes it down", "/app", `
			live('<p>a</p>');
			sock().recv({t: 'dev', do: 'error', msg: 'one'});
			$('#live-dev-error').shadowRoot.querySelector('button').click();
			const dismissed = !$('#live-dev-error');
			sock().recv({t: 'dev', do: 'error', msg: 'two'});
			document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));
			const escaped = !$('#live-dev-error');
			sock().recv({t: 'dev', do: 'error', msg: 'three'});
			sock().drop(1000);
			await until(() => sockets.length === 2);
			const reconnecting = $('#live-dev-error')?.shadowRoot.querySelector('pre').textContent;
			live('<p>b</p>');
			return {dismissed, escaped, reconnecting, after: !$('#live-dev-error')};`,
			`{"dismissed":true,"escaped":true,"reconnecting":"three","after":true}`},
		{"events are dropped while disconnected", "/app", `
			live('<button id="b" live-click="x">x</button>');
			liveapp.disconnect();
			$('#b').click();
			await sleep(300);
			return {sockets: sockets.length, cls: $('#b').className, state: $('#live-root').getAttribute('data-live-state')};`,
			`{"sockets":1,"cls":"","state":"disconnected"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tab := livePage(t, browser, ps, tt.path)
			sameJSON(t, evalJSON(t, tab, tt.script), tt.want)
		})
	}
}

// TestPageLoads covers the frames and closes that leave the page.
func TestPageLoads(t *testing.T) {
	browser := testbrowser.New(t)
	ps := newPageServer(t)

	t.Run("redirect loads the page and hands the flash to the server", func(t *testing.T) {
		tab := livePage(t, browser, ps, "/app")
		evalJSON(t, tab, `live('<p>a</p>'); setTimeout(() => sock().recv({t: 'redirect', to: '/landing', flash: 'SIGNED'})); return 1;`)
		waitFor(t, tab, `location.pathname === '/landing'`)
		if got := ps.flashCookies(); !slices.Contains(got, "SIGNED") {
			t.Errorf("flash cookies seen by the server = %q, want SIGNED", got)
		}
	})

	t.Run("without a socket links are followed by the browser", func(t *testing.T) {
		tab := livePage(t, browser, ps, "/app")
		evalJSON(t, tab, `live('<a id="l" live-navigate href="/elsewhere">x</a>'); liveapp.disconnect(); setTimeout(() => $('#l').click()); return 1;`)
		waitFor(t, tab, `location.pathname === '/elsewhere' && document.title === '/elsewhere'`)
	})

	t.Run("close 4010 reloads once until a render succeeds", func(t *testing.T) {
		tab := livePage(t, browser, ps, "/app")
		evalJSON(t, tab, `live('<p>a</p>'); setTimeout(() => sock().drop(4010)); return 1;`)
		waitFor(t, tab, `performance.getEntriesByType('navigation')[0].type === 'reload' && window.sockets && sockets.length === 1`)
		// The reloaded page's socket fails the same way before any render: no second reload.
		sameJSON(t, evalJSON(t, tab, `
			window.marker = 1;
			sock().open();
			sock().drop(4010);
			await until(() => sockets.length === 2);
			return {marker: window.marker, sockets: sockets.length};`),
			`{"marker":1,"sockets":2}`)
	})

	t.Run("five refused upgrades in a row reload the page once", func(t *testing.T) {
		tab := livePage(t, browser, ps, "/app")
		evalJSON(t, tab, `
			for (let i = 0; i < 4; i++) {
				await until(() => sockets.length > i);
				sockets[i].drop(1006);
			}
			await until(() => sockets.length > 4);
			setTimeout(() => sockets[4].drop(1006));
			return 1;`)
		waitFor(t, tab, `performance.getEntriesByType('navigation')[0].type === 'reload'`)
	})

	t.Run("a dev reload frame reloads the page", func(t *testing.T) {
		tab := livePage(t, browser, ps, "/app")
		evalJSON(t, tab, `live('<p>a</p>'); setTimeout(() => sock().recv({t: 'dev', do: 'reload'})); return 1;`)
		waitFor(t, tab, `performance.getEntriesByType('navigation')[0].type === 'reload'`)
	})

	t.Run("a plain form's submission keeps the socket down while the next page may load", func(t *testing.T) {
		tab := livePage(t, browser, ps, "/app")
		// The form posts to a 204, so the page stays: what a page does while the
		// browser loads the next one is all there is to see. A reconnect now could
		// reload or redirect the page, cancelling that load.
		sameJSON(t, evalJSON(t, tab, `
			live('<form id="f" method="post" action="/no-content"><button id="go">Go</button></form>' +
				'<form id="l" live-submit="save"><button id="save">Save</button></form>');
			$('#save').click(); // a live-submit form is not a page load
			$('#go').click();
			sock().drop(4000);
			await sleep(0); // as in "close 4000 reconnects at once"
			return {sockets: sockets.length, state: $('#live-root').getAttribute('data-live-state')};`),
			`{"sockets":1,"state":"disconnected"}`)
		// No page load came: once the grace is over the page connects again.
		waitFor(t, tab, `sockets.length === 2 && $('#live-root').getAttribute('data-live-state') === 'connecting'`)
	})

	t.Run("close 4500 reloads after a backoff", func(t *testing.T) {
		tab := livePage(t, browser, ps, "/app")
		evalJSON(t, tab, `live('<p>a</p>'); setTimeout(() => sock().drop(4500)); return 1;`)
		waitFor(t, tab, `performance.getEntriesByType('navigation')[0].type === 'reload'`)
	})
}
