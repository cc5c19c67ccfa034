package live

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/liveapp/liveapp/live/internal/dom"
)

// Client frame kinds (docs/protocol.md, section 3.1).
const (
	frameEvent     = "e"
	frameNavigate  = "nav"
	framePatch     = "patch"
	frameSync      = "sync"
	frameHeartbeat = "h"

	// frameFlood is never sent by a client: the reader queues it after a flood so that
	// the worker closes the socket once it has answered the frames before it.
	frameFlood = "lv:flood"
)

// heartbeatJSON is the heartbeat frame as the client sends it, and as the server answers
// it: the reader recognises it without decoding, and it needs no ref.
const heartbeatJSON = `{"t":"h"}`

// heartbeatFrame is the server's answer to a heartbeat.
var heartbeatFrame = []byte(heartbeatJSON)

// Limits on what one client frame may hold, beyond the frame size limit.
const (
	maxEventName = 128
	maxParams    = 512
	maxURL       = 8 << 10 // a live page's URL; see deadRender and maxViewToken
)

var eventKinds = map[string]bool{
	"click": true, "submit": true, "change": true, "input": true,
	"keydown": true, "keyup": true, "focus": true, "blur": true,
	"hook": true, // pushed by a client hook's pushEvent
}

// clientFrame is one decoded, validated client frame.
type clientFrame struct {
	Kind   string
	Ref    int64
	Event  string // event name, for "e"
	Target string // the component the event is for, "" for the view; for "e"
	Source string // event kind (click, submit...), for "e"
	Params Params
	URL    string       // for "nav" and "patch"
	Upload *uploadFrame // for "up", "upp" and chunks; see upload_wire.go
}

// clientFrames holds event frames the worker has handled, for the reader to decode the
// next ones into: the frame was a sixth of what an event allocated. Only an event frame
// goes back (releaseEvent); upload frames wait in gates for longer.
var clientFrames = sync.Pool{New: func() any { return new(clientFrame) }}

// releaseEvent gives f back to clientFrames once its event is handled, when it is one.
// Nothing keeps an event frame past its handling: handlers get its Params, which stay
// theirs.
func releaseEvent(f *clientFrame) {
	if f.Kind == frameEvent {
		*f = clientFrame{}
		clientFrames.Put(f)
	}
}

// FrameError describes a client frame the server cannot accept. The connection stays up;
// the client gets an error frame with the message.
type FrameError struct {
	Ref    int64 // the frame's ref, when it could be read
	Reason string
}

func (e *FrameError) Error() string { return "live: bad frame: " + e.Reason }

type rawFrame struct {
	T   string                     `json:"t"`
	Ref json.RawMessage            `json:"ref"`
	N   string                     `json:"n"`
	K   string                     `json:"k"`
	C   string                     `json:"c"` // "e": the target component
	P   map[string]json.RawMessage `json:"p"`
	URL string                     `json:"url"`
	F   json.RawMessage            `json:"f"`   // "up": the files offered
	ID  string                     `json:"id"`  // "upp": the entry
	Pct *int                       `json:"pct"` // "upp": the progress
}

// decodeClientFrame parses and validates one client frame. Every problem is a *FrameError.
func decodeClientFrame(data []byte) (*clientFrame, error) {
	d := frameDecoders.Get().(*frameDecoder)
	f, err := d.frame(data)
	if d.reusable(data) {
		frameDecoders.Put(d)
	}
	return f, err
}

