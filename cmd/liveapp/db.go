package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/liveapp/liveapp/internal/appgen"
	"github.com/liveapp/liveapp/internal/devdb"
)

func newDBCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the development database liveapp dev provides",
		Long: `db manages the development database of the app it runs in: the PostgreSQL
cluster liveapp dev creates in .liveapp/db when DATABASE_URL is unset.`,
		Example: `  liveapp db status
  liveapp db stop
  liveapp db reset --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Say whether the development database exists and runs, and its URL",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDBStatus(cmd.OutOrStdout(), ".")
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "stop",
		Short: "Stop the development database's server (one left by liveapp dev --keep-db)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDBStop(cmd.Context(), cmd.OutOrStdout(), ".")
		},
	})
	var yes bool
	reset := &cobra.Command{
		Use:   "reset",
		Short: "Delete the development database, data and all (needs --yes)",
		Long: `reset stops the development database and deletes its cluster, .liveapp/db,
with all its data. The next liveapp dev creates a fresh one and applies the
migrations to it. It does nothing without --yes.`,
		Example: `  liveapp db reset --yes`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDBReset(cmd.Context(), cmd.OutOrStdout(), ".", yes)
		},
	}
	reset.Flags().BoolVar(&yes, "yes", false, "really delete the development database")
	cmd.AddCommand(reset)
	return cmd
}

// appDB returns the development database of the app dir is in.
func appDB(dir string) (*devdb.DB, error) {
	app, err := appgen.FindApp(dir)
	if err != nil {
		return nil, err
	}
	return devdb.New(app.Dir, app.Name), nil
}

func runDBStatus(out io.Writer, dir string) error {
	db, err := appDB(dir)
	if err != nil {
		return err
	}
	st, err := db.Status()
	if err != nil {
		return err
	}
	if !st.Created {
		fmt.Fprintf(out, "no development database yet: liveapp dev creates it in %s\n", st.Dir)
		return nil
	}
	state := "stopped"
	if st.Running {
		state = fmt.Sprintf("running (pid %d)", st.PID)
	}
	if st.InUse {
		state += ", used by a liveapp dev"
	}
	fmt.Fprintf(out, "cluster   %s: PostgreSQL %s, %s\n", st.Dir, st.Version, state)
	fmt.Fprintf(out, "database  %s\n", st.URL)
	return nil
}

func runDBStop(ctx context.Context, out io.Writer, dir string) error {
	db, err := appDB(dir)
	if err != nil {
		return err
	}
	st, err := db.Status()
	if err != nil {
		return err
	}
	if !st.Running {
		fmt.Fprintln(out, "the development database is not running")
		return nil
	}
	if err := db.Stop(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "stopped the development database")
	return nil
}

func runDBReset(ctx context.Context, out io.Writer, dir string, yes bool) error {
	db, err := appDB(dir)
	if err != nil {
		return err
	}
	st, err := db.Status()
	if err != nil {
		return err
	}
	if !st.Created {
		fmt.Fprintln(out, "no development database: nothing to reset")
		return nil
	}
	if !yes {
		return fmt.Errorf("reset deletes the development database in %s with all its data; to do it, run\n\tliveapp db reset --yes", st.Dir)
	}
	if err := db.Reset(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "deleted the development database; the next liveapp dev creates a fresh one\n")
	return nil
}
