package livetest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/liveapp/liveapp/live/internal/dom"
)

// Element-bound events: find an element in the view's current HTML by a selector, check
// that it is bound to the event, and send the event the browser client would send for it
// (live/client/client.js: onClick, onSubmit, onInput, and the params they collect).

// Has reports whether an element matching selector is in the view's current HTML. It
// fails the test when the selector is not one livetest supports (see the package doc).
func (v *View) Has(selector string) bool {
	v.t.Helper()
	return len(v.find(selector)) > 0
}

// ElementHTML returns the outer HTML of the one element selector matches in the view's
// current HTML, and fails the test when none or several match.
func (v *View) ElementHTML(selector string) string {
	v.t.Helper()
	m := v.one(selector)
	return outerHTML(m.el)
}

// ClickElement clicks the one element selector matches in the view's current HTML and
// waits for the reply, like a user clicking it in a browser:
//
//   - when the element or an element around it has live-click, it sends that click
//     event, with the element's live-value-* attributes and, for a named button or a
//     field, its name and value (a checkbox or radio clicked is checked first);
//   - otherwise, on a live-navigate or live-patch link (or inside one), it follows the
//     link over the socket;
//   - otherwise, on a submit button of a form with live-submit, it submits that form
//     with the button as the submitter, as SubmitForm does.
//
// It fails the test when no element or several match, or when a click there would do
// nothing live. An error reply from the server is returned as an *EventError.
func (v *View) ClickElement(selector string) error {
	v.t.Helper()
	v.mustBeConnected()
	m := v.one(selector)
	if f := newField(m.el, false); f != nil && f.disabled {
		v.t.Fatalf("livetest: %s is disabled, and a disabled control gets no clicks:\n%s", selector, outerHTML(m.el))
	}
	if el := m.closest(func(n *dom.Node) bool { _, ok := n.Attr("live-click"); return ok }); el != nil {
		name, _ := el.Attr("live-click")
		p := eventParams{}
		f := newField(el, false)
		if f != nil && el == m.el && (f.kind == "checkbox" || f.kind == "radio") {
			f.checked = f.kind == "radio" || !f.checked
		}
		if f != nil {
			f.params(p)
		}
		liveValues(el, p)
		return v.sendEvent(el, "click", name, p)
	}
	if a := m.closest(isLiveLink); a != nil {
		return v.followLink(selector, a)
	}
	if isSubmitButton(m.el) {
		if form := m.form(); form != nil {
			if _, ok := form.Attr("live-submit"); ok {
				return v.submit(selector, form, m.el, nil)
			}
		}
	}
	v.t.Fatalf("livetest: clicking %s does nothing live: neither it nor an element around it has live-click, "+
		"it is not in a live-navigate or live-patch link, and it is not the submit button of a form with live-submit:\n%s",
		selector, outerHTML(m.el))
	return nil
}

// SubmitForm submits a form with live-submit as the browser client would and waits for the
// reply. selector names the form, or one of its submit buttons, which is then the
// submitter: its name and value are sent too.
//
// The params are the form's fields as rendered (their value attributes, checked boxes,
// selected options, textarea text), with the fields named in values set to what a user
// entered, and the form's live-value-* attributes. A name in values must be a field of the
// form that a user can change: not hidden, disabled, a button or a file input. For
// checkboxes, radios and selects, values lists the options chosen (an empty list clears
// checkboxes) and each must exist; for text fields, values has one value per field of
// that name.
//
// It fails the test when no element or several match, when the form has no live-submit,
// or when values does not fit the form. An error reply is returned as an *EventError.
func (v *View) SubmitForm(selector string, values url.Values) error {
	v.t.Helper()
	v.mustBeConnected()
	m := v.one(selector)
	if m.el.Tag == "form" {
		return v.submit(selector, m.el, nil, values)
	}
	if !isSubmitButton(m.el) {
		v.t.Fatalf("livetest: SubmitForm: %s is a <%s>, not a form or a submit button:\n%s", selector, m.el.Tag, outerHTML(m.el))
	}
	form := m.form()
	if form == nil {
		v.t.Fatalf("livetest: SubmitForm: the submit button %s is not in a form:\n%s", selector, outerHTML(m.el))
	}
	return v.submit(selector, form, m.el, values)
}

func (v *View) submit(selector string, form, submitter *dom.Node, values url.Values) error {
	v.t.Helper()
	name, ok := form.Attr("live-submit")
	if !ok {
		v.t.Fatalf("livetest: the form of %s has no live-submit attribute, so submitting it sends no event:\n%s", selector, outerHTML(form))
	}
	if submitter != nil && isDisabled(submitter) {
		v.t.Fatalf("livetest: the submit button %s is disabled:\n%s", selector, outerHTML(submitter))
	}
	fields := formFields(form)
	if err := setValues(fields, values); err != nil {
		v.t.Fatalf("livetest: submitting %s: %v\n%s", selector, err, outerHTML(form))
	}
	p := eventParams{}
	for _, f := range fields {
		if f.kind != "button" || f.el == submitter {
			f.entries(p)
		}
	}
	liveValues(form, p)
	return v.sendEvent(form, "submit", name, p)
}