// frame decodes and validates data with d.
func (d *frameDecoder) frame(data []byte) (*clientFrame, error) {
	raw, err := d.decode(data)
	if err != nil {
		return nil, &FrameError{Reason: jsonReason(err)}
	}
	f := clientFrames.Get().(*clientFrame)
	f.Kind = raw.T
	if raw.Ref != nil {
		n, err := strconv.ParseInt(string(raw.Ref), 10, 64)
		if err != nil || n <= 0 {
			return nil, &FrameError{Reason: "ref must be a positive integer"}
		}
		f.Ref = n
	}
	fail := func(reason string) (*clientFrame, error) { return nil, &FrameError{Ref: f.Ref, Reason: reason} }
	if raw.T == frameHeartbeat {
		return f, nil
	}
	if f.Ref == 0 {
		return fail("ref is missing")
	}
	switch raw.T {
	case frameEvent:
		if raw.N == "" || len(raw.N) > maxEventName || !utf8.ValidString(raw.N) {
			return fail("event name must be 1 to 128 characters")
		}
		if !eventKinds[raw.K] {
			return fail(fmt.Sprintf("unknown event kind %q", truncate(raw.K, 32)))
		}
		if len(raw.P) > maxParams {
			return fail("too many parameters")
		}
		if len(raw.C) > maxComponentID {
			return fail("target must be at most 64 characters")
		}
		f.Event, f.Source, f.Target = raw.N, raw.K, raw.C
		f.Params = make(Params, len(raw.P))
		for name, v := range raw.P {
			vals, err := decodeParamValue(v)
			if err != nil {
				return fail(fmt.Sprintf("parameter %q: %v", truncate(name, 64), err))
			}
			f.Params[name] = vals
		}
	case frameNavigate, framePatch:
		if len(raw.URL) > maxURL {
			return fail("url is longer than 8 KiB")
		}
		if !localPath(raw.URL) {
			return fail("url must be a local path")
		}
		f.URL = raw.URL
	case frameSync:
	case frameUpload:
		if err := decodeUploadOffer(f, raw); err != nil {
			return fail(err.Error())
		}
	case frameUploadProgress:
		if err := decodeUploadProgress(f, raw); err != nil {
			return fail(err.Error())
		}
	default:
		return fail(fmt.Sprintf("unknown frame kind %q", truncate(raw.T, 32)))
	}
	return f, nil
}

// decodeParamValue accepts a JSON string or an array of strings. v is valid JSON: the
// frame it came from decoded.
func decodeParamValue(v json.RawMessage) ([]string, error) {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '"' {
		if plain := v[1 : len(v)-1]; bytes.IndexByte(plain, '\\') < 0 && utf8.Valid(plain) {
			return []string{string(plain)}, nil // what json.Unmarshal gives, without its decoder
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, fmt.Errorf("malformed string")
		}
		return []string{s}, nil
	}
	if len(v) > 0 && v[0] == '[' {
		var ss []string
		if err := json.Unmarshal(v, &ss); err != nil {
			return nil, fmt.Errorf("must be a string or an array of strings")
		}
		return ss, nil
	}
	return nil, fmt.Errorf("must be a string or an array of strings")
}

// frameDecoder decodes client frames with a json.Decoder that it feeds one frame at a
// time, into a rawFrame. Both are reused through frameDecoders: a decoder, its buffers and
// a rawFrame per frame were a third of what an event allocated.
type frameDecoder struct {
	r      bytes.Reader
	dec    *json.Decoder
	raw    rawFrame
	fed    int64 // the bytes of every frame decoded, each read to its end
	failed bool  // the last frame did not decode
}

var frameDecoders = sync.Pool{New: func() any {
	d := new(frameDecoder)
	d.dec = json.NewDecoder(&d.r)
	return d
}}

// errTrailing is data after a frame's JSON value.
var errTrailing = errors.New("trailing data after the frame")

// decode decodes data, which must hold one JSON value and nothing but whitespace after
// it. The rawFrame returned is valid until d decodes again.
func (d *frameDecoder) decode(data []byte) (*rawFrame, error) {
	p := d.raw.P
	clear(p) // json merges into a map it finds
	d.raw, d.failed = rawFrame{P: p}, true
	d.r.Reset(data)
	if err := d.dec.Decode(&d.raw); err != nil {
		return nil, err // and a json.Decoder keeps returning it
	}
	// The decoder has read every earlier frame to its end, so it started at data[0].
	end := d.dec.InputOffset() - d.fed
	if len(bytes.TrimLeft(data[end:], " \t\r\n")) > 0 {
		return nil, errTrailing
	}
	d.failed = false
	return &d.raw, nil
}

// reusable reports whether d may decode another frame after data, the frame it just
// decoded: not after an error, nor when data did not end with its value, nor after a
// large frame, whose buffer it would keep.
func (d *frameDecoder) reusable(data []byte) bool {
	d.fed += int64(len(data))
	return !d.failed && d.dec.InputOffset() == d.fed && len(data) <= maxPooledFrame && len(d.raw.P) <= maxPooledParams
}

