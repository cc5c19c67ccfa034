package devproto

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCommand(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	good := []struct {
		name, line string
		want       Command
	}{
		{"reload", "reload", Command{Op: Reload}},
		{"templates", "templates", Command{Op: Templates}},
		{"clear, with the \\r of a CRLF line", "clear\r", Command{Op: Clear}},
		{"css names the stylesheet's URL path", "css /static/app.css", Command{Op: CSS, Path: "/static/app.css"}},
		{"error carries its text in base64, markup and newlines included",
			"error " + b64([]byte("<b>x</b> & \"y\"\nline 2")), Command{Op: Error, Text: "<b>x</b> & \"y\"\nline 2"}},
		{"invalid UTF-8 in an error becomes U+FFFD", "error " + b64([]byte("a\xffb")), Command{Op: Error, Text: "a\uFFFDb"}},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCommand(tt.line)
			if err != nil || got != tt.want {
				t.Fatalf("ParseCommand(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
			}
		})
	}
	bad := []struct{ name, line string }{
		{"an unknown command", "restart"},
		{"an empty line", ""},
		{"upper case", "RELOAD"},
		{"an argument where none belongs", "reload now"},
		{"css without a path", "css"},
		{"css with a URL of another host", "css //evil.example/x.css"},
		{"css with a backslash host", `css /\evil.example/x.css`},
		{"css with a full URL", "css https://example.com/app.css"},
		{"css with two spaces", "css  /app.css"},
		{"error without a message", "error"},
		{"error with an empty message", "error "},
		{"error that is not base64", "error <b>oops</b>"},
		{"error in unpadded base64", "error aGk"},
		{"a control character", "reload\x00"},
		{"a carriage return inside", "css /a\r.css"},
	}
	for _, tt := range bad {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			if got, err := ParseCommand(tt.line); err == nil {
				t.Fatalf("ParseCommand(%q) = %+v, want an error", tt.line, got)
			}
		})
	}
}

// FuzzParseCommand feeds ParseCommand what a pipe may carry. A line it accepts must be a
// known command with a sound argument, and must come back the same from its String.
func FuzzParseCommand(f *testing.F) {
	f.Fuzz(func(t *testing.T, line string) {
		c, err := ParseCommand(line)
		if err != nil {
			return
		}
		switch c.Op {
		case Reload, Templates, Clear:
			if c.Path != "" || c.Text != "" {
				t.Fatalf("%q: %s with an argument: %+v", line, c.Op, c)
			}
		case CSS:
			if !strings.HasPrefix(c.Path, "/") || strings.HasPrefix(c.Path, "//") || strings.ContainsAny(c.Path, " \r\n\x00") {
				t.Fatalf("%q: css path %q is not a local path", line, c.Path)
			}
		case Error:
			if c.Text == "" || !utf8.ValidString(c.Text) {
				t.Fatalf("%q: error text %q is empty or not UTF-8", line, c.Text)
			}
		default:
			t.Fatalf("%q: accepted unknown op %q", line, c.Op)
		}
		again, err := ParseCommand(c.String())
		if err != nil || again != c {
			t.Fatalf("%q: String() = %q parses to %+v, %v; want %+v", line, c.String(), again, err, c)
		}
		if strings.ContainsAny(c.String(), "\n") {
			t.Fatalf("%q: String() = %q spans lines", line, c.String())
		}
	})
}