// ChangeForm sends the change event the browser client sends when a user edits a field
// bound by live-change, and waits for the reply. selector names either a field with its
// own live-change, or a form with live-change or one of its fields.
//
// For a form, the params are its fields as SubmitForm builds them (values sets the fields
// the user edited, with the same rules) and its live-value-* attributes, and _target
// names the field that changed: the field selector names; else values["_target"], which
// must name a field of the form; else the one field values sets, if it sets exactly one.
// For a field with its own live-change, values may only set that field, and the params
// are its value under its name (or "value" when it has none), its live-value-*
// attributes, and _target.
//
// It fails the test when no element or several match, when no live-change applies, or
// when values does not fit. An error reply is returned as an *EventError.
func (v *View) ChangeForm(selector string, values url.Values) error {
	v.t.Helper()
	v.mustBeConnected()
	m := v.one(selector)
	el := m.el
	isField := slices.Contains([]string{"input", "select", "textarea"}, el.Tag)
	values = cloneValues(values)
	target := ""
	if t, ok := values["_target"]; ok {
		delete(values, "_target")
		if len(t) > 0 {
			target = t[0]
		}
	}
	if name, ok := el.Attr("live-change"); ok && isField {
		return v.changeField(selector, el, name, values)
	}
	var form *dom.Node
	switch {
	case el.Tag == "form":
		form = el
	case isField:
		form = m.form()
	default:
		v.t.Fatalf("livetest: ChangeForm: %s is a <%s>, not a form or a form field:\n%s", selector, el.Tag, outerHTML(el))
	}
	name, ok := "", false
	if form != nil {
		name, ok = form.Attr("live-change")
	}
	if !ok {
		v.t.Fatalf("livetest: neither %s nor its form has a live-change attribute, so editing it sends no event:\n%s", selector, outerHTML(el))
	}
	fields := formFields(form)
	switch {
	case isField:
		i := slices.IndexFunc(fields, func(f *field) bool { return f.el == el })
		if i < 0 {
			v.t.Fatalf("livetest: %s is not a field of its form:\n%s", selector, outerHTML(form))
		}
		if ok, why := fields[i].editable(); !ok {
			v.t.Fatalf("livetest: a user cannot edit %s: it is %s:\n%s", selector, why, outerHTML(el))
		}
		target = fields[i].name
	case target != "":
		if !slices.ContainsFunc(fields, func(f *field) bool { return f.name == target }) {
			v.t.Fatalf("livetest: changing %s: _target %q is not a field of the form:\n%s", selector, target, outerHTML(form))
		}
	case len(values) == 1:
		for k := range values {
			target = k
		}
	}
	if err := setValues(fields, values); err != nil {
		v.t.Fatalf("livetest: changing %s: %v\n%s", selector, err, outerHTML(form))
	}
	p := eventParams{}
	for _, f := range fields {
		if f.kind != "button" {
			f.entries(p)
		}
	}
	liveValues(form, p)
	if target != "" {
		p["_target"] = target
	}
	return v.sendEvent(form, "change", name, p)
}

// changeField sends the change event of a field with its own live-change.
func (v *View) changeField(selector string, el *dom.Node, name string, values url.Values) error {
	v.t.Helper()
	f := newField(el, false)
	if ok, why := f.editable(); !ok {
		v.t.Fatalf("livetest: a user cannot edit %s: it is %s:\n%s", selector, why, outerHTML(el))
	}
	target := f.name
	if f.name == "" {
		f.name = "value" // the name the client sends an unnamed field's value under
	}
	if err := setValues([]*field{f}, values); err != nil {
		v.t.Fatalf("livetest: changing %s: %v\n%s", selector, err, outerHTML(el))
	}
	p := eventParams{}
	f.params(p)
	liveValues(el, p)
	if target != "" {
		p["_target"] = target
	}
	return v.sendEvent(el, "change", name, p)
}

// followLink follows a live-navigate or live-patch link as the client does: over the
// socket, to the link's href resolved against the view's URL.
func (v *View) followLink(selector string, a *dom.Node) error {
	v.t.Helper()
	href, _ := a.Attr("href")
	base, err := url.Parse(v.c.URL("/"))
	if err == nil {
		var cur *url.URL
		if cur, err = base.Parse(v.URL()); err == nil {
			base = cur
		}
	}
	u, err := base.Parse(href)
	if err != nil || u.Host != Host || (u.Scheme != "http" && u.Scheme != "https") {
		v.t.Fatalf("livetest: the link around %s does not lead to this app (href %q), so the client leaves it to the browser:\n%s", selector, href, outerHTML(a))
	}
	if target, _ := a.Attr("target"); (target != "" && target != "_self") || hasAttr(a, "download") {
		v.t.Fatalf("livetest: the link around %s opens elsewhere (target or download), so the client leaves it to the browser:\n%s", selector, outerHTML(a))
	}
	if hasAttr(a, "live-patch") {
		return v.Patch(u.RequestURI())
	}
	return v.Navigate(u.RequestURI())
}

