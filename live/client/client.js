// liveapp browser client: the client side of docs/protocol.md (version 1).
//
// A classic script with no dependencies and no build step. When the page has a
// #live-root[data-live-token] element it opens one websocket, sends the user's
// events from live-* attributes, and applies what the server sends back. The
// patch applier, applyOps, is a pure function of a root element and an op list,
// exposed on window.liveapp with the socket for tests and debugging.
//
// Attributes, read inside the root (links anywhere in the page):
//   live-click, live-submit, live-change, live-keydown, live-keyup,
//   live-focus, live-blur  name the event sent for that DOM event
//   live-value-NAME        adds NAME to the event's params
//   live-key="Enter"       only that key fires live-keydown / live-keyup
//   live-debounce="MS"     on a field or its form: wait for a pause in typing;
//                          "blur" sends on the change event instead
//   live-navigate, live-patch  on <a href>: follow the link over the socket
//   live-upload="NAME"     on <input type=file>: offer the chosen files to the
//                          view's upload NAME, and send them in chunks
//   live-drop-target="NAME"  the same for files dropped on the element
//   data-live-socket       on the root: the socket path (default /live/socket)
//   live-window-keydown, live-window-keyup, live-window-focus,
//   live-window-blur       the same, for that event on the window
//   live-hook="NAME"       binds the element to the client hook NAME, an object
//                          in liveapp.hooks (or window.liveappHooks, set before
//                          this script loads) with mounted, updated, destroyed,
//                          disconnected and reconnected callbacks
//   live-update="ignore"   with an id: the page's scripts own the children;
//                          patches never touch them (attributes still change)
//   live-update="stream"   with an id: a live.Stream's container, whose rows
//                          come as lv:stream pushed events
// A live-EVENT attribute holding a JSON array runs those commands (live.JS)
// in the browser instead of sending an event.
// State shown to CSS: data-live-state on the root (connecting, connected,
// disconnected); class live-loading on an element whose event awaits its reply,
// and live-submitting on a submitted form, whose submit buttons are disabled.
// DOM events on the root: live:EVENT for a server push, live:error for errors.
// A server in dev mode may also reload the page, swap a stylesheet, or show an
// error in an overlay, #live-dev-error, outside the root.
(() => {
  'use strict';

  // ---------------------------------------------------------------------------
  // Patches (protocol section 4)
  // ---------------------------------------------------------------------------

  // kids is the node whose childNodes a path indexes: a <template>'s children
  // live in its content fragment, as the server's parser sees them.
  const kids = (n) => (n.content instanceof DocumentFragment ? n.content : n);

  const isElement = (n) => n.nodeType === Node.ELEMENT_NODE;

  // resolve follows a path of child indices from root, or returns null.
  function resolve(root, path) {
    if (!Array.isArray(path)) return null;
    let n = root;
    for (const i of path) {
      n = Number.isInteger(i) ? kids(n).childNodes[i] : null;
      if (!n) return null;
    }
    return n;
  }

  // parse turns server HTML into nodes. A <template> parses it where any
  // element is allowed (so <tr> and <li> survive) and its scripts never run.
  function parse(html) {
    const t = document.createElement('template');
    t.innerHTML = html;
    return t.content;
  }

  // parseOne returns the one node that an i or x op carries. An empty string
  // still gives a (text) node, so child indices stay as the server counts them.
  function parseOne(html) {
    const f = parse(html);
    if (f.childNodes.length === 1) return f.firstChild;
    return f.childNodes.length ? f : document.createTextNode('');
  }

  // userOwns reports whether the live value of a form control belongs to the
  // user: it has focus, and its form is not waiting for a submit reply (a
  // submit reply may reset the fields, as a chat box does after sending).
  function userOwns(el) {
    return el === document.activeElement && !el.form?.classList.contains('live-submitting');
  }

  // Values in flight. An event carries the values of its form's controls; a
  // reply to an earlier event carries the server's echo of older values. Until
  // the reply to the latest event that carried a control's value, a patch may
  // set the control's value attribute but not its live value, or a late echo
  // rolls back what the user typed before leaving the field.
  const sentWith = new WeakMap(); // control -> ref of the last event carrying its value
  const held = new Set(); // controls whose live value a patch left behind
  let applying = 0; // the ref of the reply being applied, 0 for other frames

  // inFlight reports whether a newer event than the one being answered carries
  // el's value; it remembers el so that the newest reply can bring it up to date.
  function inFlight(el) {
    const ref = sentWith.get(el);
    if (ref === undefined || ref === applying || !pending.has(ref)) return false;
    held.add(el);
    return true;
  }

  // catchUp gives the held controls that are no longer in flight the value
  // their attributes now hold.
  function catchUp() {
    for (const el of held) {
      if (!el.isConnected) held.delete(el);
      else if (!inFlight(el)) {
        held.delete(el);
        if (el.localName === 'textarea') syncTextarea(el);
        else syncProperty(el, 'value', el.getAttribute('value'));
      }
    }
  }

  // syncProperty makes a control show an attribute the server changed: once a
  // user has touched a control, its value, checked and selected attributes only
  // hold defaults, and the live properties must follow by hand.
  function syncProperty(el, name, value) {
    const tag = el.localName;
    if (name === 'value' && tag === 'input' && !/^(checkbox|radio|file)$/.test(el.type) && !userOwns(el) && !inFlight(el)) {
      el.value = value ?? '';
    } else if (name === 'checked' && tag === 'input') {
      el.checked = value !== null;
    } else if (name === 'selected' && tag === 'option') {
      el.selected = value !== null;
    }
  }

  // syncTextarea does the same for a textarea, whose default value is its text.
  function syncTextarea(el) {
    if (el?.localName === 'textarea' && !userOwns(el) && !inFlight(el)) el.value = el.defaultValue;
  }

  // setAttr sets one attribute and keeps the caret of a focused field.
  function setAttr(el, name, value) {
    let sel = null;
    if (name === 'value' && userOwns(el)) sel = [el.selectionStart, el.selectionEnd, el.selectionDirection];
    try {
      el.setAttribute(name, value);
    } catch {
      // The HTML parser accepts attribute names that setAttribute rejects
      // (such as a<b): take the attribute from a parsed element instead.
      const donor = parse(`<b ${name}>`).firstChild;
      const attr = donor?.attributes?.[0];
      if (!attr || attr.name !== name) return false;
      donor.removeAttributeNode(attr);
      attr.value = value;
      el.setAttributeNode(attr);
    }
    syncProperty(el, name, value);
    if (sel && sel[0] != null) {
      try { el.setSelectionRange(...sel); } catch { /* not a text field */ }
    }
    return true;
  }

  // The nodes the ops of one frame targeted, while patch collects them.
  let touched = null;

  // Elements whose children the client owns: a page script's (ignore), kept
  // across any re-render, and a stream's rows (stream), kept across patches but
  // not across a render, which mounts the view afresh and sends its rows again.
  const IGNORED = '[live-update="ignore"][id]';
  const KEPT = IGNORED + ',[live-update="stream"][id]';

  // keepIgnored returns fresh, the nodes about to replace old (a node, or the
  // children of a fragment or element), with every element matching sel that
  // old holds under the same id put back in place of its new copy: its
  // children belong to the client, and only its attributes take the new values.
  function keepIgnored(old, fresh, sel = KEPT) {
    const oldOne = (id) => (old.id === id ? old : old.querySelector?.(`#${CSS.escape(id)}`));
    const adopt = (n) => {
      const o = oldOne(n.id);
      if (!o || o.localName !== n.localName || o.getAttribute('live-update') !== n.getAttribute('live-update')) return n;
      copyAttrs(o, n);
      return o;
    };
    if (isElement(fresh) && fresh.matches(sel)) return adopt(fresh);
    for (const n of fresh.querySelectorAll?.(sel) ?? []) {
      const o = adopt(n);
      if (o !== n) n.replaceWith(o);
    }
    return fresh;
  }

  // copyAttrs gives el exactly the attributes of from.
  function copyAttrs(el, from) {
    for (const a of [...el.attributes]) if (!from.hasAttribute(a.name)) el.removeAttribute(a.name);
    for (const a of from.attributes) if (el.getAttribute(a.name) !== a.value) setAttr(el, a.name, a.value);
  }

  // applyOp applies one op and reports whether its path resolved.
  function applyOp(root, op) {
    if (!Array.isArray(op)) return false;
    const node = resolve(root, op[1]);
    if (!node) return false;
    touched?.push(op[0] === 'd' ? node.parentNode : node);
    switch (op[0]) {
      case 't':
        if (node.nodeType !== Node.TEXT_NODE && node.nodeType !== Node.COMMENT_NODE) return false;
        node.data = String(op[2]);
        syncTextarea(node.parentNode);
        return true;
      case 'a':
        return isElement(node) && setAttr(node, String(op[2]), String(op[3]));
      case 'ra':
        if (!isElement(node)) return false;
        node.removeAttribute(String(op[2]));
        syncProperty(node, op[2], null);
        return true;
      case 'i': {
        const box = kids(node), at = op[2];
        if (!isElement(node) || !Number.isInteger(at) || at < 0 || at > box.childNodes.length) return false;
        box.insertBefore(parseOne(String(op[3])), box.childNodes[at] || null);
        syncTextarea(node);
        return true;
      }
      case 'd': {
        if (node === root) return false;
        const parent = node.parentNode;
        node.remove();
        syncTextarea(parent);
        return true;
      }
      case 'x':
        if (node === root) return false;
        node.replaceWith(keepIgnored(node, parseOne(String(op[2]))));
        return true;
      case 'm': {
        const box = kids(node), list = box.childNodes, from = op[2], to = op[3];
        if (!isElement(node) || !Number.isInteger(from) || !Number.isInteger(to)) return false;
        const child = list[from];
        if (!child || to < 0 || to >= list.length) return false;
        // The node that is child `to` once `child` is out of the list.
        const before = list[to < from ? to : to + 1] || null;
        // moveBefore keeps focus, iframes and animations; insertBefore is the
        // fallback. Both keep the node's identity.
        if (box.moveBefore) {
          try { box.moveBefore(child, before); return true; } catch { /* fall back */ }
        }
        box.insertBefore(child, before);
        return true;
      }
      case 'h':
        if (!isElement(node)) return false;
        kids(node).replaceChildren(keepIgnored(kids(node), parse(String(op[2]))));
        syncTextarea(node);
        return true;
      default:
        return false;
    }
  }

  // applyOps applies ops in order to the children of root. It returns false,
  // and stops, at the first op whose path does not resolve or that is
  // malformed; the caller then asks the server for the whole view.
  function applyOps(root, ops) {
    if (!Array.isArray(ops)) return false;
    try {
      for (const op of ops) if (!applyOp(root, op)) return false;
    } catch (err) {
      console.error('liveapp: patch failed:', err);
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------------------
  // Connection state
  // ---------------------------------------------------------------------------

  const RELOAD_KEY = 'liveapp:reloaded';
  // The server's default Config.FloodCooldown: after a 4008 it refuses this
  // browser and its address for that long, so waiting less only fails again.
  const FLOOD_COOLDOWN_MS = 10000;
  // The runtime's flash cookie: Config.CookiePrefix names it.
  const flashCookie = () => root?.getAttribute('data-live-flash-cookie') || '_live_flash';
  // After a plain form's submission the socket stays down this long: the browser is
  // loading the next page, and a reload or a redirect of this one would cancel that
  // load, and with it what its response did (cookies, a flash message). A page still
  // here afterwards was not replaced (a download, a 204), and connects again.
  const SUBMIT_GRACE_MS = 10000;

  let root = null; // #live-root, once booted
  let ws = null; // the current socket, or null while disconnected
  let lastRef = 0;
  const pending = new Map(); // ref -> {t, el, form, buttons}
  let syncRef = 0; // the ref of an outstanding sync, while the DOM is stale
  let popRef = 0; // the ref of a nav sent for the back button
  let firstRender = false; // the next render is the first on this socket
  let stopped = false; // disconnect() was called
  let leaving = false; // the page is unloading or redirecting
  let submittedAt = -Infinity; // when a plain form was last submitted (performance.now)
  let failures = 0; // closes since the last connection that lived > 5 s
  let upgradeFailures = 0; // consecutive sockets that never opened
  let retryTimer = 0;
  let revoked = false; // the last close was a disconnect broadcast or a failed revalidation
  // The server closes a socket silent for twice the heartbeat interval.
  const heartbeatMs = () => Number(root.getAttribute('data-live-heartbeat')) || 30000;
  let heartbeatTimer = 0;
  let heard = true; // a frame arrived since the last heartbeat was sent
  let lastURL = ''; // location without its hash, to tell popstate from hash changes

  const setState = (s) => root.setAttribute('data-live-state', s);
  const isOpen = () => ws?.readyState === WebSocket.OPEN;
  const noHash = (href) => href.split('#')[0];
  const localURL = (u) => u.pathname + u.search; // the server takes local paths only

  function emit(name, detail) {
    root.dispatchEvent(new CustomEvent('live:' + name, { detail, bubbles: true }));
  }

  // pushed dispatches the events a view pushed ([name, payload] pairs), after
  // the frame that carried them has been applied.
  function pushed(list) {
    if (!Array.isArray(list)) return;
    const streamed = [];
    for (const p of list) {
      if (!Array.isArray(p) || typeof p[0] !== 'string') continue;
      if (p[0] === 'lv:stream') {
        streamed.push(streamOp(p[1]));
        continue;
      }
      emit(p[0], p[1]);
      for (const h of [...hooked.values()]) {
        for (const fn of [...(h.handlers.get(p[0]) ?? [])]) guard(`handleEvent ${p[0]}`, () => fn.call(h, p[1]));
      }
    }
    if (streamed.length) afterPatch(streamed); // rows may carry hooks
  }

  // streamOp applies one operation of a live.Stream to its container, by DOM
  // id: [container, 'i', key, html, at, limit] inserts (or replaces the row
  // with id key in place), [container, 'd', key] deletes, [container, 'r']
  // empties the container.
  // It returns the container, or null.
  function streamOp(op) {
    if (!Array.isArray(op)) return null;
    const [id, kind, key] = op;
    const box = typeof id === 'string' ? document.getElementById(id) : null;
    if (!box || !root.contains(box) || box.getAttribute('live-update') !== 'stream') {
      console.error('liveapp: no stream container', id);
      return null;
    }
    const row = (k) => {
      const el = document.getElementById(k);
      return el?.parentNode === box ? el : null;
    };
    switch (kind) {
      case 'r':
        box.replaceChildren();
        break;
      case 'd':
        row(String(key))?.remove();
        break;
      case 'i': {
        const el = parseOne(String(op[3]));
        const old = row(String(key));
        if (old) {
          old.replaceWith(el);
          break;
        }
        const at = Number.isInteger(op[4]) ? op[4] : -1;
        box.insertBefore(el, at < 0 ? null : box.children[at] ?? null);
        const limit = op[5];
        if (Number.isInteger(limit) && limit > 0) {
          while (box.children.length > limit) (at === 0 ? box.lastElementChild : box.firstElementChild).remove();
        }
        break;
      }
      default:
        console.error('liveapp: unknown stream op', kind);
    }
    return box;
  }

  // ---------------------------------------------------------------------------
  // Requests: client frames that expect a reply
  // ---------------------------------------------------------------------------

  // request sends a frame with a fresh ref and marks el (and a submitted form)
  // as loading until the reply. It returns the ref, or 0 when not connected.
  function request(frame, el, form) {
    if (!isOpen()) return 0;
    const ref = ++lastRef;
    const { t, ...rest } = frame;
    ws.send(JSON.stringify({ t, ref, ...rest }));
    const job = { t, el, form, buttons: [] };
    el?.classList.add('live-loading');
    if (form) {
      form.classList.add('live-submitting');
      for (const b of form.elements) {
        if ((b.type === 'submit' || b.type === 'image') && !b.disabled) {
          b.disabled = true;
          job.buttons.push(b);
        }
      }
    }
    pending.set(ref, job);
    return ref;
  }

  // release gives back the submit buttons a request disabled. It runs before
  // the reply's ops, so that the server's own disabled attributes win.
  function release(job) {
    for (const b of job.buttons) b.disabled = false;
    job.buttons = [];
  }

  // settle ends a request: its loading classes go unless another request on
  // the same element is still out.
  function settle(ref) {
    const job = pending.get(ref);
    if (!job) return;
    pending.delete(ref);
    release(job);
    const jobs = [...pending.values()];
    if (job.el && !jobs.some((j) => j.el === job.el)) job.el.classList.remove('live-loading');
    if (job.form && !jobs.some((j) => j.form === job.form)) job.form.classList.remove('live-submitting');
  }

  // target names the component an event from el is for: the live-target of el
  // or of its nearest ancestor that has one. None, or an empty one, is the view.
  function target(frame, el) {
    const c = el?.closest?.('[live-target]')?.getAttribute('live-target');
    if (c) frame.c = c;
    return frame;
  }

  function sendEvent(el, kind, name, params, form) {
    const ref = request(target({ t: 'e', n: name, k: kind, p: params }, el), el, form);
    if (ref) for (const c of el.localName === 'form' ? el.elements : [el]) sentWith.set(c, ref);
    return ref;
  }

  // ---------------------------------------------------------------------------
  // Server frames
  // ---------------------------------------------------------------------------

  function onMessage(data) {
    let m;
    try {
      m = JSON.parse(data);
    } catch {
      console.error('liveapp: malformed frame:', data);
      return;
    }
    switch (m.t) {
      case 'render': onRender(m); return pushed(m.ev);
      case 'r': onReply(m); return pushed(m.ev);
      case 'ops':
        if (m.ops) patch(m.ops);
        return pushed(m.ev);
      case 'redirect': return redirect(m);
      case 'url': return setURL(m.to, m.replace || pending.has(popRef));
      case 'title': document.title = m.title; return;
      case 'h': return; // the answer to a heartbeat
      case 'dev': return onDev(m);
      case 'up': return up?.frame(m);
      case 'error':
        console.error('liveapp:', m.msg);
        return emit('error', { msg: m.msg });
      default:
        console.error('liveapp: unknown frame:', m.t);
    }
  }

  // keepFocus runs fn, then puts the focus back on the element with the same
  // id when fn replaced the focused element.
  function keepFocus(fn) {
    const a = document.activeElement;
    const id = a && a.id && root.contains(a) ? a.id : '';
    const sel = id ? [a.selectionStart, a.selectionEnd, a.selectionDirection] : [];
    const result = fn();
    if (id && !a.isConnected) {
      const b = document.getElementById(id);
      if (b && root.contains(b)) {
        b.focus({ preventScroll: true });
        if (sel[0] != null) {
          try { b.setSelectionRange(...sel); } catch { /* not a text field */ }
        }
      }
    }
    return result;
  }

  // patch applies ops to the view, or asks for the whole view when they do not
  // fit the DOM. While a sync is out, other patches are stale and skipped: the
  // sync's reply replaces everything.
  function patch(ops, ref) {
    if (syncRef) {
      if (ref !== syncRef) return;
      syncRef = 0;
    }
    if (!ops) return;
    touched = [];
    const ok = keepFocus(() => applyOps(root, ops));
    const nodes = touched;
    touched = null;
    if (!ok) syncRef = request({ t: 'sync' });
    afterPatch(nodes);
  }

  function onReply(m) {
    const job = pending.get(m.ref);
    if (job) release(job);
    if (job?.done) {
      if (m.err) job.done.reject(new Error(m.err));
      else job.done.resolve(m.rep);
    }
    applying = m.ref;
    try {
      patch(m.ops, m.ref);
      catchUp();
    } finally {
      applying = 0;
    }
    settle(m.ref);
    up?.replied(job, m);
    if (m.ref === popRef) popRef = 0;
    if (m.err) {
      console.error('liveapp:', m.err);
      emit('error', { msg: m.err, ref: m.ref });
    }
  }

  function onRender(m) {
    const url = m.url ? new URL(m.url, location.href) : null;
    // Carry form values across the first render of a socket (the dead render's
    // fields, or the last view's before a reconnect), unless it shows a new URL.
    const carry = firstRender && (!url || noHash(url.href) === noHash(location.href));
    const snapshot = carry ? snapshotForms() : [];
    // A dev server sends its standing error after a socket's first render: an
    // overlay from an earlier socket (an earlier server process) is out of date.
    if (firstRender) window.liveappDev?.({ do: 'clear' });
    firstRender = false;
    syncRef = 0;
    for (const w of waiting.values()) clearTimeout(w.id); // changes for the old DOM
    waiting.clear();
    let changed = [];
    keepFocus(() => {
      held.clear();
      root.replaceChildren(keepIgnored(root, parse(String(m.html)), IGNORED));
      changed = restoreForms(snapshot);
    });
    afterPatch([]);
    if (m.token) root.setAttribute('data-live-token', m.token);
    if (m.session) root.setAttribute('data-live-session', m.session);
    if (url) setURL(url.href, pending.has(popRef));
    if (typeof m.title === 'string') document.title = m.title;
    for (const [ref, job] of pending) if (job.t === 'nav') settle(ref);
    try { sessionStorage.removeItem(RELOAD_KEY); } catch { /* storage blocked */ }
    setState('connected');
    for (const form of changed) {
      sendEvent(form, 'change', form.getAttribute('live-change'), liveValues(form, formParams(form)));
    }
  }

  function redirect(m) {
    if (typeof m.flash === 'string' && /^[^\s;,"\\]+$/.test(m.flash)) {
      // The server's signed flash, for the next dead render to show.
      const secure = location.protocol === 'https:' ? '; secure' : '';
      document.cookie = `${flashCookie()}=${m.flash}; path=/; max-age=60; samesite=lax${secure}`;
    }
    leaving = true;
    location.assign(m.to);
  }

  // setURL records a new location in history; the same URL is never pushed twice.
  function setURL(to, replace) {
    const href = new URL(to, location.href).href;
    if (replace || href === location.href) history.replaceState(history.state, '', href);
    else history.pushState({ live: true }, '', href);
    lastURL = noHash(location.href);
  }

  // ---------------------------------------------------------------------------
  // Dev mode (protocol section 3.3): frames only a server in dev mode sends.
  // Their code is dev.js, which such a server's pages load before this script.
  // ---------------------------------------------------------------------------

  function onDev(m) {
    if (window.liveappDev) window.liveappDev(m, () => { leaving = true; });
    else console.error('liveapp: a dev frame, but no dev.js:', m.do);
  }

  // ---------------------------------------------------------------------------
  // Socket and reconnection (protocol sections 2 and 5)
  // ---------------------------------------------------------------------------

  function connect() {
    if (!root || ws) return;
    stopped = false;
    clearTimeout(retryTimer);
    const grace = submitGrace();
    if (grace > 0) {
      retryTimer = setTimeout(connect, grace);
      return;
    }
    const csrf = document.querySelector('meta[name="live-csrf"]')?.content ?? '';
    const url = new URL(root.getAttribute('data-live-socket') || '/live/socket', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = new URLSearchParams({
      v: '1', csrf, token: root.getAttribute('data-live-token') ?? '', url: noHash(location.href),
    });
    setState('connecting');
    firstRender = true;
    let openedAt = 0;
    const sock = new WebSocket(url.href);
    ws = sock;
    sock.onopen = () => {
      openedAt = Date.now();
      revoked = false;
      heard = true;
      clearInterval(heartbeatTimer);
      heartbeatTimer = setInterval(() => heartbeat(sock, openedAt), heartbeatMs());
    };
    sock.onmessage = (ev) => { if (ws === sock) { heard = true; onMessage(ev.data); } };
    sock.onclose = (ev) => { if (ws === sock) onClose(ev.code, openedAt); };
  }

  // heartbeat tells the server the tab is alive, and reconnects when the server
  // did not answer the previous one: the connection is dead even if the browser
  // has not noticed (a sleeping laptop, a changed network).
  function heartbeat(sock, openedAt) {
    if (ws !== sock) return;
    if (!heard) {
      sock.onclose = null;
      sock.close();
      onClose(1006, openedAt);
      return;
    }
    heard = false;
    sock.send('{"t":"h"}');
  }

  function disconnect() {
    stopped = true;
    clearTimeout(retryTimer);
    const sock = ws;
    ws = null;
    clearInterval(heartbeatTimer);
    sock?.close(1000);
    dropPending();
    hooksDown();
    if (root) setState('disconnected');
  }

  function dropPending() {
    for (const [ref, job] of [...pending]) {
      job.done?.reject(new Error('liveapp: disconnected'));
      settle(ref);
    }
    up?.reset();
    syncRef = popRef = 0;
  }

  // backoff is the jittered exponential delay after n failures: 100 ms doubling,
  // capped at 10 s, each drawn from the upper half of its range.
  function backoff(n) {
    const base = Math.min(10000, 100 * 2 ** Math.min(n - 1, 7));
    return base / 2 + (Math.random() * base) / 2;
  }

  // reloadOnce reloads the page unless the last reload by this client has not
  // been followed by a good render yet, so a broken server cannot loop the tab.
  function reloadOnce() {
    if (submitGrace() > 0) return false;
    try {
      if (sessionStorage.getItem(RELOAD_KEY)) return false;
      sessionStorage.setItem(RELOAD_KEY, '1');
    } catch {
      return false;
    }
    leaving = true;
    location.reload();
    return true;
  }

  function retry(ms, fn = connect) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(fn, ms);
  }

  function onClose(code, openedAt) {
    ws = null;
    clearInterval(heartbeatTimer);
    dropPending();
    hooksDown();
    setState('disconnected');
    if (stopped || leaving) return;
    // Failures only reset after a connection that lived, so a server that
    // accepts and closes at once cannot make the client hot-loop.
    if (openedAt && Date.now() - openedAt > 5000) failures = 0;
    failures++;
    upgradeFailures = openedAt ? 0 : upgradeFailures + 1;
    const wait = backoff(failures);
    switch (code) {
      case 4010: // the token expired: only a page load gets a new one
        if (!reloadOnce()) retry(wait);
        return;
      case 4500: // the view cannot remount
        retry(wait, () => reloadOnce() || connect());
        return;
      case 4000: // disconnect broadcast
      case 4001: // revalidation failed
        revoked = true;
        retry(failures === 1 ? 0 : wait);
        return;
      case 1012: // the server is restarting or draining: another node, or its next
      // process, takes the tab
      case 4003: // the server's PubSub was down: mount again
        // At a random moment within a second, so that every tab does not come back
        // in the same instant.
        retry(Math.random() * 1000);
        return;
      case 4008: // a flood: the server refuses this browser and address for 10 s
        retry(FLOOD_COOLDOWN_MS + wait);
        return;
    }
    // Anything else (1000, 1009 frame too large, 4002 heartbeat timeout,
    // 4009 too slow, 4011 overloaded, a refused upgrade) waits the backoff.
    // A refused upgrade (403, 410, ...) reaches the browser as 1006 before the
    // socket opens; after five in a row a page load may fix it (a new token).
    // Right after a revocation, one is enough: the logout that caused it may
    // have renewed the CSRF secret this page's token is bound to, and only a
    // page load (through the server's middleware) can tell where to go.
    if (!openedAt && (revoked || upgradeFailures >= 5) && reloadOnce()) return;
    retry(wait);
  }

  // ---------------------------------------------------------------------------
  // Form recovery: field values carried across a reconnect (protocol section 5)
  // ---------------------------------------------------------------------------

  const SKIP_FIELD = /^(hidden|file|submit|image|button|reset)$/;

  function snapshotForms() {
    return [...root.querySelectorAll('form')].map((form, index) => ({
      id: form.id,
      index,
      names: new Set([...form.elements].map((f) => f.name).filter(Boolean)),
      data: [...new FormData(form)].filter(([, v]) => typeof v === 'string'),
    }));
  }

  // restoreForms puts snapshot values into the fields that still exist, matched
  // by form id (or form index) and field name. Hidden fields belong to the
  // server and are left alone. It returns the live-change forms that changed.
  function restoreForms(snapshot) {
    const forms = root.querySelectorAll('form');
    const changed = [];
    for (const s of snapshot) {
      const form = s.id ? document.getElementById(s.id) : forms[s.index];
      if (form?.localName !== 'form' || !root.contains(form)) continue;
      const values = (name) => s.data.filter(([k]) => k === name).map(([, v]) => v);
      const seen = new Map(); // name -> fields of that name restored so far
      let dirty = false;
      for (const f of form.elements) {
        if (!f.name || !s.names.has(f.name) || SKIP_FIELD.test(f.type)) continue;
        const vals = values(f.name);
        if (f.type === 'checkbox' || f.type === 'radio') {
          const on = vals.includes(f.value);
          if (f.checked !== on) { f.checked = on; dirty = true; }
        } else if (f.type === 'select-multiple') {
          for (const o of f.options) {
            const on = vals.includes(o.value);
            if (o.selected !== on) { o.selected = on; dirty = true; }
          }
        } else {
          const n = seen.get(f.name) ?? 0;
          seen.set(f.name, n + 1);
          if (n < vals.length && f.value !== vals[n]) {
            f.value = vals[n];
            dirty = f.value === vals[n] || dirty; // a select may lack the option
          }
        }
      }
      if (dirty && form.hasAttribute('live-change')) changed.push(form);
    }
    return changed;
  }

  // ---------------------------------------------------------------------------
  // Client hooks (live-hook)
  // ---------------------------------------------------------------------------

  // The hooks a page registered, by name. A page may set window.liveappHooks
  // before this script loads, or add to liveapp.hooks at any time before the
  // elements that name them are rendered.
  const hookDefs = Object.assign(Object.create(null), window.liveappHooks);
  const hooked = new Map(); // element -> its hook instance

  // guard runs a page's callback: an exception in it is logged, and neither
  // stops the client nor the other callbacks.
  function guard(what, fn) {
    try {
      fn();
    } catch (err) {
      console.error(`liveapp: ${what}:`, err);
    }
  }

  function callHook(h, name) {
    if (typeof h[name] === 'function') guard(`hook ${h.el.getAttribute('live-hook')} ${name}`, () => h[name]());
  }

  // newHook makes the instance a hook's callbacks run on: the hook object's
  // own properties are reachable through it, and it adds el and the methods
  // below.
  function newHook(el, def) {
    const h = Object.create(def);
    h.el = el;
    h.handlers = new Map(); // pushed event name -> Set of functions
    h.down = false; // disconnected was called, reconnected not yet
    // pushEvent sends an event to the view (kind "hook"). It returns a promise
    // of the value the handler gave Socket.Reply, rejected with the error the
    // server answered or when the socket is not connected.
    h.pushEvent = (name, payload) => pushHookEvent(el, name, payload);
    // handleEvent calls fn with the payload of every event the view pushes
    // with that name (Socket.PushEvent), until removeHandleEvent.
    h.handleEvent = (name, fn) => {
      if (!h.handlers.has(name)) h.handlers.set(name, new Set());
      h.handlers.get(name).add(fn);
      return fn;
    };
    h.removeHandleEvent = (name, fn) => h.handlers.get(name)?.delete(fn);
    // exec runs JS commands (as built by live.JS) from the hook's element.
    h.exec = (cmds) => execJS(el, cmds, 'hook', params());
    return h;
  }

  // hookParams turns a payload object into event parameters: strings stay,
  // numbers and booleans become strings, arrays arrays of strings, and any
  // other value its JSON.
  function hookParams(payload) {
    const p = params();
    const str = (v) => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
    for (const [k, v] of Object.entries(payload ?? {})) {
      if (v === undefined || v === null) continue;
      p[k] = Array.isArray(v) ? v.map(str) : str(v);
    }
    return p;
  }

  function pushHookEvent(el, name, payload) {
    return new Promise((resolve, reject) => {
      const ref = request(target({ t: 'e', n: String(name), k: 'hook', p: hookParams(payload) }, el), null);
      if (!ref) reject(new Error('liveapp: not connected'));
      else pending.get(ref).done = { resolve, reject };
    });
  }

  // scanHooks brings the hook instances up to date with the DOM after a frame:
  // destroyed for elements that left, mounted for new ones, reconnected for
  // kept ones after a reconnect, and updated for those a patch changed (nodes
  // are the nodes its ops targeted).
  function scanHooks(nodes) {
    for (const [el, h] of hooked) {
      if (!root.contains(el) || el.getAttribute('live-hook') !== h.name) {
        hooked.delete(el);
        callHook(h, 'destroyed');
      }
    }
    for (const el of root.querySelectorAll('[live-hook]')) {
      const h = hooked.get(el);
      if (!h) {
        const name = el.getAttribute('live-hook');
        const def = hookDefs[name] ?? window.liveappHooks?.[name];
        if (!def) {
          console.error(`liveapp: no hook named ${name} (add it to liveapp.hooks)`);
          continue;
        }
        const nh = newHook(el, def);
        nh.name = name;
        hooked.set(el, nh);
        callHook(nh, 'mounted');
      } else if (h.down) {
        h.down = false;
        callHook(h, 'reconnected');
      } else if (nodes.some((n) => n && (n === el || el.contains(n)))) {
        callHook(h, 'updated');
      }
    }
  }

  // hooksDown tells each hook that the socket is gone; the elements stay until
  // the next render.
  function hooksDown() {
    for (const h of hooked.values()) {
      if (!h.down) {
        h.down = true;
        callHook(h, 'disconnected');
      }
    }
  }

  // afterPatch runs once the DOM shows a frame: JS command effects go back on
  // the elements a patch touched or replaced, then the hooks hear of it.
  function afterPatch(nodes) {
    restick(nodes);
    scanHooks(nodes);
  }

  // ---------------------------------------------------------------------------
  // JS commands (live.JS): DOM changes with no round trip
  // ---------------------------------------------------------------------------

  // What commands set, per element, to put back after patches: class name ->
  // added (true) or removed (false), attribute name -> value or null (removed),
  // and display: 'none', 'show' or undefined.
  const sticky = new Map();

  function stickyOf(el) {
    let s = sticky.get(el);
    if (!s) sticky.set(el, (s = { cls: new Map(), attrs: new Map(), display: undefined }));
    return s;
  }

  function applySticky(el, s) {
    for (const [name, on] of s.cls) el.classList.toggle(name, on);
    for (const [name, v] of s.attrs) {
      if (v === null) el.removeAttribute(name);
      else setAttr(el, name, v);
    }
    if (s.display === 'none') el.style.display = 'none';
    else if (s.display === 'show') reveal(el);
  }

  // restick puts command effects back on elements that patches touched, and on
  // the new element with the id of one a patch replaced.
  function restick(nodes) {
    if (!sticky.size) return;
    const hit = new Set(nodes);
    for (const [el, s] of [...sticky]) {
      if (el.isConnected) {
        if (hit.has(el)) applySticky(el, s);
        continue;
      }
      sticky.delete(el);
      const now = el.id ? document.getElementById(el.id) : null;
      if (now && now !== el && now.localName === el.localName && !sticky.has(now)) {
        sticky.set(now, s);
        applySticky(now, s);
      }
    }
  }

  const shown = (el) => getComputedStyle(el).display !== 'none';

  function reveal(el) {
    el.hidden = false;
    el.style.display = '';
    if (!shown(el)) el.style.display = 'block';
  }

  function hide(el) {
    el.style.display = 'none';
  }

  // animate gives el the transition classes for ms, then calls done.
  function animate(el, names, ms, done) {
    if (!names?.length) return done?.();
    el.classList.add(...names);
    setTimeout(() => {
      el.classList.remove(...names);
      done?.();
    }, ms);
  }

  // execJS runs a command list (a JSON string or array) with el as the element
  // the commands came from; kind and p are the DOM event's, for push.
  function execJS(el, cmds, kind, p) {
    let list = cmds;
    if (typeof cmds === 'string') {
      try {
        list = JSON.parse(cmds);
      } catch {
        console.error('liveapp: malformed JS commands:', cmds);
        return false;
      }
    }
    if (!Array.isArray(list)) return false;
    for (const c of list) {
      if (!Array.isArray(c) || typeof c[0] !== 'string') continue;
      guard(`JS command ${c[0]}`, () => runCommand(el, c[0], c[1] ?? {}, kind, p));
    }
    return true;
  }

  function targets(el, to) {
    return to ? [...document.querySelectorAll(to)] : [el];
  }

  const UNSAFE_ATTR = /^(on|live-)/i;

  function runCommand(el, name, a, kind, p) {
    const names = Array.isArray(a.names) ? a.names.map(String) : [];
    const ms = Number(a.time) || 200;
    for (const t of name === 'push' ? [] : targets(el, a.to)) {
      const s = () => stickyOf(t);
      switch (name) {
        case 'show':
          s().display = 'show';
          reveal(t);
          animate(t, a.transition, ms);
          break;
        case 'hide':
          s().display = 'none';
          animate(t, a.transition, ms, () => { if (s().display === 'none') hide(t); });
          break;
        case 'toggle':
          runCommand(t, shown(t) ? 'hide' : 'show', { ...a, to: '' }, kind, p);
          break;
        case 'add_class':
        case 'remove_class':
          for (const n of names) {
            s().cls.set(n, name === 'add_class');
            t.classList.toggle(n, name === 'add_class');
          }
          break;
        case 'set_attr':
        case 'remove_attr': {
          const [attr, v] = name === 'set_attr' ? a.attr : [a.attr, null];
          if (typeof attr !== 'string' || UNSAFE_ATTR.test(attr)) {
            console.error('liveapp: JS commands may not set', attr);
            break;
          }
          s().attrs.set(attr, v === null ? null : String(v));
          if (v === null) t.removeAttribute(attr);
          else setAttr(t, attr, String(v));
          break;
        }
        case 'transition':
          animate(t, a.transition, ms);
          break;
        case 'dispatch':
          t.dispatchEvent(new CustomEvent(String(a.event), { bubbles: true, detail: a.detail }));
          break;
        case 'focus':
          t.focus();
          break;
        default:
          console.error('liveapp: unknown JS command:', name);
      }
    }
    if (name === 'push' && typeof a.event === 'string') {
      const v = a.value && typeof a.value === 'object' ? a.value : {};
      sendEvent(el, kind, a.event, Object.assign(params(), p, v));
    }
  }

  // fire does what a live-EVENT attribute says: run its JS commands, or send
  // the event it names. It reports whether anything happened.
  function fire(el, kind, value, p, form) {
    if (value.trimStart().startsWith('[')) return execJS(el, value, kind, p);
    return sendEvent(el, kind, value, p, form) !== 0;
  }

  // ---------------------------------------------------------------------------
  // Events from live-* attributes (protocol section 3.1)
  // ---------------------------------------------------------------------------

  const params = () => Object.create(null); // so a field named __proto__ is a field

  function add(p, k, v) {
    p[k] = Object.hasOwn(p, k) ? [].concat(p[k], v) : v;
  }

  // liveValues adds the element's live-value-NAME attributes as NAME.
  function liveValues(el, p) {
    for (const a of el.attributes) if (a.name.startsWith('live-value-')) p[a.name.slice(11)] = a.value;
    return p;
  }

  // formParams gives the form's fields as a submit would send them: repeated
  // names become arrays, unchecked boxes are absent. Files are not sent.
  function formParams(form, submitter) {
    let data;
    try {
      data = new FormData(form, submitter);
    } catch {
      data = new FormData(form);
    }
    const p = params();
    for (const [k, v] of data) if (typeof v === 'string') add(p, k, v);
    return p;
  }

  const CONTROL = /^(input|select|textarea|button)$/;

  // controlParams gives a lone control's value under its name; an unnamed
  // field's value is sent as "value", an unnamed button's not at all.
  function controlParams(el, p = params()) {
    if (!CONTROL.test(el.localName) || (!el.name && el.localName === 'button')) return p;
    const name = el.name || 'value';
    if (el.type === 'checkbox' || el.type === 'radio') {
      if (el.checked) p[name] = el.value;
    } else if (el.type === 'select-multiple') {
      p[name] = [...el.selectedOptions].map((o) => o.value);
    } else if (el.type !== 'file') {
      p[name] = el.value;
    }
    return p;
  }

  // closestLive finds the element with attr at or above the target, inside the root.
  function closestLive(target, attr) {
    const el = target instanceof Element ? target.closest(`[${attr}]`) : null;
    return el && root.contains(el) ? el : null;
  }

  function onClick(e) {
    const el = closestLive(e.target, 'live-click');
    if (!el) return;
    const p = liveValues(el, controlParams(el));
    if (fire(el, 'click', el.getAttribute('live-click'), p) && el.localName === 'a') e.preventDefault();
  }

  // onPlainSubmit notes a submission that the browser carries out itself, in this
  // window: the next page is loading (see SUBMIT_GRACE_MS). It listens on window, so
  // that it sees whether a handler, live-submit's included, prevented it.
  function onPlainSubmit(e) {
    if (e.defaultPrevented || e.target.localName !== 'form') return;
    const form = e.target;
    const target = e.submitter?.getAttribute('formtarget') ?? form.getAttribute('target');
    if (target && target !== '_self') return;
    if ((e.submitter?.getAttribute('formmethod') ?? form.method).toLowerCase() === 'dialog') return;
    submittedAt = performance.now();
  }

  // submitGrace returns how long the socket must still stay down after a plain form's
  // submission, or 0.
  function submitGrace() {
    return Math.max(0, submittedAt + SUBMIT_GRACE_MS - performance.now());
  }

  function onSubmit(e) {
    const form = e.target;
    if (!form.hasAttribute?.('live-submit') || !root.contains(form)) return;
    if (!isOpen()) {
      // Without a socket a form with an action still works as a plain form.
      if (!form.hasAttribute('action')) e.preventDefault();
      return;
    }
    e.preventDefault();
    if (form.classList.contains('live-submitting')) return; // Enter pressed twice
    flushForm(form);
    const p = liveValues(form, formParams(form, e.submitter));
    const submit = () => sendEvent(form, 'submit', form.getAttribute('live-submit'), p, form);
    if (!up?.hold(form, submit)) submit();
  }

  // Debouncing: one timer per live-change element, fired early by a submit of
  // its form or by the field losing focus.
  const waiting = new Map(); // live-change element -> {id, fire}

  function later(key, ms, fire) {
    clearTimeout(waiting.get(key)?.id);
    waiting.delete(key);
    if (!(ms > 0)) return fire();
    const id = setTimeout(() => { waiting.delete(key); fire(); }, ms);
    waiting.set(key, { id, fire });
  }

  function flush(key) {
    const w = waiting.get(key);
    if (!w) return;
    clearTimeout(w.id);
    waiting.delete(key);
    w.fire();
  }

  function flushForm(form) {
    for (const key of [...waiting.keys()]) if (key === form || key.form === form) flush(key);
  }

  // debounceOf reads live-debounce: milliseconds, or "blur" to wait for the
  // change event. A form's value does not apply to discrete controls.
  function debounceOf(field, form) {
    const own = field.getAttribute('live-debounce');
    if (own !== null) return own;
    if (!form || /^(select-one|select-multiple|checkbox|radio|file)$/.test(field.type)) return null;
    return form.getAttribute('live-debounce');
  }

  // onInput handles live-change: on a field, its own value; on a form, the
  // whole form with _target naming the field. It fires on input events, or on
  // change events with live-debounce="blur".
  function onInput(e) {
    const field = e.target;
    if (!(field instanceof Element) || !CONTROL.test(field.localName) || !root.contains(field)) return;
    const form = field.hasAttribute('live-change') ? null : field.form;
    const el = form?.hasAttribute('live-change') ? form : field.hasAttribute('live-change') ? field : null;
    if (!el || !root.contains(el)) return;
    const wait = debounceOf(field, form);
    if ((wait === 'blur') !== (e.type === 'change')) return;
    later(el, parseInt(wait, 10), () => {
      const p = form ? formParams(form) : controlParams(field);
      liveValues(el, p);
      if (field.name) p._target = field.name;
      sendEvent(el, 'change', el.getAttribute('live-change'), p);
    });
  }

  function onKey(e) {
    if (e.isComposing) return;
    const el = closestLive(e.target, 'live-' + e.type);
    if (!el) return;
    const want = el.getAttribute('live-key');
    if (want && want.toLowerCase() !== String(e.key).toLowerCase()) return;
    const p = liveValues(el, controlParams(el));
    p.key = e.key;
    fire(el, e.type, el.getAttribute('live-' + e.type), p);
  }

  // onWindowEvent handles live-window-keydown, -keyup, -focus and -blur: every
  // element in the root with the attribute gets the window's event.
  function onWindowEvent(e) {
    if (e.isComposing || (e.type.startsWith('key') && !isOpen())) return;
    for (const el of root.querySelectorAll(`[live-window-${e.type}]`)) {
      const want = el.getAttribute('live-key');
      if (want && e.key !== undefined && want.toLowerCase() !== String(e.key).toLowerCase()) continue;
      const p = liveValues(el, params());
      if (e.key !== undefined) p.key = e.key;
      fire(el, e.type, el.getAttribute(`live-window-${e.type}`), p);
    }
  }

  // onFocus handles live-focus and live-blur on the element that gains or
  // loses focus itself (not on its ancestors), and flushes a debounced change.
  function onFocus(e) {
    const el = e.target;
    if (!(el instanceof Element)) return;
    const kind = e.type === 'focusin' ? 'focus' : 'blur';
    if (kind === 'blur') flush(el.form?.hasAttribute('live-change') && !el.hasAttribute('live-change') ? el.form : el);
    const name = el.getAttribute('live-' + kind);
    if (name !== null) fire(el, kind, name, liveValues(el, controlParams(el)));
  }

  // ---------------------------------------------------------------------------
  // Uploads (protocol section 3.4)
  // ---------------------------------------------------------------------------
  // The upload code is upload.js, served beside this script under the same hash
  // and fetched the first time the page offers files, so that pages without
  // uploads do not carry it. Here: the events that offer files, and the hooks
  // upload.js needs in the frames, replies, submits and closes.

  const UPLOAD_JS = document.currentScript?.src.replace(/client-(\w+)\.js$/, 'upload-$1.js');
  let up = null; // upload.js's functions, once loaded
  let upLoad = null; // the promise of them

  function withUploads(fn) {
    upLoad ||= new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = UPLOAD_JS;
      s.onload = () => resolve((up = window.liveappUpload({ request, pending, ref: () => ++lastRef, open: isOpen, send: (d) => ws.send(d) })));
      s.onerror = reject;
      document.head.append(s);
    });
    upLoad.then(fn, (err) => {
      upLoad = null;
      console.error('liveapp: cannot load upload.js:', err);
    });
  }

  // offerFiles offers files to the upload name once upload.js is there.
  function offerFiles(name, files, el) {
    if (files.length) withUploads((u) => u.offer(name, files, el));
  }

  function onUploadInput(e) {
    const el = e.target;
    if (el.type !== 'file' || !el.hasAttribute?.('live-upload')) return;
    offerFiles(el.getAttribute('live-upload'), [...el.files], el);
    el.value = ''; // the server holds the choice now; the same file can be chosen again
  }

  // onDrag lets files be dropped on a live-drop-target, and offers them.
  function onDrag(e) {
    const el = closestLive(e.target, 'live-drop-target');
    if (!el) return;
    e.preventDefault();
    if (e.type === 'drop') offerFiles(el.getAttribute('live-drop-target'), [...(e.dataTransfer?.files || [])], el);
  }

  // ---------------------------------------------------------------------------
  // Links and history
  // ---------------------------------------------------------------------------

  // onLinkClick follows live-navigate and live-patch links over the socket.
  // Modified clicks, other windows, downloads, other origins and a closed
  // socket are left to the browser.
  function onLinkClick(e) {
    const a = e.target instanceof Element ? e.target.closest('a[live-navigate], a[live-patch]') : null;
    if (!a || e.defaultPrevented || e.button !== 0) return;
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const target = a.getAttribute('target');
    if ((target && target !== '_self') || a.hasAttribute('download')) return;
    const url = new URL(a.getAttribute('href') ?? '', document.baseURI);
    if (url.origin !== location.origin) return;
    const t = a.hasAttribute('live-patch') ? 'patch' : 'nav';
    if (request({ t, url: localURL(url) }, a)) e.preventDefault();
  }

  // onPopState asks the server for the view at the URL the back or forward
  // button went to; the reply's render replaces the history entry, never pushes.
  function onPopState() {
    const url = noHash(location.href);
    if (url === lastURL) return; // only the hash changed
    lastURL = url;
    popRef = request({ t: 'nav', url: localURL(location) });
    if (!popRef) location.reload();
  }

  // ---------------------------------------------------------------------------
  // Boot
  // ---------------------------------------------------------------------------

  function start() {
    if (root) return connect();
    root = document.querySelector('#live-root[data-live-token]');
    if (!root) return;
    lastURL = noHash(location.href);
    root.addEventListener('click', onClick);
    root.addEventListener('submit', onSubmit);
    root.addEventListener('input', onInput);
    root.addEventListener('change', onInput);
    root.addEventListener('keydown', onKey);
    root.addEventListener('keyup', onKey);
    root.addEventListener('focusin', onFocus);
    root.addEventListener('focusout', onFocus);
    root.addEventListener('change', onUploadInput);
    root.addEventListener('dragover', onDrag);
    root.addEventListener('drop', onDrag);
    document.addEventListener('click', onLinkClick);
    for (const t of ['keydown', 'keyup', 'focus', 'blur']) addEventListener(t, onWindowEvent);
    addEventListener('popstate', onPopState);
    addEventListener('submit', onPlainSubmit);
    addEventListener('pagehide', () => { leaving = true; });
    addEventListener('pageshow', (e) => {
      if (e.persisted) { leaving = false; connect(); } // back from the bfcache
    });
    connect();
  }

  window.liveapp = {
    applyOps,
    hooks: hookDefs,
    exec: (el, cmds) => execJS(el, cmds, 'hook', params()),
    get socket() { return ws; },
    connect: start,
    disconnect,
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
