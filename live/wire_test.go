package live

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeClientFrame(t *testing.T) {
	good := []struct {
		name, in string
		check    func(*clientFrame) bool
	}{
		{"a click with string and list parameters", `{"t":"e","ref":7,"n":"save","k":"submit","p":{"a":"1","tags":["x","y"]}}`,
			func(f *clientFrame) bool {
				return f.Ref == 7 && f.Event == "save" && f.Source == "submit" && f.Params.Get("a") == "1" && len(f.Params["tags"]) == 2
			}},
		{"an event without parameters", `{"t":"e","ref":1,"n":"inc","k":"click"}`, func(f *clientFrame) bool { return len(f.Params) == 0 }},
		{"escaped and plain parameters", `{"t":"e","ref":1,"n":"x","k":"click","p":{"a":"\u00e9\"","b":"é","c":"` + "\xff" + `"}}`,
			func(f *clientFrame) bool {
				return f.Params.Get("a") == "é\"" && f.Params.Get("b") == "é" && f.Params.Get("c") == "\ufffd"
			}},
		{"a live navigation", `{"t":"nav","ref":2,"url":"/items?page=2"}`, func(f *clientFrame) bool { return f.URL == "/items?page=2" }},
		{"a sync request", `{"t":"sync","ref":3}`, func(f *clientFrame) bool { return f.Kind == frameSync }},
		{"a navigation to a URL of 8 KiB", `{"t":"nav","ref":4,"url":"/` + strings.Repeat("a", maxURL-1) + `"}`,
			func(f *clientFrame) bool { return len(f.URL) == maxURL }},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			f, err := decodeClientFrame([]byte(tc.in))
			if err != nil || !tc.check(f) {
				t.Fatalf("got %+v, %v", f, err)
			}
		})
	}
	bad := []struct{ name, in, want string }{
		{"not JSON", `hello`, "malformed JSON"},
		{"trailing data", `{"t":"sync","ref":1} {}`, "trailing data"},
		{"a stray closing brace", `{"t":"sync","ref":1}}`, "trailing data"},
		{"nothing", ``, "malformed JSON: not a JSON object"},
		{"a frame cut short", `{"t":"sync","re`, "malformed JSON: not a JSON object"},
		{"a syntax error", `{"t":"sync",,}`, "malformed JSON: syntax error at byte 13"},
		{"a missing ref", `{"t":"sync"}`, "ref is missing"},
		{"a negative ref", `{"t":"sync","ref":-1}`, "positive integer"},
		{"a fractional ref", `{"t":"sync","ref":1.5}`, "positive integer"},
		{"an empty event name", `{"t":"e","ref":1,"n":"","k":"click"}`, "event name"},
		{"an overlong event name", `{"t":"e","ref":1,"n":"` + strings.Repeat("a", 200) + `","k":"click"}`, "event name"},
		{"a number parameter", `{"t":"e","ref":1,"n":"x","k":"click","p":{"a":1}}`, "string or an array"},
		{"a null parameter", `{"t":"e","ref":1,"n":"x","k":"click","p":{"a":null}}`, "string or an array"},
		{"a nested array parameter", `{"t":"e","ref":1,"n":"x","k":"click","p":{"a":[["b"]]}}`, "string or an array"},
		{"an absolute navigation URL", `{"t":"nav","ref":1,"url":"https://evil.example/"}`, "local path"},
		{"a protocol-relative URL", `{"t":"patch","ref":1,"url":"//evil.example/"}`, "local path"},
		{"a backslash URL", `{"t":"nav","ref":1,"url":"/\\evil.example"}`, "local path"},
		{"an empty URL", `{"t":"nav","ref":1,"url":""}`, "local path"},
		{"a URL over 8 KiB", `{"t":"patch","ref":1,"url":"/` + strings.Repeat("a", maxURL) + `"}`, "longer than 8 KiB"},
		{"an unknown kind", `{"t":"eval","ref":1}`, "unknown frame kind"},
		{"wrong field types", `{"t":1,"ref":1}`, "wrong type"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeClientFrame([]byte(tc.in))
			fe, ok := err.(*FrameError)
			if !ok || !strings.Contains(fe.Reason, tc.want) {
				t.Fatalf("err = %v, want a FrameError containing %q", err, tc.want)
			}
		})
	}
}