func (v *View) mustBeConnected() {
	v.t.Helper()
	if v.ws == nil {
		v.t.Fatalf("livetest: view at %s is not connected (redirected to %q)", v.url, v.redirect)
	}
}

// find returns the elements selector matches in the current HTML: the connected view's
// tree, or the dead render's.
func (v *View) find(selector string) []match {
	v.t.Helper()
	sel, err := parseSelector(selector)
	if err != nil {
		v.t.Fatalf("livetest: %v", err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	tree := v.tree
	if tree == nil {
		tree = v.deadTree
	}
	return sel.find(tree)
}

// one returns the element selector matches, and fails the test unless exactly one does:
// a test that names two elements at once passes or fails by their order.
func (v *View) one(selector string) match {
	v.t.Helper()
	ms := v.find(selector)
	switch len(ms) {
	case 1:
		return ms[0]
	case 0:
		v.t.Fatalf("livetest: no element matches %s in the view's HTML:\n%s", selector, v.HTML())
	default:
		var b strings.Builder
		for _, m := range ms {
			fmt.Fprintf(&b, "\n  %s", startTag(m.el))
		}
		v.t.Fatalf("livetest: %d elements match %s; name one of them:%s", len(ms), selector, b.String())
	}
	return match{}
}

// PushHook sends event from the client hook on the one element selector names, as its
// pushEvent(event, payload) would, and returns the value the handler gave Socket.Reply
// (nil when it gave none). The element must have a live-hook attribute.
func (v *View) PushHook(selector, event string, payload map[string]string) (json.RawMessage, error) {
	v.t.Helper()
	m := v.one(selector)
	if _, ok := m.el.Attr("live-hook"); !ok {
		v.t.Fatalf("livetest: %s has no live-hook attribute: %s", selector, startTag(m.el))
	}
	p := eventParams{}
	for k, val := range payload {
		p[k] = val
	}
	return v.request(v.target(m.el, map[string]any{"t": "e", "n": event, "k": "hook", "p": p}))
}

// sendEvent sends the event el sends, to the component it targets, if any.
func (v *View) sendEvent(el *dom.Node, kind, name string, p eventParams) error {
	v.t.Helper()
	return v.send(v.target(el, map[string]any{"t": "e", "n": name, "k": kind, "p": p}))
}

// target adds to an event frame from el the component it is for, as the browser client
// does: the live-target of el or of its nearest ancestor that has one.
func (v *View) target(el *dom.Node, frame map[string]any) map[string]any {
	v.mu.Lock()
	defer v.mu.Unlock()
	tree := v.tree
	if tree == nil {
		tree = v.deadTree
	}
	if c, _ := targetIn(tree, el, ""); c != "" {
		frame["c"] = c
	}
	return frame
}

// targetIn returns the live-target that holds for el under n, given the one n inherits,
// and whether el is under n at all.
func targetIn(n, el *dom.Node, inherited string) (string, bool) {
	if t, ok := n.Attr("live-target"); ok {
		inherited = t
	}
	if n == el {
		return inherited, true
	}
	for _, ch := range n.Children {
		if ch.Type == dom.ElementNode {
			if t, ok := targetIn(ch, el, inherited); ok {
				return t, true
			}
		}
	}
	return "", false
}

// closest returns the element or its nearest ancestor below #live-root for which ok holds.
func (m match) closest(ok func(*dom.Node) bool) *dom.Node {
	if ok(m.el) {
		return m.el
	}
	for i := len(m.ancestors) - 1; i >= 0; i-- {
		if ok(m.ancestors[i]) {
			return m.ancestors[i]
		}
	}
	return nil
}

// form returns the form the element is in. The form="id" attribute is not followed.
func (m match) form() *dom.Node {
	for i := len(m.ancestors) - 1; i >= 0; i-- {
		if m.ancestors[i].Tag == "form" {
			return m.ancestors[i]
		}
	}
	return nil
}

func isLiveLink(n *dom.Node) bool {
	return n.Tag == "a" && (hasAttr(n, "live-navigate") || hasAttr(n, "live-patch"))
}

func hasAttr(n *dom.Node, name string) bool {
	_, ok := n.Attr(name)
	return ok
}

func isSubmitButton(n *dom.Node) bool {
	t, _ := n.Attr("type")
	t = strings.ToLower(t)
	switch n.Tag {
	case "button": // a missing or unknown type is submit
		return t != "reset" && t != "button"
	case "input":
		return t == "submit" || t == "image"
	}
	return false
}

func isDisabled(n *dom.Node) bool { return hasAttr(n, "disabled") }

func outerHTML(n *dom.Node) string { return string(dom.AppendHTML(nil, n)) }

// startTag renders an element's start tag, to tell apart elements in a message.
func startTag(n *dom.Node) string {
	c := *n
	c.Children = nil
	s := outerHTML(&c)
	return strings.TrimSuffix(s, "</"+n.Tag+">")
}

func cloneValues(v url.Values) url.Values {
	c := make(url.Values, len(v))
	for k, vals := range v {
		c[k] = slices.Clone(vals)
	}
	return c
}
