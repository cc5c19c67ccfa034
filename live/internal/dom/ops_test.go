package dom

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// encodeWithJSON encodes ops with encoding/json (SetEscapeHTML(false)): the
// reference for AppendOps.
func encodeWithJSON(t *testing.T, ops []Op) []byte {
	t.Helper()
	arrays := [][]any{}
	for _, op := range ops {
		path := op.Path
		if path == nil {
			path = []int{}
		}
		a := []any{op.Kind.String(), path}
		switch op.Kind {
		case OpText:
			a = append(a, op.Value)
		case OpSetAttr:
			a = append(a, op.Name, op.Value)
		case OpRemoveAttr:
			a = append(a, op.Name)
		case OpInsert:
			a = append(a, op.Index, op.HTML)
		case OpReplace, OpInner:
			a = append(a, op.HTML)
		case OpMove:
			a = append(a, op.Index, op.To)
		}
		arrays = append(arrays, a)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(arrays); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

var sampleOps = []Op{
	{Kind: OpText, Path: []int{0, 1}, Value: "a<b>&\"\\\n\r\t\b\f\x01\x7f é 🎉 \u2028\u2029 \xff"},
	{Kind: OpSetAttr, Path: []int{2}, Name: "class", Value: `x "y"`},
	{Kind: OpRemoveAttr, Path: []int{}, Name: "hidden"},
	{Kind: OpInsert, Path: []int{3, 10}, Index: 4, HTML: `<li id="a">A &amp; B</li>`},
	{Kind: OpRemove, Path: []int{123456}},
	{Kind: OpReplace, Path: []int{0}, HTML: "<b>x</b>"},
	{Kind: OpMove, Path: []int{1}, Index: 99, To: 0},
	{Kind: OpInner, Path: nil, HTML: ""},
}

func TestAppendOpsMatchesEncodingJSON(t *testing.T) {
	for i := range sampleOps {
		ops := sampleOps[i : i+1]
		got, want := AppendOps(nil, ops), encodeWithJSON(t, ops)
		if !bytes.Equal(got, want) {
			t.Errorf("AppendOps = %s\nencoding/json %s", got, want)
		}
		if n := opLen(&ops[0]); n != len(got)-2 {
			t.Errorf("opLen = %d, encoded op is %d bytes", n, len(got)-2)
		}
	}
	if got, want := AppendOps(nil, sampleOps), encodeWithJSON(t, sampleOps); !bytes.Equal(got, want) {
		t.Errorf("AppendOps = %s\nencoding/json %s", got, want)
	}
	if got := string(AppendOps(nil, nil)); got != "[]" {
		t.Errorf("AppendOps(nil) = %s", got)
	}
	if got := string(AppendOps([]byte("x"), []Op{{Kind: 0}, {Kind: OpRemove, Path: []int{1}}, {Kind: 99}})); got != `x[["d",[1]]]` {
		t.Errorf("unknown kinds are not skipped: %s", got)
	}
}

func TestDecodeOpsInvertsAppendOps(t *testing.T) {
	ops, err := DecodeOps(AppendOps(nil, sampleOps))
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(sampleOps)
	want[0].Value = strings.ToValidUTF8(want[0].Value, "\uFFFD") // invalid UTF-8 was sent as \ufffd
	want[len(want)-1].Path = []int{}
	if !reflect.DeepEqual(ops, want) {
		t.Errorf("DecodeOps(AppendOps(ops)) =\n%#v\nwant\n%#v", ops, want)
	}
}

func TestDecodeOpsErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"not JSON", `[`, "dom: ops"},
		{"not an array", `{"t":1}`, "not a JSON array"},
		{"null", `null`, "not a JSON array"},
		{"op is not an array", `[1]`, "op 0: not an array"},
		{"op is null", `[null]`, "op 0: not an array"},
		{"unknown op", `[["z",[]]]`, `unknown op "z"`},
		{"name is not a string", `[[1,[]]]`, "name"},
		{"missing path", `[["d"]]`, "want a name and a path"},
		{"too many fields", `[["d",[0],1]]`, "has 3 fields, want 2"},
		{"too few fields", `[["a",[0],"x"]]`, "has 3 fields, want 4"},
		{"path is not an array", `[["d",0]]`, "path is not an array"},
		{"negative index in path", `[["d",[-1]]]`, "path[0]"},
		{"fractional index", `[["m",[],1.5,0]]`, "non-negative integer"},
		{"index too large", `[["m",[],1e30,0]]`, "non-negative integer"},
		{"text is not a string", `[["t",[0],1]]`, "want a string"},
		{"text is null", `[["t",[0],null]]`, "want a string"},
		{"second op is bad", `[["d",[0]],["x",[0]]]`, "op 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeOps([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("DecodeOps(%s) error = %v, want one containing %q", tt.data, err, tt.want)
			}
		})
	}
}
