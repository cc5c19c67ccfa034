package live

import (
	"bufio"
	"bytes"
	"io"
	"testing"
)

// maskedFrame builds a client frame: final, with opcode op, masked with mask.
func maskedFrame(op byte, payload string, mask [4]byte) []byte {
	f := []byte{0x80 | op, 0x80 | byte(len(payload))}
	f = append(f, mask[:]...)
	for i := range len(payload) {
		f = append(f, payload[i]^mask[i%4])
	}
	return f
}

func TestTakeHeartbeatConsumesOnlyWholeHeartbeats(t *testing.T) {
	mask := [4]byte{0x12, 0x34, 0x56, 0x78}
	hb := maskedFrame(1, heartbeatJSON, mask)
	event := maskedFrame(1, `{"t":"e","ref":1,"n":"inc","k":"click","p":{}}`, mask)
	for _, c := range []struct {
		name  string
		input []byte
		taken bool
	}{
		{"a heartbeat", hb, true},
		{"a heartbeat then an event", append(append([]byte{}, hb...), event...), true},
		{"an event", event, false},
		{"nine other bytes", maskedFrame(1, `{"t":"x"}`, mask), false},
		{"a binary frame with the heartbeat's bytes", maskedFrame(2, heartbeatJSON, mask), false},
		{"a close frame", maskedFrame(8, "\x03\xe8", mask), false},
		{"a heartbeat cut short", hb[:10], false},
	} {
		t.Run(c.name, func(t *testing.T) {
			br := bufio.NewReaderSize(bytes.NewReader(c.input), readBufferSize)
			if got := takeHeartbeat(br); got != c.taken {
				t.Fatalf("takeHeartbeat = %v, want %v", got, c.taken)
			}
			rest, _ := io.ReadAll(br)
			want := c.input
			if c.taken {
				want = c.input[len(hb):]
			}
			if !bytes.Equal(rest, want) {
				t.Errorf("left %x in the reader, want %x", rest, want)
			}
		})
	}
}
