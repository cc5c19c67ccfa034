package tail

import (
	"bytes"
	"strings"
	"testing"
)

func TestTail(t *testing.T) {
	for _, tc := range []struct {
		name   string
		max    int
		writes []string
		want   string
	}{
		{"keeps everything under the bound", 16, []string{"one\n", "two\n"}, "one\ntwo"},
		{"keeps the last bytes over the bound", 8, []string{"first line\n", "second\n"}, "second"},
		{"drops the partial line left at the front", 10, []string{"first line\n", "second\n"}, "second"},
		{"keeps the end of one long write", 4, []string{"abcdefgh"}, "efgh"},
		{"trims white space around what it keeps", 16, []string{"  \n", "out\n\n"}, "out"},
		{"is empty before any write", 16, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tl := New(tc.max)
			for _, w := range tc.writes {
				if n, err := tl.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v; want %d, nil", w, n, err, len(w))
				}
			}
			if got := tl.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTeeWritesToTheTailAndTheTerminal(t *testing.T) {
	tl := New(64)
	if w := tl.Tee(nil); w != tl {
		t.Errorf("Tee(nil) = %v, want the tail itself", w)
	}
	var term bytes.Buffer
	if _, err := tl.Tee(&term).Write([]byte("server log\n")); err != nil {
		t.Fatal(err)
	}
	if tl.String() != "server log" || !strings.Contains(term.String(), "server log") {
		t.Errorf("tail %q, terminal %q: want both to hold the line", tl.String(), term.String())
	}
}
