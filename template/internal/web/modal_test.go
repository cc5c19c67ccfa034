package web_test

import (
	"encoding/json"
	"html"
	"regexp"
	"testing"

	"github.com/liveapp/liveapp/live/livetest"
)

// pressConfirm presses the confirm button of the modal of the given id as the
// browser would: it sends the event its JS commands push, with the button's
// live-value-* attributes. The modal opens and closes in the browser only;
// TestDeleteConfirmationInChromium clicks through it for real.
func pressConfirm(t *testing.T, v *livetest.View, modal string) error {
	t.Helper()
	button := v.ElementHTML("#" + modal + "-confirm")
	click := regexp.MustCompile(`live-click="([^"]*)"`).FindStringSubmatch(button)
	if click == nil {
		t.Fatalf("the confirm button has no live-click: %s", button)
	}
	var cmds [][2]json.RawMessage
	if err := json.Unmarshal([]byte(html.UnescapeString(click[1])), &cmds); err != nil {
		t.Fatalf("the confirm button's live-click is not JS commands: %s", button)
	}
	var values []string
	for _, m := range regexp.MustCompile(`live-value-([a-z0-9_-]+)="([^"]*)"`).FindAllStringSubmatch(button, -1) {
		values = append(values, m[1], html.UnescapeString(m[2]))
	}
	for _, c := range cmds {
		var name string
		var push struct{ Event string }
		if json.Unmarshal(c[0], &name) == nil && name == "push" && json.Unmarshal(c[1], &push) == nil {
			return v.Click(push.Event, values...)
		}
	}
	t.Fatalf("the confirm button pushes no event: %s", button)
	return nil
}
