package main

import (
	"bytes"
	"log/slog"
	"regexp"
	"testing"
)

func TestDevLogLinesAreShort(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(&buf, true, slog.LevelInfo)
	log.Info("GET /projects", "status", 200)
	log.Warn("careful", slog.Group("req", "path", "/x"))
	log.Debug("hidden")
	want := regexp.MustCompile(`^time=\d\d:\d\d:\d\d msg="GET /projects" status=200\n` +
		`time=\d\d:\d\d:\d\d level=WARN msg=careful req.path=/x\n$`)
	if !want.Match(buf.Bytes()) {
		t.Errorf("the dev log:\n%s", buf.String())
	}

	buf.Reset()
	newLogger(&buf, false, slog.LevelInfo).Info("GET /projects", "status", 200)
	if !regexp.MustCompile(`^\{"time":"\d{4}-.*","level":"INFO","msg":"GET /projects","status":200\}\n$`).Match(buf.Bytes()) {
		t.Errorf("the production log:\n%s", buf.String())
	}
}
