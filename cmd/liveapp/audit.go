package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/liveapp/liveapp/internal/appgen"
	"github.com/liveapp/liveapp/internal/audit"
)

func newAuditCmd() *cobra.Command {
	var asJSON, strict bool
	var liveURL string
	cmd := &cobra.Command{
		Use:   "audit [--json] [--strict] [--live URL]",
		Short: "Report the app's attack surface and flag what is unprotected",
		Long: `audit lists every live route of the app in the current directory (or the one
above it with the go.mod): its live session and hooks in run order, whether it
is reachable without logging in, its view and template, its events with their
rate limits, declared requirements and the data they write, what it assigns
for its template, and the PubSub topics it subscribes to.

It flags a view reachable without login that is not marked public, an event
that writes data without a declared requirement, a data store call without a
scope, SQL run from a view outside a store, the websocket Origin check off or
open to any origin, dev mode or the dev secret in the production
configuration, argon2id below OWASP's minimum, and a CSP or cookie flags
weaker than the defaults.

It reads the route table from the app's own "audit" subcommand, which it
builds into a temporary directory and runs (it neither serves nor touches the
database), and analyzes the app's Go source without running any of it.

--live URL probes a running app too, sending requests to URL's origin only:
its security headers and cookie flags, and websocket handshakes that must be
refused (a foreign Origin, no CSRF token) and a frame over the size limit.

Exit status: 0 clean, 1 findings (warnings count only with --strict), 2 the
audit could not run (not in an app, the app does not build, --live unreachable).
The --json report's schema is in docs/audit.md.`,
		Example: `  liveapp audit
  liveapp audit --json --strict > audit.json
  liveapp audit --live http://localhost:4000/`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.NoArgs(cmd, args); err != nil {
				return &exitError{code: 2, err: err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAudit(cmd.Context(), cmd.OutOrStdout(), ".", auditOptions{JSON: asJSON, Strict: strict, Live: liveURL})
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{code: 2, err: err} })
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON (schema liveapp.audit/v1)")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail on warnings too")
	cmd.Flags().StringVar(&liveURL, "live", "", "also probe the app running at `URL`")
	return cmd
}

type auditOptions struct {
	JSON, Strict bool
	Live         string
}

// runAudit audits the app dir is in and prints the report on out. It returns
// an *exitError with code 1 when the audit fails, 2 when it cannot run.
func runAudit(ctx context.Context, out io.Writer, dir string, opts auditOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	app, err := appgen.FindApp(dir)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	report, err := audit.Run(ctx, audit.Target{Dir: app.Dir, Name: app.Name, Packages: []string{"./..."}, Command: "./cmd/" + app.Name})
	if err == nil && opts.Live != "" {
		err = audit.RunProbe(ctx, report, opts.Live, 10*time.Second)
	}
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if opts.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		err = enc.Encode(report)
	} else {
		err = report.WriteText(out)
	}
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if report.Failed(opts.Strict) {
		return &exitError{code: 1, err: fmt.Errorf("audit: %d errors, %d warnings", report.Summary.Errors, report.Summary.Warnings), quiet: opts.JSON}
	}
	return nil
}

// exitError ends liveapp with code rather than 1. A quiet one prints
// nothing: the output said it all.
type exitError struct {
	code  int
	err   error
	quiet bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitCode returns the status liveapp exits with after err, and whether to
// print err.
func exitCode(err error) (code int, print bool) {
	var e *exitError
	if errors.As(err, &e) {
		return e.code, !e.quiet
	}
	return 1, true
}
