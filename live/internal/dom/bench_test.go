package dom

import (
	"fmt"
	"strings"
	"testing"
)

// counterPage renders a small counter view, as html/template would.
func counterPage(count int) string {
	return fmt.Sprintf(`<main class="container">
  <header>
    <h1>Counter</h1>
    <nav><a href="/" live-navigate>Home</a> <a href="/about" live-navigate>About</a></nav>
  </header>
  <section class="counter">
    <p>The count is <strong id="count">%d</strong>.</p>
    <button live-click="dec" class="btn">-</button>
    <button live-click="inc" class="btn">+</button>
  </section>
</main>
`, count)
}

// tablePage renders a 100-row, 3-column table; row changed has a different email.
func tablePage(changed int) string {
	var b strings.Builder
	b.WriteString("<h2>Users</h2>\n<table class=\"table\">\n  <thead><tr><th>Name</th><th>Email</th><th>Role</th></tr></thead>\n  <tbody>\n")
	for i := range 100 {
		email := fmt.Sprintf("user%d@example.com", i)
		if i == changed {
			email = fmt.Sprintf("user%d@example.org", i)
		}
		fmt.Fprintf(&b, "    <tr id=\"row-%d\"><td>User %d</td><td>%s</td><td>member</td></tr>\n", i, i, email)
	}
	b.WriteString("  </tbody>\n</table>\n")
	return b.String()
}

func benchDiff(b *testing.B, oldHTML, newHTML string) {
	old, err := Parse(oldHTML)
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	b.ReportAllocs()
	b.SetBytes(int64(len(newHTML)))
	for b.Loop() {
		tree, _ := Parse(newHTML)
		ops := Diff(old, tree)
		buf = AppendOps(buf[:0], ops)
	}
	b.ReportMetric(float64(len(buf)), "patch-B/op")
}

func BenchmarkDiffCounter(b *testing.B) {
	benchDiff(b, counterPage(41), counterPage(42))
}

func BenchmarkDiffTableOneCell(b *testing.B) {
	benchDiff(b, tablePage(-1), tablePage(57))
}

func BenchmarkDiffKeyedListOneMoved(b *testing.B) {
	benchDiff(b, keyedList(seq(100), "\n  "), keyedList(moveItem(seq(100), 10, 70), "\n  "))
}

func BenchmarkParseTable(b *testing.B) {
	src := tablePage(-1)
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Parse(src)
	}
}

func BenchmarkDiffTableOnly(b *testing.B) {
	old, _ := Parse(tablePage(-1))
	tree, _ := Parse(tablePage(57))
	b.ReportAllocs()
	for b.Loop() {
		Diff(old, tree)
	}
}

func TestBenchmarkPatches(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		maxBytes int
	}{
		{"counter patch is at most 60 bytes", counterPage(41), counterPage(42), 60},
		{"table one-cell patch is at most 150 bytes", tablePage(-1), tablePage(57), 150},
		{"keyed list one-move patch is small", keyedList(seq(100), "\n  "), keyedList(moveItem(seq(100), 10, 70), "\n  "), 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := checkDiff(t, tt.old, tt.new)
			if enc := AppendOps(nil, ops); len(enc) > tt.maxBytes {
				t.Errorf("patch is %d bytes: %s", len(enc), enc)
			} else {
				t.Logf("%d bytes: %s", len(enc), enc)
			}
		})
	}
}
