package live

import (
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	start := time.Unix(1000, 0)
	b := newBucket(2, 3)
	for i := range 3 {
		if !b.allow(start) {
			t.Fatalf("burst event %d refused", i)
		}
	}
	if b.allow(start) {
		t.Fatal("event past the burst allowed")
	}
	if !b.allow(start.Add(500 * time.Millisecond)) {
		t.Fatal("refill at 2/s did not allow an event after 500ms")
	}
	if b.allow(start.Add(600 * time.Millisecond)) {
		t.Fatal("allowed more than the refill")
	}
	if b.allow(start.Add(-time.Hour)) {
		t.Fatal("a clock step backwards must not mint tokens")
	}
	for i := range 3 {
		if !b.allow(start.Add(time.Hour)) {
			t.Fatalf("after a long idle, burst event %d refused", i)
		}
	}
	if b.allow(start.Add(time.Hour)) {
		t.Fatal("refill exceeded the burst")
	}
}
