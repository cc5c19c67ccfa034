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
		if d := time.Since(start); d > 3*time.Second { // a guard against quadratic work, not a benchmark
			t.Errorf("%.20q...: %v", src, d)
		}
	}
}
