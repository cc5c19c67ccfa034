package fieldtext_test

import (
	"testing"

	"github.com/liveapp/liveapp/fieldtext"
)

func TestValidRefusesWhatPostgreSQLTextRefuses(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"empty text", "", true},
		{"ASCII", "alice@example.com", true},
		{"multi-byte characters", "Zoë ☕ 日本", true},
		{"a NUL byte", "alice\x00@example.com", false},
		{"a lone continuation byte", "caf\x80", false},
		{"a truncated sequence", "caf\xc3", false},
		{"an overlong encoding", "\xc0\xaf", false},
		{"a surrogate half", "\xed\xa0\x80", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fieldtext.Valid(tt.in); got != tt.want {
				t.Errorf("Valid(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanKeepsValidTextAndRepairsTheRest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Mozilla/5.0 (X11)", "Mozilla/5.0 (X11)"},
		{"Zoë", "Zoë"},
		{"a\x00b", "ab"},
		{"caf\xe9 au lait", "caf\uFFFD au lait"},
		{"\x00\xff\x00", "\uFFFD"},
	}
	for _, tt := range tests {
		got := fieldtext.Clean(tt.in)
		if got != tt.want || !fieldtext.Valid(got) {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzCleanIsAlwaysValid(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x00b", "\xff\xfe", "Zoë\x00\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := fieldtext.Clean(s)
		if !fieldtext.Valid(got) {
			t.Fatalf("Clean(%q) = %q, which Valid refuses", s, got)
		}
		if fieldtext.Valid(s) && got != s {
			t.Fatalf("Clean changed valid text %q to %q", s, got)
		}
	})
}
