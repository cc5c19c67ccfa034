package pgcluster

import (
	"bytes"
	"io"
	"os"
)

// tail returns the last n lines of out, indented, for an error message.
func tail(out []byte, n int) string {
	lines := bytes.Split(bytes.TrimRight(out, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString("\t")
		b.Write(l)
		b.WriteString("\n")
	}
	return b.String()
}

// logTail returns the last n lines written to the log file at path since offset
// from (at most 64 KiB), for an error message.
func logTail(path string, from int64, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return "\t(no server log: " + err.Error() + ")\n"
	}
	defer f.Close()
	if end, err := f.Seek(0, io.SeekEnd); err == nil && end-from > 64<<10 {
		from = end - 64<<10
	}
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return "\t(server log: " + err.Error() + ")\n"
	}
	b, _ := io.ReadAll(f)
	if len(b) == 0 {
		return "\t(the server log is empty)\n"
	}
	return "server log (" + path + "):\n" + tail(b, n)
}
