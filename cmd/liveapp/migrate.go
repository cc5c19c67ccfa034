package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/spf13/cobra"

	"github.com/liveapp/liveapp/internal/appgen"
	"github.com/liveapp/liveapp/internal/devdb"
)

func newMigrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the app's pending database migrations",
		Long: `migrate applies the pending migrations of the app it runs in (with liveapp's
accounts schema first, in an app with accounts) to the database DATABASE_URL
names or, when it is unset, to the development database liveapp dev uses
(.liveapp/db): it starts that one for the time it takes when no liveapp dev
runs, and creates it when there is none yet. It says which database it
migrates.

It runs the app's own migrate command, go run ./cmd/NAME migrate, in the app's
root, so it does what the deployed binary's "migrate" does: it runs only what
has not run yet, under a database lock.`,
		Example: `  liveapp migrate
  DATABASE_URL=postgres://localhost/shop_dev liveapp migrate`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMigrate(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), ".", os.Getenv)
		},
	}
}

// runMigrate runs the migrate command of the app dir is in, on the database
// DATABASE_URL names, or else on the app's development database.
func runMigrate(ctx context.Context, stdout, stderr io.Writer, dir string, getenv func(string) string) error {
	app, err := appgen.FindApp(dir)
	if err != nil {
		return err
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return errors.New("the go command is not on PATH: liveapp migrate runs the app with it")
	}
	url := getenv("DATABASE_URL")
	if url != "" {
		fmt.Fprintf(stdout, "migrating %s (DATABASE_URL)\n", url)
	} else {
		var stop func()
		url, stop, err = devDatabase(ctx, stdout, app)
		if err != nil {
			return err
		}
		defer stop()
	}
	cmd := exec.CommandContext(ctx, goCmd, "run", "./cmd/"+app.Name, "migrate")
	cmd.Dir = app.Dir
	cmd.Env = append(os.Environ(), "DATABASE_URL="+url)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go run ./cmd/%s migrate: %w", app.Name, err)
	}
	return nil
}

// devDatabase returns the URL of app's development database, which it starts
// (creating it on the first run) unless a liveapp dev runs it, and a function
// that stops what it started.
func devDatabase(ctx context.Context, out io.Writer, app *appgen.App) (url string, stop func(), err error) {
	db := devdb.New(app.Dir, app.Name)
	st, err := db.Status()
	if err != nil {
		return "", nil, err
	}
	if st.Running {
		fmt.Fprintf(out, "migrating the development database in %s, which runs: %s\n", devdb.Dir, st.URL)
		return st.URL, func() {}, nil
	}
	fmt.Fprintf(out, "DATABASE_URL is not set: starting the development database in %s…\n", devdb.Dir)
	started, err := db.Start(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("development database: %w\n(or set DATABASE_URL to the URL of the app's PostgreSQL database, such as\n\tDATABASE_URL=postgres://localhost/%s_dev liveapp migrate)", err, app.Name)
	}
	what := "started it"
	if started.Created {
		what = "created it"
	}
	fmt.Fprintf(out, "migrating the development database (%s): %s\n", what, started.URL)
	return started.URL, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := db.Stop(ctx); err != nil {
			fmt.Fprintln(out, "stopping the development database:", err)
			return
		}
		fmt.Fprintln(out, "stopped the development database")
	}, nil
}
