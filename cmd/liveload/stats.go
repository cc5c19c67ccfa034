package main

import (
	"slices"
	"time"
)

// Latency summarizes a set of durations, in microseconds.
type Latency struct {
	N     int     `json:"n"`
	P50us float64 `json:"p50_us"`
	P90us float64 `json:"p90_us"`
	P99us float64 `json:"p99_us"`
	MaxUs float64 `json:"max_us"`
}

// summarize sorts d and returns its percentiles; all zero when d is empty.
func summarize(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	return Latency{
		N:     len(d),
		P50us: micros(percentile(d, 0.50)),
		P90us: micros(percentile(d, 0.90)),
		P99us: micros(percentile(d, 0.99)),
		MaxUs: micros(d[len(d)-1]),
	}
}

// percentile returns the q-quantile of sorted (nearest rank), or 0 when it is empty.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// Spread is the smallest, median and largest of a set of counts.
type Spread struct {
	Min    int `json:"min"`
	Median int `json:"median"`
	Max    int `json:"max"`
}

// spread sorts n and returns its spread; all zero when n is empty.
func spread(n []int) Spread {
	if len(n) == 0 {
		return Spread{}
	}
	slices.Sort(n)
	return Spread{Min: n[0], Median: n[(len(n)-1)/2], Max: n[len(n)-1]}
}
