package client

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"
)

// source is the script as served: client.js minified (go generate; a test checks that it
// is up to date).
//
//go:embed client.min.js
var source []byte

// Source returns the client script as served, minified. The slice is shared: callers
// must not modify it.
func Source() []byte { return source }

// hash is the first 8 hex digits of the script's SHA-256, computed once.
var hash = sync.OnceValue(func() string {
	sum := sha256.Sum256(source)
	return hex.EncodeToString(sum[:4])
})

// gzipped is the script compressed once, for the browsers that accept gzip.
var gzipped = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(source)
	zw.Close()
	return buf.Bytes()
})

// Filename returns the script's content-hashed file name, such as "client-3f2a9c1b.js".
// It is the same for the life of the process and changes whenever the script does.
func Filename() string { return "client-" + hash() + ".js" }

// Handler returns a handler that serves the script when the last element of the
// request path is Filename, and answers 404 Not Found to any other name. The response
// is marked immutable and cacheable for a year, which the hashed name makes safe, and
// is gzip-compressed when the request accepts it. It serves GET and HEAD, answers
// conditional requests, and is safe for concurrent use.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		if name != Filename() {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Vary", "Accept-Encoding")
		body, etag := source, `"`+hash()+`"`
		if acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body, etag = gzipped(), `"`+hash()+`-gz"`
		}
		h.Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

// acceptsGzip reports whether the request's Accept-Encoding lists gzip with a
// non-zero quality.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q = strings.ReplaceAll(strings.TrimSpace(q), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