// Frames and parameter maps past these sizes are not worth keeping in a pool.
const (
	maxPooledFrame  = 4 << 10
	maxPooledParams = 32
)

// jsonReason says why a frame did not decode.
func jsonReason(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("malformed JSON: syntax error at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("malformed JSON: field %q has the wrong type", e.Field)
	}
	if err == errTrailing {
		return err.Error()
	}
	return "malformed JSON: not a JSON object" // empty or cut short
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Server frames are built by appending to a byte slice: they are small, hot, and must not
// escape < and > the way encoding/json does by default.

// appendString appends s as a JSON string, leaving < and > unescaped.
func appendString(b []byte, s string) []byte { return dom.AppendJSONString(b, s) }

func frameReply(ref int64, ops []byte, errMsg string, pushes []pushed) []byte {
	return frameReplyValue(ref, ops, errMsg, nil, pushes)
}

// frameReplyValue is frameReply with the value the handler replied with (Socket.Reply),
// JSON, or nil for none.
func frameReplyValue(ref int64, ops []byte, errMsg string, rep json.RawMessage, pushes []pushed) []byte {
	return appendReply(make([]byte, 0, 32+len(ops)+len(errMsg)+len(rep)), ref, ops, errMsg, rep, pushes)
}

// appendReply appends frameReplyValue's frame to b.
func appendReply(b []byte, ref int64, ops []byte, errMsg string, rep json.RawMessage, pushes []pushed) []byte {
	b = append(b, `{"t":"r","ref":`...)
	b = strconv.AppendInt(b, ref, 10)
	if len(ops) > 0 {
		b = append(b, `,"ops":`...)
		b = append(b, ops...)
	}
	if errMsg != "" {
		b = append(b, `,"err":`...)
		b = appendString(b, errMsg)
	}
	if rep != nil {
		b = append(b, `,"rep":`...)
		b = append(b, rep...)
	}
	b = appendPushes(b, pushes)
	return append(b, '}')
}

func frameOps(ops []byte, pushes []pushed) []byte {
	b := make([]byte, 0, 16+len(ops))
	b = append(b, `{"t":"ops"`...)
	if len(ops) > 0 {
		b = append(b, `,"ops":`...)
		b = append(b, ops...)
	}
	b = appendPushes(b, pushes)
	return append(b, '}')
}

// appendPushes adds the "ev" field: the events a view pushed, as [name, payload] pairs, to
// be dispatched after the frame's patches are applied.
func appendPushes(b []byte, pushes []pushed) []byte {
	if len(pushes) == 0 {
		return b
	}
	b = append(b, `,"ev":[`...)
	for i, p := range pushes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendString(b, p.event)
		b = append(b, ',')
		b = append(b, p.payload...)
		b = append(b, ']')
	}
	return append(b, ']')
}

// renderFrame fields; empty ones are left out.
type renderFrame struct {
	html, url, title, token, session string
	pushes                           []pushed
}

func (f renderFrame) encode() []byte {
	b := make([]byte, 0, 64+len(f.html)+len(f.token))
	b = append(b, `{"t":"render","html":`...)
	b = appendString(b, f.html)
	for _, kv := range [...]struct{ k, v string }{{"url", f.url}, {"title", f.title}, {"token", f.token}, {"session", f.session}} {
		if kv.v != "" {
			b = append(b, `,"`...)
			b = append(b, kv.k...)
			b = append(b, `":`...)
			b = appendString(b, kv.v)
		}
	}
	b = appendPushes(b, f.pushes)
	return append(b, '}')
}

func frameRedirect(to, flash string) []byte {
	b := append([]byte(`{"t":"redirect","to":`), appendString(nil, to)...)
	if flash != "" {
		b = append(b, `,"flash":`...)
		b = appendString(b, flash)
	}
	return append(b, '}')
}

func frameURL(to string) []byte {
	return append(append([]byte(`{"t":"url","to":`), appendString(nil, to)...), '}')
}

func frameTitle(title string) []byte {
	return append(append([]byte(`{"t":"title","title":`), appendString(nil, title)...), '}')
}

func frameError(msg string) []byte {
	return append(append([]byte(`{"t":"error","msg":`), appendString(nil, msg)...), '}')
}
