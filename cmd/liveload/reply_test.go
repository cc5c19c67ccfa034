package main

import (
	"encoding/json"
	"testing"
)

// replySeeds are frames as the server writes them (live/wire.go), and frames that look
// like replies but are not of the two forms parseReply reads.
var replySeeds = []string{
	`{"t":"r","ref":1}`,
	`{"t":"r","ref":42,"ops":[["t","0.1.0","5"]]}`,
	`{"t":"r","ref":7,"ops":[["t","0.1","say \"err\": no"]]}`,
	`{"t":"r","ref":3,"err":"unknown event"}`,
	`{"t":"r","ref":3,"ops":[["t","0","x"]],"err":"boom"}`,
	`{"t":"r","ref":9,"rep":{"ok":true}}`,
	`{"t":"r","ref":9,"ops":[["t","0","x"]],"ev":[["saved",{}]]}`,
	`{"t":"r","ref":0}`,
	`{"t":"r","ref":-1}`,
	`{"t":"r","ref":12345678901234567890}`,
	`{"t":"ops","ops":[]}`,
	`{"t":"error","msg":"bad frame"}`,
	`{"t":"r","ref":1,"ops":[]`,
}

func TestParseReply(t *testing.T) {
	for _, tc := range []struct {
		frame   string
		ref     int64
		ops, ok bool
	}{
		{`{"t":"r","ref":1}`, 1, false, true},
		{`{"t":"r","ref":42,"ops":[["t","0.1.0","5"]]}`, 42, true, true},
		{`{"t":"r","ref":7,"ops":[["t","0.1","say \"err\": no"]]}`, 7, true, true},
		{`{"t":"r","ref":3,"err":"unknown event"}`, 0, false, false},
		{`{"t":"r","ref":3,"ops":[["t","0","x"]],"err":"boom"}`, 0, false, false},
		{`{"t":"r","ref":9,"ops":[["t","0","x"]],"ev":[["saved",{}]]}`, 0, false, false},
		{`{"t":"r","ref":0}`, 0, false, false},
		{`{"t":"ops","ops":[]}`, 0, false, false},
	} {
		ref, ops, ok := parseReply([]byte(tc.frame))
		if ref != tc.ref || ops != tc.ops || ok != tc.ok {
			t.Errorf("parseReply(%s) = %d, %v, %v; want %d, %v, %v", tc.frame, ref, ops, ok, tc.ref, tc.ops, tc.ok)
		}
	}
}

// FuzzParseReply checks parseReply against the JSON decoder it stands in for: whatever
// it reads as a reply must decode to the same ref and ops, without an error.
func FuzzParseReply(f *testing.F) {
	for _, s := range replySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ref, ops, ok := parseReply(data)
		if !ok {
			return
		}
		var fr serverFrame
		if err := json.Unmarshal(data, &fr); err != nil {
			t.Fatalf("parseReply read %q, which does not decode: %v", data, err)
		}
		if fr.T != "r" || fr.Ref != ref || (len(fr.Ops) > 0) != ops || fr.Err != "" {
			t.Fatalf("parseReply(%q) = %d, %v; the decoder reads t=%q ref=%d ops=%s err=%q", data, ref, ops, fr.T, fr.Ref, fr.Ops, fr.Err)
		}
	})
}
