package client_test

import (
	"testing"

	"github.com/liveapp/liveapp/internal/testbrowser"
)

// hookLog registers a hook, Log, that records its callbacks in window.calls.
const hookLog = `
window.calls = [];
liveapp.hooks.Log = {
  mounted() { calls.push('mounted ' + this.el.id); this.handleEvent('ping', (p) => calls.push('ping ' + this.el.id + ' ' + p.n)); },
  updated() { calls.push('updated ' + this.el.id); },
  destroyed() { calls.push('destroyed ' + this.el.id); },
  disconnected() { calls.push('disconnected ' + this.el.id); },
  reconnected() { calls.push('reconnected ' + this.el.id); },
};
`

// TestHooksIgnoredRegionsAndJSCommands plays the server with the fake socket, as
// TestProtocol does, for the parts of the client that page scripts build on.
func TestHooksIgnoredRegionsAndJSCommands(t *testing.T) {
	browser := testbrowser.New(t)
	ps := newPageServer(t)
	tests := []struct {
		name, script, want string
	}{
		{"hooks mount, update on a patch inside them, hear pushes, and are destroyed", hookLog + `
			live('<div id="a" live-hook="Log"><p>1</p></div><div id="b" live-hook="Log"></div>');
			sock().recv({t: 'ops', ops: [['t', [0, 0, 0], '2']]});
			sock().recv({t: 'ops', ops: [], ev: [['ping', {n: 7}]]});
			sock().recv({t: 'ops', ops: [['d', [1]]]});
			return calls;`,
			`["mounted a","mounted b","updated a","ping a 7","ping b 7","destroyed b"]`},
		{"a hook that throws does not stop the client or other hooks", `
			window.calls = [];
			liveapp.hooks.Bad = {mounted() { throw new Error('boom'); }};
			liveapp.hooks.Good = {mounted() { calls.push('good'); }};
			live('<i live-hook="Bad"></i><b live-hook="Good"></b>');
			return calls;`,
			`["good"]`},
		{"pushEvent sends a hook event and resolves with the reply's value", hookLog + `
			liveapp.hooks.Ask = {mounted() { window.ask = this; }};
			live('<canvas id="c" live-hook="Ask"></canvas>');
			const answer = ask.pushEvent('points', {n: 3, on: true, tags: ['a', 1], obj: {x: 1}});
			const failed = ask.pushEvent('nope', {});
			sock().recv({t: 'r', ref: 1, rep: {points: [1, 2, 3]}});
			sock().recv({t: 'r', ref: 2, err: 'unknown event'});
			return {sent: sock().sent, value: await answer, err: await failed.catch((e) => e.message)};`,
			`{"sent":[{"t":"e","ref":1,"n":"points","k":"hook","p":{"n":"3","on":"true","tags":["a","1"],"obj":"{\"x\":1}"}},
			          {"t":"e","ref":2,"n":"nope","k":"hook","p":{}}],
			  "value":{"points":[1,2,3]},"err":"unknown event"}`},
		{"hooks hear of a lost socket, and an ignored element they are on is kept across the reconnect", hookLog + `
			live('<div id="w" live-hook="Log" live-update="ignore" data-v="1"></div><p id="p" live-hook="Log">x</p>');
			$('#w').append(Object.assign(document.createElement('span'), {id: 'chart'}));
			const first = sock();
			first.drop(1006);
			await until(() => sockets.length > 1 && sock() !== first);
			live('<div id="w" live-hook="Log" live-update="ignore" data-v="2"></div><p id="p" live-hook="Log">y</p>');
			return {calls, chart: !!$('#w #chart'), v: $('#w').dataset.v};`,
			`{"calls":["mounted w","mounted p","disconnected w","disconnected p","destroyed p","reconnected w","mounted p"],
			  "chart":true,"v":"2"}`},
		{"ignored children survive patches that replace their parent or the whole view", `
			live('<section><div id="w" live-update="ignore"></div></section><p>1</p>');
			$('#w').textContent = 'mine';
			sock().recv({t: 'ops', ops: [['x', [0], '<section class="s"><div id="w" live-update="ignore" title="t">server</div></section>']]});
			const afterX = $('#w').textContent + '/' + $('#w').title;
			sock().recv({t: 'r', ref: 9, ops: [['h', [], '<div id="w" live-update="ignore">server</div><p>2</p>']]});
			return [afterX, $('#w').textContent, $('#live-root').textContent];`,
			`["mine/t","mine","mine2"]`},
		{"live-window-keydown gets keys pressed anywhere, filtered by live-key", `
			live('<div live-window-keydown="esc" live-key="Escape" live-value-id="3"></div><div live-window-keyup="up"></div>');
			for (const key of ['a', 'Escape']) document.body.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
			document.body.dispatchEvent(new KeyboardEvent('keyup', {key: 'q', bubbles: true}));
			return sock().sent.map((f) => [f.k, f.n, f.p]);`,
			`[["keydown","esc",{"id":"3","key":"Escape"}],["keyup","up",{"key":"q"}]]`},
		{"JS commands run with no round trip, and push sends an event", `
			live('<div id="m" style="display:none" class="box">modal</div>' +
				'<button id="open" live-click=\'[["show",{"to":"#m"}],["add_class",{"to":"#m","names":["open"]}],["set_attr",{"to":"#m","attr":["aria-modal","true"]}],["push",{"event":"opened","value":{"id":"5"}}]]\'>o</button>' +
				'<button id="close" live-click=\'[["hide",{"to":"#m"}],["remove_class",{"to":"#m","names":["open"]}],["remove_attr",{"to":"#m","attr":"aria-modal"}]]\'>c</button>' +
				'<button id="t" live-click=\'[["toggle",{"to":"#m"}],["dispatch",{"to":"#m","event":"shown","detail":{"a":"b"}}],["focus",{"to":"#open"}]]\'>t</button>');
			const seen = [];
			$('#m').addEventListener('shown', (e) => seen.push(e.detail.a));
			$('#open').click();
			const opened = [getComputedStyle($('#m')).display, $('#m').className, $('#m').getAttribute('aria-modal')];
			$('#close').click();
			const closed = [getComputedStyle($('#m')).display, $('#m').className, $('#m').hasAttribute('aria-modal')];
			$('#t').click();
			return {opened, closed, toggled: getComputedStyle($('#m')).display, seen, focus: document.activeElement.id,
				sent: sock().sent.map((f) => [f.k, f.n, f.p])};`,
			`{"opened":["block","box open","true"],"closed":["none","box",false],"toggled":"block","seen":["b"],"focus":"open",
			  "sent":[["click","opened",{"id":"5"}]]}`},
		{"what JS commands set sticks across patches, and to a replacement with the same id", `
			live('<div id="m" class="box" hidden>modal</div><p id="p">1</p>' +
				'<button id="open" live-click=\'[["show",{"to":"#m"}],["add_class",{"to":"#m","names":["open"]}]]\'>o</button>');
			$('#open').click();
			sock().recv({t: 'ops', ops: [['a', [0], 'class', 'box big'], ['a', [0], 'hidden', '']]});
			const patched = [$('#m').className, getComputedStyle($('#m')).display];
			sock().recv({t: 'ops', ops: [['x', [0], '<div id="m" class="box" hidden>new</div>']]});
			return {patched, replaced: [$('#m').className, getComputedStyle($('#m')).display, $('#m').textContent]};`,
			`{"patched":["box big open","block"],"replaced":["box open","block","new"]}`},
		{"JS commands may not set event handler or live attributes", `
			live('<div id="m"></div><button id="b" live-click=\'[["set_attr",{"to":"#m","attr":["onclick","alert(1)"]}],["set_attr",{"to":"#m","attr":["live-click","x"]}],["set_attr",{"to":"#m","attr":["title","ok"]}]]\'>b</button>');
			$('#b').click();
			return [$('#m').hasAttribute('onclick'), $('#m').hasAttribute('live-click'), $('#m').title];`,
			`[false,false,"ok"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tab := livePage(t, browser, ps, "/app")
			sameJSON(t, evalJSON(t, tab, tt.script), tt.want)
		})
	}
}
