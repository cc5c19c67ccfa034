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

// uploadSource is the upload script as served: upload.js minified. The client loads it
// from beside itself the first time a page offers files.
//
//go:embed upload.min.js
var uploadSource []byte

// devSource is the dev-mode script as served: dev.js minified. Pages of a server in dev
// mode load it before the client.
//
//go:embed dev.min.js
var devSource []byte

// Source returns the client script as served, minified. The slice is shared: callers
// must not modify it.
func Source() []byte { return source }

// UploadSource returns the upload script as served, minified. The slice is shared.
func UploadSource() []byte { return uploadSource }

// DevSource returns the dev-mode script as served, minified. The slice is shared.
func DevSource() []byte { return devSource }

// hash is the first 8 hex digits of the SHA-256 of the scripts, computed once: the client
// finds the upload script by its own name, so every name changes when any script does.
var hash = sync.OnceValue(func() string {
	h := sha256.New()
	h.Write(source)
	h.Write(uploadSource)
	h.Write(devSource)
	return hex.EncodeToString(h.Sum(nil)[:4])
})

// gzipOnce compresses a script once, for the browsers that accept gzip.
func gzipOnce(b []byte) func() []byte {
	return sync.OnceValue(func() []byte {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	})
}

var (
	gzipped       = gzipOnce(source)
	uploadGzipped = gzipOnce(uploadSource)
	devGzipped    = gzipOnce(devSource)
)

// Filename returns the script's content-hashed file name, such as "client-3f2a9c1b.js".
// It is the same for the life of the process and changes whenever the script does.
func Filename() string { return "client-" + hash() + ".js" }

// UploadFilename returns the upload script's file name, such as "upload-3f2a9c1b.js":
// the client's, with upload for client. Serve it from the same directory.
func UploadFilename() string { return "upload-" + hash() + ".js" }

// DevFilename returns the dev-mode script's file name, such as "dev-3f2a9c1b.js". Serve it
// from the same directory.
func DevFilename() string { return "dev-" + hash() + ".js" }

// Handler returns a handler that serves the client script when the last element of the
// request path is Filename, the upload script when it is UploadFilename, the dev-mode
// script when it is DevFilename, and answers 404
// Not Found to any other name. The response
// is marked immutable and cacheable for a year, which the hashed name makes safe, and
// is gzip-compressed when the request accepts it. It serves GET and HEAD, answers
// conditional requests, and is safe for concurrent use.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		body, zipped, tag := source, gzipped, hash()
		switch name {
		case Filename():
		case UploadFilename():
			body, zipped, tag = uploadSource, uploadGzipped, "u"+hash()
		case DevFilename():
			body, zipped, tag = devSource, devGzipped, "d"+hash()
		default:
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
		etag := `"` + tag + `"`
		if acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body, etag = zipped(), `"`+tag+`-gz"`
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
