// liveapp browser client, dev mode: what a server in dev mode asks of a page
// (docs/protocol.md, section 3.3): reload it, swap a stylesheet in place, show
// or clear an error overlay. Pages of a dev-mode server load this script before
// client.js, which hands it the dev frames; production pages never carry it.
'use strict';
(() => {
  // liveappDev handles one dev frame; leave tells the client that the page is
  // going away, so that it does not reconnect meanwhile.
  window.liveappDev = (m, leave) => {
    switch (m.do) {
      case 'reload':
        leave();
        location.reload();
        return;
      case 'css': return swapStylesheet(String(m.path));
      case 'error': return showOverlay(String(m.msg));
      case 'clear': return hideOverlay();
      default:
        console.error('liveapp: unknown dev frame:', m.do);
    }
  };

  const swapping = new WeakSet(); // stylesheet links still loading

  // swapStylesheet fetches again each same-origin stylesheet whose URL path is
  // path, with a fresh query so that no cache answers, and drops the old link
  // once the new one has loaded: the page never shows unstyled, and nothing
  // else in the DOM changes, so focus, fields and the view's state stay.
  function swapStylesheet(path) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || url.pathname !== path) continue;
      if (swapping.has(link)) {
        link.remove(); // a newer edit overtakes a swap still loading
        continue;
      }
      url.searchParams.set('v', Date.now().toString(36));
      const next = link.cloneNode();
      next.setAttribute('href', url.pathname + url.search + url.hash);
      swapping.add(next);
      next.addEventListener('load', () => { swapping.delete(next); link.remove(); }, { once: true });
      next.addEventListener('error', () => { swapping.delete(next); next.remove(); }, { once: true });
      link.after(next);
    }
  }

  const OVERLAY_ID = 'live-dev-error';

  // The overlay's styles, adopted by its shadow root rather than written in a
  // <style> element, which a Content-Security-Policy without 'unsafe-inline'
  // would block.
  const OVERLAY_CSS = `
  :host{all:initial;position:fixed;inset:0;z-index:2147483647;display:flex;align-items:flex-start;
  justify-content:center;padding:5vh 1rem;background:rgba(20,20,28,.55);overflow:auto}
  .box{position:relative;box-sizing:border-box;width:min(60rem,100%);padding:1rem 1.25rem;background:#fff;
  color:#1d2330;border-top:5px solid #d92d20;border-radius:.5rem;box-shadow:0 1rem 3rem rgba(0,0,0,.35);
  font:14px/1.5 system-ui,sans-serif}
  h2{margin:0 2rem .5rem 0;font-size:1rem;color:#b42318}
  pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
  button{position:absolute;top:.5rem;right:.5rem;border:0;background:none;font-size:1.5rem;line-height:1;
  cursor:pointer;color:#555;padding:.25rem .5rem}`;

  // showOverlay shows text over the page, in an element outside the root that
  // renders never touch, with its own styles in a shadow root so the app's CSS
  // cannot hide it. The text goes in as text: nothing in it is markup.
  function showOverlay(text) {
    let host = document.getElementById(OVERLAY_ID);
    if (!host) {
      host = document.createElement('div');
      host.id = OVERLAY_ID;
      const shadow = host.attachShadow({ mode: 'open' });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(OVERLAY_CSS);
      shadow.adoptedStyleSheets = [sheet];
      shadow.innerHTML = `<div class="box" role="alertdialog" aria-labelledby="t"><h2 id="t">Error</h2>
  <button type="button" aria-label="Dismiss" title="Dismiss (Esc)">&times;</button><pre></pre></div>`;
      shadow.querySelector('button').addEventListener('click', hideOverlay);
      document.body.append(host);
    }
    host.shadowRoot.querySelector('pre').textContent = text;
  }

  function hideOverlay() {
    document.getElementById(OVERLAY_ID)?.remove();
  }

  function onEscape(e) {
    if (e.key === 'Escape' && document.getElementById(OVERLAY_ID)) hideOverlay();
  }

  document.addEventListener('keydown', onEscape);
})();
