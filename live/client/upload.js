// liveapp browser client, uploads: the client side of docs/protocol.md,
// section 3.4. client.js loads this script, served beside it under the same
// hash, the first time a page offers files, and hands it what it needs of the
// connection; this script returns the functions client.js calls.
//
// Files chosen in a live-upload input or dropped on a live-drop-target are
// offered to the server ("up"), which answers with the entries it takes. Their
// bytes go as binary chunk frames, one entry at a time and one chunk per reply,
// at once (auto) or when their form is submitted; the submit event follows the
// last chunk. External entries are posted to the URL the server gave, and their
// progress reported ("upp"). The server renders the progress; nothing here does.
'use strict';

window.liveappUpload = ({ request, pending, ref, open, send }) => {
  const offers = new Map(); // ref of an "up" request -> the files it offered
  const entries = new Map(); // entry id -> an entry the server takes and still lacks
  const sendQueue = []; // entries waiting their turn to be sent
  let sending = null; // the entry whose chunk is out
  const heldForms = new Map(); // form -> {names, submit}: submits waiting for uploads

  // offerFiles tells the server about files chosen for the upload name.
  function offerFiles(name, files, el) {
    const r = request({ t: 'up', n: name, f: files.map((f) => ({ name: f.name, type: f.type, size: f.size })) }, el);
    if (r) offers.set(r, files);
  }

  function onUploadFrame(m) {
    if (Array.isArray(m.drop)) {
      for (const id of m.drop) entries.delete(id);
      return releaseForms();
    }
    const offer = offers.get(m.ref);
    offers.delete(m.ref);
    if (!offer || !Array.isArray(m.e)) return;
    for (const e of m.e) {
      const file = offer[e.i];
      if (!file || typeof e.id !== 'string') continue;
      const ent = { id: e.id, file, upload: String(m.n), chunk: Number(m.chunk) || 32768, at: 0, url: e.url, fields: e.fields, queued: false };
      entries.set(e.id, ent);
      if (m.auto) queueEntry(ent);
    }
  }

  function queueEntry(ent) {
    if (ent.queued) return;
    ent.queued = true;
    if (typeof ent.url === 'string') return sendExternal(ent);
    sendQueue.push(ent);
    pump();
  }

  // pump starts sending the next queued entry unless one is being sent.
  function pump() {
    while (!sending && sendQueue.length && open()) {
      const ent = sendQueue.shift();
      if (entries.has(ent.id)) {
        sending = ent;
        sendChunk(ent);
      }
    }
  }

  // sendChunk sends the chunk of ent at ent.at: kind 1, ref, entry id, offset
  // and bytes, as the protocol lays them out.
  function sendChunk(ent) {
    const end = Math.min(ent.file.size, ent.at + ent.chunk);
    ent.file.slice(ent.at, end).arrayBuffer().then((buf) => {
      if (sending !== ent || !entries.has(ent.id) || !open()) return;
      const id = new TextEncoder().encode(ent.id);
      const frame = new Uint8Array(14 + id.length + buf.byteLength);
      const view = new DataView(frame.buffer);
      const r = ref();
      view.setUint8(0, 1);
      view.setUint32(1, r);
      view.setUint8(5, id.length);
      frame.set(id, 6);
      view.setBigUint64(6 + id.length, BigInt(ent.at));
      frame.set(new Uint8Array(buf), 14 + id.length);
      send(frame);
      pending.set(r, { t: 'chunk', el: null, form: null, buttons: [], ent, end });
    }, (err) => {
      console.error('liveapp: cannot read file:', err);
      finishEntry(ent);
    });
  }

  // uploadReplied moves an upload on after the reply to one of its frames.
  function uploadReplied(job, m) {
    offers.delete(m.ref);
    const ent = job?.ent;
    if (!ent || sending !== ent) return;
    sending = null;
    if (!m.err && entries.has(ent.id) && job.end < ent.file.size) {
      ent.at = job.end;
      sending = ent;
      return sendChunk(ent);
    }
    finishEntry(ent);
  }

  // finishEntry forgets an entry that is sent, refused or unreadable.
  function finishEntry(ent) {
    entries.delete(ent.id);
    if (sending === ent) sending = null;
    pump();
    releaseForms();
  }

  // sendExternal posts an external entry's file with the fields the server
  // gave, and reports its progress in steps of a tenth, and its end.
  function sendExternal(ent) {
    const body = new FormData();
    for (const [k, v] of Object.entries(ent.fields || {})) body.append(k, String(v));
    body.append('file', ent.file);
    const xhr = new XMLHttpRequest();
    let shown = 0;
    const report = (pct) => entries.has(ent.id) && request({ t: 'upp', id: ent.id, pct });
    xhr.upload.onprogress = (e) => {
      const pct = e.lengthComputable ? Math.floor((e.loaded * 100) / e.total) : 0;
      if (pct >= shown + 10 && pct < 100) report((shown = pct));
    };
    const end = (ok) => {
      report(ok ? 100 : -1);
      finishEntry(ent);
    };
    xhr.onload = () => end(xhr.status >= 200 && xhr.status < 300);
    xhr.onerror = () => end(false);
    xhr.open('POST', ent.url);
    xhr.send(body);
  }

  // uploadNames lists the uploads whose inputs or drop targets a form holds.
  function uploadNames(form) {
    const names = new Set();
    for (const el of form.querySelectorAll('[live-upload], [live-drop-target]')) {
      names.add(el.getAttribute('live-upload') ?? el.getAttribute('live-drop-target'));
    }
    return names;
  }

  // holdForUploads sends the files waiting for the submit of form, and reports
  // whether it did: then submit runs once they are all sent.
  function holdForUploads(form, submit) {
    const names = uploadNames(form);
    const mine = [...entries.values()].filter((e) => names.has(e.upload));
    if (!mine.length) return false;
    heldForms.set(form, { names, submit });
    form.classList.add('live-submitting');
    for (const ent of mine) queueEntry(ent);
    return true;
  }

  function releaseForms() {
    for (const [form, held] of heldForms) {
      if ([...entries.values()].some((e) => held.names.has(e.upload))) continue;
      heldForms.delete(form);
      form.classList.remove('live-submitting');
      held.submit();
    }
  }

  // resetUploads forgets every upload when the socket goes: its entries died with
  // the view on the server, so the user chooses the files again.
  function resetUploads() {
    for (const form of heldForms.keys()) form.classList.remove('live-submitting');
    heldForms.clear();
    offers.clear();
    entries.clear();
    sendQueue.length = 0;
    sending = null;
  }

  return { offer: offerFiles, frame: onUploadFrame, replied: uploadReplied, reset: resetUploads, hold: holdForUploads };
};
