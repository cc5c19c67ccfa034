package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/liveapp/liveapp/internal/appgen"
)

func newMigrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the app's pending database migrations",
		Long: `migrate applies the pending migrations of the app it runs in (with liveapp's
accounts schema first, in an app with accounts) to the database DATABASE_URL
names. It runs the app's own migrate command, go run ./cmd/NAME migrate, in the
app's root, so it does what the deployed binary's "migrate" does: it runs only
what has not run yet, under a database lock.`,
		Example: `  DATABASE_URL=postgres://localhost/shop_dev liveapp migrate`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMigrate(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), ".", os.Getenv)
		},
	}
}

// runMigrate runs the migrate command of the app dir is in, with the
// environment of this process, which must set DATABASE_URL.
func runMigrate(ctx context.Context, stdout, stderr io.Writer, dir string, getenv func(string) string) error {
	app, err := appgen.FindApp(dir)
	if err != nil {
		return err
	}
	if getenv("DATABASE_URL") == "" {
		return fmt.Errorf("DATABASE_URL is not set: set it to the URL of the app's PostgreSQL database, such as\n\tDATABASE_URL=postgres://localhost/%s_dev liveapp migrate", app.Name)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return errors.New("the go command is not on PATH: liveapp migrate runs the app with it")
	}
	cmd := exec.CommandContext(ctx, goCmd, "run", "./cmd/"+app.Name, "migrate")
	cmd.Dir = app.Dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go run ./cmd/%s migrate: %w", app.Name, err)
	}
	return nil
}
