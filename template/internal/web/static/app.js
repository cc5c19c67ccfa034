// Plain HTTP forms (log in, log out, change password) carry a CSRF token in a
// hidden _csrf field. A page rendered over the websocket leaves the field
// empty, so fill it from the page's live-csrf meta tag when such a form is
// submitted. Live forms (live-submit) go over the websocket and need nothing.
document.addEventListener('submit', (e) => {
  const field = e.target.querySelector?.('input[name="_csrf"]');
  const meta = document.querySelector('meta[name="live-csrf"]');
  if (field && !field.value && meta) field.value = meta.content;
}, true);
