package example_test

import (
	"testing"

	"github.com/liveapp/liveapp/live/livetest"
)

func TestComponentCounters(t *testing.T) {
	lv := livetest.Mount(t, newApp(t), "/components")
	for _, button := range []string{"#apples .inc", "#apples .inc", "#pears .inc", "#double", "#pears .inc", "#apples .report"} {
		if err := lv.ClickElement(button); err != nil {
			t.Fatal(err)
		}
	}
	for sel, want := range map[string]string{
		"#apples .count": `<b class="count">0</b>`, // reported to the total
		"#pears .count":  `<b class="count">3</b>`, // 1, then 2 a click
		"#total":         `<b id="total">2</b>`,
		"#pears .inc":    `<button class="inc" live-click="inc">+2</button>`,
	} {
		if got := lv.ElementHTML(sel); got != want {
			t.Errorf("%s: %s, want %s", sel, got, want)
		}
	}
	// A component's event, as no page offers it, is refused like any unknown event.
	if err := lv.SendTo("apples", "click", "double", nil); err == nil {
		t.Error("the page's event ran through a component")
	}
}
