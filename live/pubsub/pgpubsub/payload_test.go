package pgpubsub

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live/pubsub"
)

const testNode = "0123456789abcdef"

func TestPayloadFormat(t *testing.T) {
	tests := []struct {
		name string
		m    message
		want string
	}{
		{"a Publish with an id", message{node: testNode, seq: 42, topic: "projects:42", data: []byte("42")},
			"p0123456789abcdef 2a projects:42 NDI"},
		{"a PublishTx without data", message{tx: true, node: testNode, seq: 1, topic: "t"},
			"t0123456789abcdef 1 t "},
		{"spaces, controls, percent signs and non-ASCII bytes are escaped in topics",
			message{node: testNode, seq: 0, topic: "a b\x00%\x7fé~", data: []byte{0, 0xff}},
			"p0123456789abcdef 0 a%20b%00%25%7F%C3%A9~ AP8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendPayload(nil, &tt.m))
			if got != tt.want {
				t.Fatalf("payload %q, want %q", got, tt.want)
			}
			if n := encodedLen(&tt.m); n != len(got) {
				t.Fatalf("encodedLen %d, want %d", n, len(got))
			}
			back, err := parsePayload(got)
			if err != nil {
				t.Fatal(err)
			}
			if back.tx != tt.m.tx || back.node != tt.m.node || back.seq != tt.m.seq || back.topic != tt.m.topic || !bytes.Equal(back.data, tt.m.data) {
				t.Fatalf("decoded %+v, want %+v", back, tt.m)
			}
		})
	}
}

func TestMalformedPayloadsAreRefused(t *testing.T) {
	for _, p := range []string{
		"",
		"p0123456789abcdef 1 t",                  // no data field
		"p0123456789abcdef 1 t  ",                // a fifth field
		"x0123456789abcdef 1 t ",                 // unknown kind
		"p0123456789ABCDEF 1 t ",                 // uppercase node
		"p0123456789abcde 1 t ",                  // short node
		"p0123456789abcdef  t ",                  // empty seq
		"p0123456789abcdef 01 t ",                // seq with a leading zero
		"p0123456789abcdef 10000000000000000 t ", // seq over 64 bits
		"p0123456789abcdef 1  ",                  // empty topic
		"p0123456789abcdef 1 %4 ",                // truncated escape
		"p0123456789abcdef 1 %zz ",               // bad escape
		"p0123456789abcdef 1 %41 ",               // escape of a plain byte
		"p0123456789abcdef 1 %c3%a9 ",            // lowercase escape
		"p0123456789abcdef 1 \xc3\xa9 ",          // raw non-ASCII
		"p0123456789abcdef 1 t\t ",               // raw control
		"p0123456789abcdef 1 t NDI=",             // padding
		"p0123456789abcdef 1 t NDJ",              // non-canonical base64
		"p0123456789abcdef 1 t N",                // truncated base64
		"p0123456789abcdef 1 " + strings.Repeat("t", pubsub.MaxTopicLen+1) + " ", // overlong topic
	} {
		if m, err := parsePayload(p); !errors.Is(err, errMalformed) {
			t.Errorf("%q: decoded %+v, %v", p, m, err)
		}
	}
}

func TestChannelNamesFitPostgreSQL(t *testing.T) {
	name := channelName(strings.Repeat("p", 40), strings.Repeat("\xff", pubsub.MaxTopicLen))
	if len(name) > 63 {
		t.Fatalf("%q is %d bytes, over 63", name, len(name))
	}
	if channelName("liveapp_", "a") == channelName("liveapp_", "b") {
		t.Fatal("two topics on one channel")
	}
}

// FuzzParsePayload feeds the decoder what the network might: it must never panic, and what
// it accepts must encode back to the same payload.
func FuzzParsePayload(f *testing.F) {
	f.Add("p0123456789abcdef 2a projects:42 NDI")
	f.Add("t0123456789abcdef 1 a%20b%00 AP8")
	f.Fuzz(func(t *testing.T, payload string) {
		m, err := parsePayload(payload)
		if err != nil {
			return
		}
		if len(m.topic) == 0 || len(m.topic) > pubsub.MaxTopicLen {
			t.Fatalf("accepted topic of %d bytes", len(m.topic))
		}
		if again := string(appendPayload(nil, &m)); again != payload {
			t.Fatalf("%q decodes to %+v, which encodes to %q", payload, m, again)
		}
	})
}
