package loadproc

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Flags holds what the flags every load tool takes set: -timeout, -json and
// -v. A tool's configuration embeds it.
type Flags struct {
	Timeout time.Duration // -timeout: the bound on the whole run
	JSON    bool          // -json: print the report as JSON instead of a table
	Verbose bool          // -v: copy the server's output to stderr
}

// Parse defines -timeout, -json and -v on fs, with f's values as their
// defaults, then parses args with fs and fails when arguments other than flags
// remain: the load tools take none.
func (f *Flags) Parse(fs *flag.FlagSet, args []string) error {
	fs.DurationVar(&f.Timeout, "timeout", f.Timeout, "bound on the whole run")
	fs.BoolVar(&f.JSON, "json", f.JSON, "print the report as JSON")
	fs.BoolVar(&f.Verbose, "v", f.Verbose, "copy the server's output to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return nil
}

// Report is what one run of a load tool found. Main prints it with WriteTable,
// or with -json as JSON (see WriteJSON).
type Report interface {
	WriteTable(w io.Writer)
}

// Main runs a load tool and returns its exit code. name starts the tool's
// error messages; flagErr is what parsing its command line returned.
//
// After -h (flag.ErrHelp) Main returns 0, and after another flagErr it prints
// the error and returns 2. Otherwise it calls run with a context that Ctrl-C
// and SIGTERM cancel, and prints the report run returns, when not nil, to
// stdout: as JSON when asJSON is set, else as a table. It prints the report of
// a run that fails part way too, then run's error to stderr, and returns 1;
// after a run without error it returns 0.
func Main[T any, R interface {
	*T
	Report
}](name string, stdout, stderr io.Writer, flagErr error, asJSON bool, run func(context.Context) (R, error)) int {
	if errors.Is(flagErr, flag.ErrHelp) {
		return 0
	}
	if flagErr != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, flagErr)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx)
	if rep != nil {
		if asJSON {
			_ = WriteJSON(stdout, rep)
		} else {
			rep.WriteTable(stdout)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

// WriteJSON writes report to w as indented JSON, as Main prints it with -json.
func WriteJSON(w io.Writer, report any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(report)
}
