package dom

import (
	"strings"
	"testing"
	"time"
)

func TestPathologicalInputsAreFast(t *testing.T) {
	for _, src := range []string{
		strings.Repeat("a</x>", 200000),
		strings.Repeat("<div>", 200000),
		strings.Repeat("<span>", 600) + strings.Repeat("<p>x", 100000),
		strings.Repeat("<!--", 200000),
		strings.Repeat("<!-- -- ", 100000),
		strings.Repeat("</", 200000),
		strings.Repeat("<a b", 200000),
		strings.Repeat("&amp", 200000),
		"<script>" + strings.Repeat("</scrip", 100000),
		strings.Repeat("<table><tr><td>", 50000),
		strings.Repeat("<svg><p>", 100000),
		strings.Repeat("<li><div>", 100000),
		strings.Repeat("<b>", 600) + strings.Repeat("</i>", 200000),
	} {
		start := time.Now()
		tree := mustParse(t, src)
		out := AppendHTML(nil, tree)
		Diff(tree, mustParse(t, string(out[:len(out)/2])))
		t.Logf("%.20q...: %v", src, time.Since(start))
		// A guard against runaway (quadratic or worse) work, which takes minutes on these
		// inputs; linear work takes well under a second, or a few under the race detector.
		// The bound is loose so that a busy machine cannot trip it: timing is for
		// benchmarks (BenchmarkParseTable, BenchmarkDiffTableOnly).
		if d := time.Since(start); d > time.Minute {
			t.Errorf("%.20q...: %v", src, d)
		}
	}
}
