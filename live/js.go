package live

import (
	"encoding/json"
	"strings"
	"time"
)

// JS is a chain of commands that the browser runs on its own, with no round trip: showing
// a modal, toggling a menu, adding a class. Build one in Go and put it where an event
// name goes, in live-click, live-keydown, live-window-keyup and the other live-EVENT
// attributes (not live-submit or live-change, whose forms need the server):
//
//	func (v *Projects) OpenModal() live.JS {
//		return live.JS{}.Show("#new-project", live.Transition{Classes: "fade-in"}).Focus("#new-project input")
//	}
//
//	<button live-click="{{.OpenModal}}">New project</button>
//
// A command's target is a CSS selector, looked up in the whole document; an empty one
// means the element the attribute is on. Push sends an event to the server from a chain,
// so one click can change the page at once and tell the view.
//
// What commands change sticks: a later patch from the server that rewrites the element's
// class or style, or replaces the element with one of the same id, keeps the classes,
// attributes and visibility the commands set. The commands are data, not script, so a
// page under a strict Content-Security-Policy runs them.
//
// A JS is a value: each method returns a new chain and leaves the receiver as it was, so
// chains can share a prefix.
type JS struct {
	cmds []jsCmd
}

// jsCmd is one command as the client reads it: [name, args].
type jsCmd struct {
	name string
	args map[string]any
}

// Transition animates a Show, Hide or Toggle, or runs on its own: the target gets
// Classes (space-separated) for Time, 200 ms when zero; a Hide hides at its end.
type Transition struct {
	Classes string
	Time    time.Duration
}

func (js JS) with(name string, args map[string]any) JS {
	cmds := make([]jsCmd, len(js.cmds), len(js.cmds)+1)
	copy(cmds, js.cmds)
	return JS{cmds: append(cmds, jsCmd{name: name, args: args})}
}

func transitionArgs(args map[string]any, t []Transition) map[string]any {
	if len(t) > 0 {
		args["transition"] = strings.Fields(t[0].Classes)
		args["time"] = t[0].ms()
	}
	return args
}

func (t Transition) ms() int64 {
	if t.Time <= 0 {
		return 200
	}
	return t.Time.Milliseconds()
}

// Show shows the target: it undoes a Hide and overrides display:none and the hidden
// attribute. An optional Transition animates it.
func (js JS) Show(to string, t ...Transition) JS {
	return js.with("show", transitionArgs(map[string]any{"to": to}, t))
}

// Hide hides the target (display:none). An optional Transition runs before it hides.
func (js JS) Hide(to string, t ...Transition) JS {
	return js.with("hide", transitionArgs(map[string]any{"to": to}, t))
}

// Toggle shows the target when it is hidden and hides it otherwise.
func (js JS) Toggle(to string, t ...Transition) JS {
	return js.with("toggle", transitionArgs(map[string]any{"to": to}, t))
}

// AddClass adds the space-separated classes to the target.
func (js JS) AddClass(to, classes string) JS {
	return js.with("add_class", map[string]any{"to": to, "names": strings.Fields(classes)})
}

// RemoveClass removes the space-separated classes from the target.
func (js JS) RemoveClass(to, classes string) JS {
	return js.with("remove_class", map[string]any{"to": to, "names": strings.Fields(classes)})
}

// SetAttr sets an attribute of the target. Attributes whose name starts with "on" (event
// handlers) and the live-* attributes are refused by the client.
func (js JS) SetAttr(to, name, value string) JS {
	return js.with("set_attr", map[string]any{"to": to, "attr": []string{name, value}})
}

// RemoveAttr removes an attribute from the target.
func (js JS) RemoveAttr(to, name string) JS {
	return js.with("remove_attr", map[string]any{"to": to, "attr": name})
}

// Transition gives the target t's classes for t's time, then takes them away.
func (js JS) Transition(to string, t Transition) JS {
	return js.with("transition", transitionArgs(map[string]any{"to": to}, []Transition{t}))
}

// Dispatch dispatches a bubbling DOM CustomEvent named event on the target, with detail
// (nil for none), for the page's own scripts and hooks.
func (js JS) Dispatch(to, event string, detail map[string]string) JS {
	args := map[string]any{"to": to, "event": event}
	if detail != nil {
		args["detail"] = detail
	}
	return js.with("dispatch", args)
}

// Push sends the event to the server, as the attribute would if it named the event, with
// values (nil for none) added to its parameters.
func (js JS) Push(event string, values map[string]string) JS {
	args := map[string]any{"event": event}
	if values != nil {
		args["value"] = values
	}
	return js.with("push", args)
}

// Focus moves the focus to the target.
func (js JS) Focus(to string) JS {
	return js.with("focus", map[string]any{"to": to})
}

// MarshalJSON encodes the chain as the client reads it: an array of [name, args] pairs.
func (js JS) MarshalJSON() ([]byte, error) {
	out := make([][2]any, len(js.cmds))
	for i, c := range js.cmds {
		out[i] = [2]any{c.name, c.args}
	}
	return json.Marshal(out)
}

// String returns the chain's JSON, which is what a template prints for it; html/template
// escapes it for the attribute it is in. A chain with no commands prints "[]".
func (js JS) String() string {
	b, err := js.MarshalJSON()
	if err != nil {
		return "[]" // only strings, string slices, maps of strings and ints go in
	}
	return string(b)
}
