package main

import (
	"testing"
	"time"
)

func TestPercentilesAreNearestRank(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- { // unsorted: summarize sorts
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	got := summarize(d)
	want := Latency{N: 100, P50us: 50_000, P90us: 90_000, P99us: 99_000, MaxUs: 100_000}
	if got != want {
		t.Errorf("summarize(1..100 ms) = %+v, want %+v", got, want)
	}
	if got := summarize(nil); got != (Latency{}) {
		t.Errorf("summarize(nil) = %+v, want zeros", got)
	}
	one := []time.Duration{7 * time.Microsecond}
	if got := summarize(one); got.P50us != 7 || got.P99us != 7 || got.MaxUs != 7 {
		t.Errorf("summarize(7 µs) = %+v, want 7 everywhere", got)
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile(nil) = %v, want 0", got)
	}
}

func TestSpreadIsMinMedianMax(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want Spread
	}{
		{nil, Spread{}},
		{[]int{4}, Spread{4, 4, 4}},
		{[]int{9, 1, 5}, Spread{1, 5, 9}},
		{[]int{100, 97, 99, 100}, Spread{97, 99, 100}},
	} {
		if got := spread(tc.in); got != tc.want {
			t.Errorf("spread(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
