package fakeclock_test

import (
	"testing"
	"time"

	"github.com/liveapp/liveapp/internal/fakeclock"
)

func TestTheClockMovesOnlyWhenAdvanced(t *testing.T) {
	c := fakeclock.New()
	if got := c.Now(); !got.Equal(fakeclock.Start) || !c.Now().Equal(got) {
		t.Fatalf("a new clock shows %v, then %v; want %v both times", got, c.Now(), fakeclock.Start)
	}
	c.Advance(90 * time.Second)
	if got, want := c.Now(), fakeclock.Start.Add(90*time.Second); !got.Equal(want) {
		t.Errorf("after Advance(90s): %v, want %v", got, want)
	}
}
