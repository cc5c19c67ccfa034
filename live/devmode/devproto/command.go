package devproto

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Op names what a dev command asks for.
type Op string

// The dev commands, one per line on the pipe.
const (
	Reload    Op = "reload"    // every connected page loads again
	CSS       Op = "css"       // pages swap the stylesheet at Command.Path
	Templates Op = "templates" // the app re-reads its templates; views render again
	Error     Op = "error"     // pages show Command.Text in an overlay
	Clear     Op = "clear"     // pages take the overlay down
)

// maxPath bounds a stylesheet path, as the runtime bounds URLs from clients.
const maxPath = 2048

// Command is one line of the dev pipe.
type Command struct {
	Op   Op
	Path string // for CSS: the stylesheet's URL path, such as /static/app.css
	Text string // for Error: the message, valid UTF-8
}

// ParseCommand reads one line of the dev pipe, without its newline (a trailing \r is
// dropped too). The forms are "reload", "templates", "clear", "css PATH" with PATH a
// local URL path, and "error BASE64" with the message in standard base64, padded.
// Invalid UTF-8 in a message becomes U+FFFD. A line with control characters, an unknown
// command or a malformed argument is an error.
func ParseCommand(line string) (Command, error) {
	line = strings.TrimSuffix(line, "\r")
	for i := 0; i < len(line); i++ {
		if c := line[i]; c < 0x20 || c == 0x7f {
			return Command{}, errors.New("devproto: control character in command")
		}
	}
	op, arg, _ := strings.Cut(line, " ")
	switch c := (Command{Op: Op(op)}); c.Op {
	case Reload, Templates, Clear:
		if arg != "" {
			return Command{}, fmt.Errorf("devproto: %s takes no argument", op)
		}
		return c, nil
	case CSS:
		if !localPath(arg) {
			return Command{}, errors.New("devproto: css wants a local URL path, such as /static/app.css")
		}
		c.Path = arg
		return c, nil
	case Error:
		text, err := base64.StdEncoding.Strict().DecodeString(arg)
		if err != nil {
			return Command{}, errors.New("devproto: error wants its message in standard base64")
		}
		if len(text) == 0 {
			return Command{}, errors.New("devproto: error wants a message")
		}
		c.Text = strings.ToValidUTF8(string(text), string(utf8.RuneError))
		return c, nil
	}
	return Command{}, fmt.Errorf("devproto: unknown command %q", truncate(op, 32))
}

// String returns the command as ParseCommand reads it, without the newline.
func (c Command) String() string {
	switch c.Op {
	case CSS:
		return string(c.Op) + " " + c.Path
	case Error:
		return string(c.Op) + " " + base64.StdEncoding.EncodeToString([]byte(c.Text))
	}
	return string(c.Op)
}

// localPath reports whether p is a path on this site: it starts with one slash (not two,
// nor a slash and a backslash, which browsers read as another host) and holds no spaces.
func localPath(p string) bool {
	if len(p) == 0 || len(p) > maxPath || p[0] != '/' {
		return false
	}
	if len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return false
	}
	return !strings.Contains(p, " ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
