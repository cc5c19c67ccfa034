package dom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// OpKind says what an Op does. Its wire name is in docs/protocol.md, section 4.
type OpKind uint8

// The operations of a patch. The zero OpKind is not a valid operation.
const (
	OpText       OpKind = iota + 1 // ["t", path, text]: set the text of a text or comment node
	OpSetAttr                      // ["a", path, name, value]: set an attribute
	OpRemoveAttr                   // ["ra", path, name]: remove an attribute
	OpInsert                       // ["i", path, index, html]: insert one node as child index
	OpRemove                       // ["d", path]: remove a node
	OpReplace                      // ["x", path, html]: replace a node with one node
	OpMove                         // ["m", path, from, to]: move child from so that it becomes child to
	OpInner                        // ["h", path, html]: replace all children
)

var opNames = [...]string{OpText: "t", OpSetAttr: "a", OpRemoveAttr: "ra", OpInsert: "i",
	OpRemove: "d", OpReplace: "x", OpMove: "m", OpInner: "h"}

// String returns the wire name of k ("t", "a", ...), or "op(N)" for an unknown kind.
func (k OpKind) String() string {
	if int(k) < len(opNames) && opNames[k] != "" {
		return opNames[k]
	}
	return "op(" + strconv.Itoa(int(k)) + ")"
}

// Op is one patch operation. Path is a list of child indices from the root; which
// other fields count depends on Kind:
//
//	OpText        Path, Value
//	OpSetAttr     Path, Name, Value
//	OpRemoveAttr  Path, Name
//	OpInsert      Path (the parent), Index, HTML (exactly one node)
//	OpRemove      Path
//	OpReplace     Path, HTML (exactly one node)
//	OpMove        Path (the parent), Index (from), To
//	OpInner       Path, HTML (any number of nodes)
type Op struct {
	Kind              OpKind
	Path              []int
	Index, To         int
	Name, Value, HTML string
}

// AppendOps appends ops to buf as the JSON array of docs/protocol.md section 4, for
// example [["t",[0,1],"2"],["m",[3],0,9]]. Strings are escaped as encoding/json
// does with SetEscapeHTML(false): <, > and & are written as they are, control
// characters, quotes, backslashes, U+2028 and U+2029 are escaped, and invalid UTF-8
// becomes \ufffd. Ops with an unknown Kind are skipped.
func AppendOps(buf []byte, ops []Op) []byte {
	buf = append(buf, '[')
	first := true
	for i := range ops {
		op := &ops[i]
		if op.Kind < OpText || op.Kind > OpInner {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendOp(buf, op, nil)
	}
	return append(buf, ']')
}

// appendOp appends one op's array. The HTML payload is html when it is not nil, else
// op.HTML.
func appendOp(buf []byte, op *Op, html []byte) []byte {
	buf = append(buf, '[', '"')
	buf = append(buf, opNames[op.Kind]...)
	buf = append(buf, '"', ',', '[')
	for j, x := range op.Path {
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(x), 10)
	}
	buf = append(buf, ']')
	switch op.Kind {
	case OpText:
		buf = appendJSONString(append(buf, ','), op.Value)
	case OpSetAttr:
		buf = appendJSONString(append(buf, ','), op.Name)
		buf = appendJSONString(append(buf, ','), op.Value)
	case OpRemoveAttr:
		buf = appendJSONString(append(buf, ','), op.Name)
	case OpInsert:
		buf = strconv.AppendInt(append(buf, ','), int64(op.Index), 10)
		buf = appendHTML(append(buf, ','), op.HTML, html)
	case OpReplace, OpInner:
		buf = appendHTML(append(buf, ','), op.HTML, html)
	case OpMove:
		buf = strconv.AppendInt(append(buf, ','), int64(op.Index), 10)
		buf = strconv.AppendInt(append(buf, ','), int64(op.To), 10)
	}
	return append(buf, ']')
}

func appendHTML(buf []byte, s string, b []byte) []byte {
	if b != nil {
		return appendJSONString(buf, b)
	}
	return appendJSONString(buf, s)
}

// opLen returns len(AppendOps(nil, []Op{op})) - 2 without encoding: the length of
// the op's own array. The differ uses it to weigh ops against HTML.
func opLen(op *Op) int {
	n := len(`["",[]]`) + len(opNames[op.Kind])
	for j, x := range op.Path {
		if j > 0 {
			n++
		}
		n += intLen(x)
	}
	switch op.Kind {
	case OpText:
		n += 1 + jsonLen(op.Value)
	case OpSetAttr:
		n += 2 + jsonLen(op.Name) + jsonLen(op.Value)
	case OpRemoveAttr:
		n += 1 + jsonLen(op.Name)
	case OpInsert:
		n += 2 + intLen(op.Index) + jsonLen(op.HTML)
	case OpReplace, OpInner:
		n += 1 + jsonLen(op.HTML)
	case OpMove:
		n += 2 + intLen(op.Index) + intLen(op.To)
	}
	return n
}

