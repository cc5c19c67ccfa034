package client_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"testing"

	"github.com/liveapp/liveapp/live/client"
	"github.com/liveapp/liveapp/live/client/internal/minify"
)

func TestFilename(t *testing.T) {
	name := client.Filename()
	if !regexp.MustCompile(`^client-[0-9a-f]{8}\.js$`).MatchString(name) {
		t.Errorf("Filename() = %q, want client-<8 hex digits>.js", name)
	}
	if again := client.Filename(); again != name {
		t.Errorf("Filename() changed from %q to %q", name, again)
	}
	if len(client.Source()) == 0 {
		t.Error("Source() is empty")
	}
}

func TestHandler(t *testing.T) {
	h := client.Handler()
	script := "/live/" + client.Filename()
	tests := []struct {
		name, method, path, acceptEncoding string
		wantStatus                         int
		wantGzip                           bool
	}{
		{"the hashed name is served", "GET", script, "", http.StatusOK, false},
		{"the hashed name is served gzipped when accepted", "GET", script, "gzip, br", http.StatusOK, true},
		{"gzip;q=0 is not accepted", "GET", script, "gzip;q=0", http.StatusOK, false},
		{"HEAD is served", "HEAD", script, "", http.StatusOK, false},
		{"another hash is not found", "GET", "/live/client-00000000.js", "", http.StatusNotFound, false},
		{"the plain name is not found", "GET", "/live/client.js", "", http.StatusNotFound, false},
		{"a directory is not found", "GET", "/live/", "", http.StatusNotFound, false},
		{"POST is refused", "POST", script, "", http.StatusMethodNotAllowed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			for key, want := range map[string]string{
				"Content-Type":  "text/javascript; charset=utf-8",
				"Cache-Control": "public, max-age=31536000, immutable",
			} {
				if got := rec.Header().Get(key); got != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
			}
			if tt.method == "HEAD" {
				return
			}
			body := rec.Body.Bytes()
			if got := rec.Header().Get("Content-Encoding") == "gzip"; got != tt.wantGzip {
				t.Fatalf("gzip = %v, want %v", got, tt.wantGzip)
			}
			if tt.wantGzip {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, client.Source()) {
				t.Error("the body is not the script")
			}
		})
	}
}

func TestHandlerConditionalRequest(t *testing.T) {
	h := client.Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/live/"+client.Filename(), nil))
	req := httptest.NewRequest("GET", "/live/"+client.Filename(), nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("status = %d, want 304 for the same ETag", rec.Code)
	}
}

// TestMinifiedClientIsUpToDate fails when client.js changed without go generate.
func TestMinifiedClientIsUpToDate(t *testing.T) {
	src, err := os.ReadFile("client.js")
	if err != nil {
		t.Fatal(err)
	}
	want, err := minify.Minify(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(client.Source(), want) {
		t.Fatal("client.min.js is out of date: run go generate ./live/client")
	}
}

// TestClientStaysSmall holds the served client to its weight budget: 8 KiB gzipped, six
// times lighter than Phoenix LiveView's client with phoenix.js.
func TestClientStaysSmall(t *testing.T) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(client.Source())
	zw.Close()
	t.Logf("client: %d bytes, %d gzipped", len(client.Source()), buf.Len())
	if buf.Len() > 8<<10 {
		t.Errorf("the client is %d bytes gzipped, over its budget of 8 KiB", buf.Len())
	}
}
