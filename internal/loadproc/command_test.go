package loadproc

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

type testReport struct{ Views int }

func (r *testReport) WriteTable(w io.Writer) { fmt.Fprintf(w, "views: %d\n", r.Views) }

func TestMainExitCodesAndOutput(t *testing.T) {
	failed := errors.New("server exited")
	for _, tc := range []struct {
		name       string
		flagErr    error
		asJSON     bool
		rep        *testReport
		err        error
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "-h exits 0 without running", flagErr: flag.ErrHelp, wantCode: 0},
		{name: "a bad command line exits 2 with its error", flagErr: errors.New("-n: no counts"), wantCode: 2, wantStderr: "tool: -n: no counts\n"},
		{name: "a run without error prints its report as a table", rep: &testReport{Views: 3}, wantCode: 0, wantStdout: "views: 3\n"},
		{name: "-json prints the report as JSON", asJSON: true, rep: &testReport{Views: 3}, wantCode: 0, wantStdout: "{\n  \"Views\": 3\n}\n"},
		{name: "a run that fails part way prints its report, then its error, and exits 1", rep: &testReport{Views: 1}, err: failed, wantCode: 1, wantStdout: "views: 1\n", wantStderr: "tool: server exited\n"},
		{name: "a run that fails before measuring prints no report", err: failed, wantCode: 1, wantStderr: "tool: server exited\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			ran := false
			code := Main("tool", &stdout, &stderr, tc.flagErr, tc.asJSON, func(ctx context.Context) (*testReport, error) {
				ran = true
				if ctx.Err() != nil {
					t.Error("run's context is done at the start")
				}
				return tc.rep, tc.err
			})
			if code != tc.wantCode || stdout.String() != tc.wantStdout || stderr.String() != tc.wantStderr {
				t.Errorf("code %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout.String(), stderr.String(), tc.wantCode, tc.wantStdout, tc.wantStderr)
			}
			if ran != (tc.flagErr == nil) {
				t.Errorf("run called: %v, want %v", ran, tc.flagErr == nil)
			}
		})
	}
}

func TestFlagsParse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		want    Flags
		wantErr string
	}{
		{name: "defaults are the values given", args: nil, want: Flags{Timeout: time.Minute}},
		{name: "sets all three", args: []string{"-timeout", "5s", "-json", "-v"}, want: Flags{Timeout: 5 * time.Second, JSON: true, Verbose: true}},
		{name: "rejects arguments that are not flags", args: []string{"-json", "extra"}, wantErr: `unexpected arguments ["extra"]`},
		{name: "rejects unknown flags", args: []string{"-bogus"}, wantErr: "flag provided but not defined: -bogus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := Flags{Timeout: time.Minute}
			fs := flag.NewFlagSet("tool", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			err := f.Parse(fs, tc.args)
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("Parse(%q) = %v, want an error containing %q", tc.args, err, tc.wantErr)
				}
			case err != nil:
				t.Errorf("Parse(%q) = %v", tc.args, err)
			case f != tc.want:
				t.Errorf("Parse(%q) set %+v, want %+v", tc.args, f, tc.want)
			}
		})
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Minute); !errors.Is(err, context.Canceled) || time.Since(start) > 10*time.Second {
		t.Errorf("Sleep with a cancelled context = %v after %v, want context.Canceled at once", err, time.Since(start))
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep(1ms) = %v", err)
	}
}
