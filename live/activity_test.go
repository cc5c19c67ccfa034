package live_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/livetest"
)

// TestObserveReportsEveryMountEventAndNavigation: Config.Observe hears of each
// piece of work a connected view does, named, with the bytes it sent.
func TestObserveReportsEveryMountEventAndNavigation(t *testing.T) {
	seen := make(chan live.Activity, 16)
	app := newTestApp(t, func(c *live.Config) { c.Observe = func(a live.Activity) { seen <- a } })
	next := func(t *testing.T) live.Activity {
		t.Helper()
		select {
		case a := <-seen:
			return a
		case <-time.After(time.Minute): // only a broken runtime waits this long
			t.Fatal("nothing observed")
		}
		return live.Activity{}
	}

	lv := livetest.Mount(t, app.h, "/counter")
	if a := next(t); a.Kind != live.ActivityMount || a.View != "live_test.counter" || a.Route != "/counter" || a.Bytes == 0 || a.Err != nil {
		t.Errorf("mount: %+v", a)
	}
	_ = lv.Click("inc")
	if a := next(t); a.Kind != live.ActivityEvent || a.Event != "inc" || a.View != "live_test.counter" || a.Bytes == 0 || a.Err != nil {
		t.Errorf("event: %+v", a)
	}
	_ = lv.Click("fail")
	if a := next(t); a.Event != "fail" || a.Err == nil || !strings.Contains(a.Err.Error(), "secret-detail-in-error") {
		t.Errorf("a failing event: %+v", a)
	}
	_ = lv.Click("nosuch")
	if a := next(t); a.Event != "nosuch" || a.Err == nil || !strings.Contains(a.Err.Error(), "unknown event") {
		t.Errorf("an unknown event: %+v", a)
	}
	_ = lv.Click("page", "label", "two")
	a := next(t)
	if a.Kind != live.ActivityEvent || a.Event != "page" {
		t.Errorf("the event that patches: %+v", a)
	}
	if err := lv.Navigate("/other"); err != nil {
		t.Fatal(err)
	}
	if a := next(t); a.Kind != live.ActivityNavigate || a.View != "live_test.static" || a.Route != "/other" || a.Bytes == 0 {
		t.Errorf("navigate: %+v", a)
	}
	select {
	case a := <-seen:
		t.Errorf("more observed than done: %+v", a)
	default:
	}
}

func TestLogActivityWritesOneLineAtItsLevel(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a := live.Activity{Kind: live.ActivityEvent, View: "web.ProjectIndex", Route: "/projects", Event: "delete",
		Duration: 1500 * time.Microsecond, Bytes: 320, Err: errors.New("not found")}
	live.LogActivity(log, slog.LevelInfo)(a)
	line := buf.String()
	for _, want := range []string{`level=INFO msg="live event" view=web.ProjectIndex event=delete route=/projects took=1.5ms bytes=320 err="not found"`} {
		if !strings.Contains(line, want) {
			t.Errorf("the line lacks %s:\n%s", want, line)
		}
	}
	buf.Reset()
	live.LogActivity(log, slog.LevelDebug)(a)
	if buf.Len() != 0 {
		t.Errorf("logged below the logger's level: %s", buf.String())
	}
}