func intLen(x int) int {
	n := 1
	if x < 0 {
		n++
		x = -x
	}
	for x >= 10 {
		x /= 10
		n++
	}
	return n
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s to buf as a JSON string, escaped like encoding/json with
// SetEscapeHTML(false): <, > and & stay as they are, invalid UTF-8 becomes U+FFFD. The
// runtime builds its frames with it.
func AppendJSONString(buf []byte, s string) []byte { return appendJSONString(buf, s) }

// appendJSONString appends s as a JSON string, escaping like encoding/json with
// SetEscapeHTML(false).
func appendJSONString[S string | []byte](buf []byte, s S) []byte {
	buf = append(buf, '"')
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, s[last:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			last = i
			continue
		}
		r, size := decodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, s[last:i]...)
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, s[last:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		last = i
	}
	buf = append(buf, s[last:]...)
	return append(buf, '"')
}

// jsonLen returns len(appendJSONString(nil, s)).
func jsonLen[S string | []byte](s S) int {
	n := 2 + len(s)
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\', '\b', '\f', '\n', '\r', '\t':
				n++
			default:
				n += 5
			}
			i++
			continue
		}
		r, size := decodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 5
		case r == '\u2028' || r == '\u2029':
			n += 3
		}
		i += size
	}
	return n
}

func decodeRune[S string | []byte](s S) (rune, int) {
	var b [utf8.UTFMax]byte
	k := copy(b[:], s[:min(len(s), utf8.UTFMax)])
	return utf8.DecodeRune(b[:k])
}

// DecodeOps parses a JSON array of ops as written by AppendOps. It is meant for
// tests and in-process clients. It checks the shape of every op (name, number and
// types of fields, non-negative integers) and returns an error naming the first
// bad op; it never panics. Invalid UTF-8 and lone surrogates in strings become
// U+FFFD. DecodeOps(AppendOps(nil, ops)) returns ops for well-formed ops.
func DecodeOps(data []byte) ([]Op, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, errors.New("dom: ops: not a JSON array")
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return nil, fmt.Errorf("dom: ops: %w", err)
	}
	ops := make([]Op, 0, len(raws))
	for i, raw := range raws {
		op, err := decodeOp(raw)
		if err != nil {
			return nil, fmt.Errorf("dom: op %d: %w", i, err)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func decodeOp(raw json.RawMessage) (Op, error) {
	var op Op
	var fields []json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &fields) != nil {
		return op, errors.New("not an array")
	}
	if len(fields) < 2 {
		return op, errors.New("want a name and a path")
	}
	var name string
	if err := decodeString(fields[0], &name); err != nil {
		return op, fmt.Errorf("name: %w", err)
	}
	want := 0
	for k, n := range opNames {
		if n != "" && n == name {
			op.Kind = OpKind(k)
		}
	}
	switch op.Kind {
	case OpRemove:
		want = 2
	case OpText, OpRemoveAttr, OpReplace, OpInner:
		want = 3
	case OpSetAttr, OpInsert, OpMove:
		want = 4
	default:
		return op, fmt.Errorf("unknown op %q", name)
	}
	if len(fields) != want {
		return op, fmt.Errorf("%q op has %d fields, want %d", name, len(fields), want)
	}
	var path []json.RawMessage
	if isNull(fields[1]) || json.Unmarshal(fields[1], &path) != nil {
		return op, errors.New("path is not an array")
	}
	op.Path = make([]int, len(path))
	for j, x := range path {
		if err := decodeIndex(x, &op.Path[j]); err != nil {
			return op, fmt.Errorf("path[%d]: %w", j, err)
		}
	}
	var err error
	switch op.Kind {
	case OpText:
		err = decodeString(fields[2], &op.Value)
	case OpSetAttr:
		err = errors.Join(decodeString(fields[2], &op.Name), decodeString(fields[3], &op.Value))
	case OpRemoveAttr:
		err = decodeString(fields[2], &op.Name)
	case OpInsert:
		err = errors.Join(decodeIndex(fields[2], &op.Index), decodeString(fields[3], &op.HTML))
	case OpReplace, OpInner:
		err = decodeString(fields[2], &op.HTML)
	case OpMove:
		err = errors.Join(decodeIndex(fields[2], &op.Index), decodeIndex(fields[3], &op.To))
	}
	if err != nil {
		return op, fmt.Errorf("%q op: %w", name, err)
	}
	return op, nil
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

func decodeString(raw json.RawMessage, s *string) error {
	if isNull(raw) || json.Unmarshal(raw, s) != nil {
		return errors.New("want a string")
	}
	return nil
}

func decodeIndex(raw json.RawMessage, x *int) error {
	if isNull(raw) || json.Unmarshal(raw, x) != nil || *x < 0 {
		return errors.New("want a non-negative integer")
	}
	return nil
}
