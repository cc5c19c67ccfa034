package pgpubsub

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/liveapp/liveapp/live/pubsub"
)

// MaxPayload is the longest NOTIFY payload PostgreSQL accepts, in bytes: its limit is
// "shorter than 8000 bytes" in a default build. A message's payload is its topic and data
// encoded as described in the package documentation, so its data can be about three
// quarters of that: some 5.8 KB for a short topic.
const MaxPayload = 7999

// nodeLen is the length of a node id: 8 random bytes in hex.
const nodeLen = 16

// The first byte of a payload says how it was published, and doubles as the format's
// version: a node drops payloads that start with anything else, as malformed.
const (
	kindPublish = 'p' // Publish: delivered locally already, so the sender ignores its echo
	kindTx      = 't' // PublishTx: every node, the sender included, delivers it from the server
)

// data64 encodes data: the standard alphabet, which has no space, without padding. Strict
// decoding refuses the encodings of the same bytes that Encode would not produce, so that
// a payload decodes only if it is the one encoding of its message.
var data64 = base64.RawStdEncoding.Strict()

// message is a payload, decoded.
type message struct {
	tx    bool   // published with PublishTx
	node  string // the publishing node's id
	seq   uint64 // the publishing node's count of messages
	topic string
	data  []byte
}

// channelName returns the NOTIFY channel of topic: prefix and 16 hex digits of the topic's
// SHA-256. Topics that share a channel are told apart by the topic inside the payload.
func channelName(prefix, topic string) string {
	sum := sha256.Sum256([]byte(topic))
	return prefix + hex.EncodeToString(sum[:8])
}

// encodedLen returns the length of m's payload.
func encodedLen(m *message) int {
	n := 1 + nodeLen + 1 + len(strconv.FormatUint(m.seq, 16)) + 1 + 1 + data64.EncodedLen(len(m.data))
	for i := 0; i < len(m.topic); i++ {
		if mustEscape(m.topic[i]) {
			n += 3
		} else {
			n++
		}
	}
	return n
}

// appendPayload appends m's payload to b:
//
//	kind node " " seq " " topic " " data
//
// kind is 'p' or 't', node 16 lowercase hex digits, seq lowercase hex, topic the topic with
// spaces, control characters, '%' and bytes from 0x7F up escaped as %XX, and data the data
// in base64 without padding. The payload is ASCII, which every server encoding accepts.
func appendPayload(b []byte, m *message) []byte {
	const digits = "0123456789ABCDEF"
	kind := byte(kindPublish)
	if m.tx {
		kind = kindTx
	}
	b = append(b, kind)
	b = append(b, m.node...)
	b = append(b, ' ')
	b = strconv.AppendUint(b, m.seq, 16)
	b = append(b, ' ')
	for i := 0; i < len(m.topic); i++ {
		c := m.topic[i]
		if mustEscape(c) {
			b = append(b, '%', digits[c>>4], digits[c&15])
		} else {
			b = append(b, c)
		}
	}
	b = append(b, ' ')
	return data64.AppendEncode(b, m.data)
}

func mustEscape(c byte) bool { return c <= ' ' || c >= 0x7F || c == '%' }

var errMalformed = errors.New("pgpubsub: malformed payload")

// parsePayload decodes a payload written by appendPayload. It refuses anything else with
// errMalformed, whatever the bytes: payloads come from the network. Empty data decodes to
// nil.
func parsePayload(s string) (message, error) {
	var m message
	head, rest, ok := strings.Cut(s, " ")
	if !ok || len(head) != 1+nodeLen || (head[0] != kindPublish && head[0] != kindTx) || !isLowerHex(head[1:]) {
		return m, errMalformed
	}
	m.tx, m.node = head[0] == kindTx, head[1:]
	seq, rest, ok := strings.Cut(rest, " ")
	if !ok || len(seq) == 0 || len(seq) > 16 || !isLowerHex(seq) || (len(seq) > 1 && seq[0] == '0') {
		return m, errMalformed
	}
	m.seq, _ = strconv.ParseUint(seq, 16, 64) // 16 hex digits at most: cannot overflow
	topic, data, ok := strings.Cut(rest, " ")
	if !ok {
		return m, errMalformed
	}
	var err error
	if m.topic, err = unescapeTopic(topic); err != nil {
		return m, err
	}
	if len(data) > 0 {
		// The decoder skips newlines; a payload has none.
		if strings.ContainsAny(data, "\r\n") {
			return m, errMalformed
		}
		if m.data, err = data64.DecodeString(data); err != nil {
			return m, errMalformed
		}
	}
	return m, nil
}

// unescapeTopic reverses the escaping of appendPayload, and accepts only what it writes.
func unescapeTopic(s string) (string, error) {
	if !strings.Contains(s, "%") {
		for i := 0; i < len(s); i++ {
			if mustEscape(s[i]) {
				return "", errMalformed
			}
		}
		if len(s) == 0 || len(s) > pubsub.MaxTopicLen {
			return "", errMalformed
		}
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) {
				return "", errMalformed
			}
			hi, lo := unhex(s[i+1]), unhex(s[i+2])
			if hi < 0 || lo < 0 {
				return "", errMalformed
			}
			c = byte(hi<<4 | lo)
			if !mustEscape(c) {
				return "", errMalformed
			}
			i += 2
		} else if mustEscape(c) {
			return "", errMalformed
		}
		b = append(b, c)
	}
	if len(b) == 0 || len(b) > pubsub.MaxTopicLen {
		return "", errMalformed
	}
	return string(b), nil
}

// unhex returns the value of an uppercase hex digit, or -1.
func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