// FuzzDecodeClientFrame: any input decodes to a valid frame or a FrameError, never a
// panic, and an accepted frame satisfies every invariant the handlers rely on.
func FuzzDecodeClientFrame(f *testing.F) {
	for _, s := range []string{
		`{"t":"e","ref":1,"n":"inc","k":"click","p":{}}`,
		`{"t":"e","ref":2,"n":"save","k":"submit","p":{"name":"a","tags":["x","y"]}}`,
		`{"t":"nav","ref":3,"url":"/items"}`,
		`{"t":"patch","ref":4,"url":"/items?page=2"}`,
		`{"t":"sync","ref":5}`,
		`{"t":"e","ref":1,"n":"x","k":"keydown","p":{"key":"Enter"}}`,
		`{"t":"up","ref":6,"n":"avatar","f":[{"name":"me.png","type":"image/png","size":1234}]}`,
		`{"t":"upp","ref":7,"id":"AbCdEfGhIjKlMnOp","pct":50}`,
		`{"t":"e","ref":8,"n":"inc","k":"click","p":{},"c":"card-7"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := decodeClientFrame(data)
		if err != nil {
			if _, ok := err.(*FrameError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if fr.Kind == frameHeartbeat {
			return // a heartbeat has no ref
		}
		if fr.Ref <= 0 {
			t.Fatalf("accepted ref %d", fr.Ref)
		}
		switch fr.Kind {
		case frameEvent:
			if fr.Event == "" || len(fr.Event) > maxEventName || !eventKinds[fr.Source] || fr.Params == nil || len(fr.Target) > maxComponentID {
				t.Fatalf("accepted bad event %+v", fr)
			}
			checkParamsAsJSON(t, data, fr.Params)
		case frameNavigate, framePatch:
			if !localPath(fr.URL) || len(fr.URL) > maxURL {
				t.Fatalf("accepted non-local url %q", fr.URL)
			}
		case frameSync:
		case frameUpload:
			up := fr.Upload
			if up == nil || up.Name == "" || len(up.Files) == 0 || len(up.Files) > maxOfferedFiles {
				t.Fatalf("accepted bad offer %+v", up)
			}
			for _, f := range up.Files {
				if f.Size < 0 || len(f.Name) > maxFileName || strings.ContainsAny(f.Name, "/\\\x00\n") || !utf8.ValidString(f.Name) {
					t.Fatalf("accepted bad file %+v", f)
				}
			}
		case frameUploadProgress:
			if up := fr.Upload; up == nil || up.Entry == "" || up.Percent < -1 || up.Percent > 100 {
				t.Fatalf("accepted bad progress %+v", up)
			}
		default:
			t.Fatalf("accepted kind %q", fr.Kind)
		}
	})
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `<b>"q"</b> & \ `, "tab\tnl\ncr\r\x00\x1f", "héllo ☃", "bad \xff utf8", "\u2028"} {
		var got string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("%q: invalid JSON %s: %v", s, appendString(nil, s), err)
		}
		want := strings.ToValidUTF8(s, "\ufffd")
		if got != want {
			t.Fatalf("round trip %q -> %q", s, got)
		}
	}
	if b := appendString(nil, "<p>"); string(b) != `"<p>"` {
		t.Fatalf("HTML was escaped: %s", b)
	}
}

func TestLocalPath(t *testing.T) {
	for u, want := range map[string]bool{
		"/": true, "/a?b=c": true, "/a#x": true,
		"": false, "a": false, "//evil": false, "/\\evil": false, "https://x/": false, "/a\r\nb": false, "javascript:alert(1)": false,
	} {
		if localPath(u) != want {
			t.Errorf("localPath(%q) = %v", u, !want)
		}
	}
}

// checkParamsAsJSON checks that every parameter is what encoding/json makes of it.
func checkParamsAsJSON(t *testing.T, data []byte, got Params) {
	var raw struct{ P map[string]json.RawMessage }
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("accepted a frame encoding/json refuses: %v", err)
	}
	for name, v := range raw.P {
		var want []string
		if err := json.Unmarshal(v, &want); err != nil {
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				t.Fatalf("parameter %q: %v", name, err)
			}
			want = []string{s}
		}
		if !slices.Equal(got[name], want) {
			t.Fatalf("parameter %q is %q, encoding/json gives %q", name, got[name], want)
		}
	}
}

// TestFrameDecoderReuse: a frame decodes the same with a decoder that decoded another
// frame before, whatever that one was.
func TestFrameDecoderReuse(t *testing.T) {
	frames := []string{
		`{"t":"e","ref":1,"n":"inc","k":"click","p":{}}`,
		`{"t":"e","ref":2,"n":"add","k":"click","p":{"by":"1","tags":["a","b"]}}`,
		`{"t":"e","ref":3,"n":"add","k":"click","p":{"x":"2"}}` + " \n",
		`{"t":"nav","ref":4,"url":"/items"}`,
		`{"t":"sync","ref":5}}`,
		`{"t":"sync","ref":6} {}`,
		`{"t":"sync","re`,
		`{"t":1,"ref":1}`,
		`  `,
		`{"t":"h"}`,
	}
	reused := 0
	for _, a := range frames {
		for _, b := range frames {
			d := frameDecoders.New().(*frameDecoder)
			_, _ = d.frame([]byte(a))
			if !d.reusable([]byte(a)) {
				continue
			}
			reused++
			got, gotErr := d.frame([]byte(b))
			want, wantErr := frameDecoders.New().(*frameDecoder).frame([]byte(b))
			if fmt.Sprintf("%+v %v", got, gotErr) != fmt.Sprintf("%+v %v", want, wantErr) {
				t.Errorf("after %s, %s decodes to %+v, %v; alone to %+v, %v", a, b, got, gotErr, want, wantErr)
			}
		}
	}
	if reused != 4*len(frames) { // the first two frames, the navigation and the heartbeat
		t.Fatalf("a decoder was reused after %d frames, want 4", reused/len(frames))
	}
}
