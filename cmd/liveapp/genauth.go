package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/liveapp/liveapp/internal/appgen"
)

func newGenAuthCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "gen.auth",
		Short: "Add accounts to an app made with liveapp new --no-auth",
		Long: `gen.auth adds accounts to the app it runs in, which liveapp new --no-auth made:
registration, log in by password or emailed link, settings, sessions, their
tests, the accounts schema, and the mail they send (a dev mailbox at
/dev/mailbox in development, SMTP in production). The result is what liveapp new
makes, without the sample projects resource.

It writes the accounts files, and puts the accounts code of shared files (the
routes, the layout, the configuration...) back where the liveapp:auth comments
are. Running it again changes nothing. It never overwrites a file you changed,
nor shared code whose liveapp:auth comments are gone or surround lines you
changed: it says which files, and writes nothing. --force replaces those files
with liveapp's version, losing your changes to them.`,
		Example: `  liveapp new blog --no-auth
  cd blog
  liveapp gen.auth`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGenAuth(cmd.OutOrStdout(), ".", force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite files you changed with liveapp's version")
	return cmd
}

func runGenAuth(out io.Writer, dir string, force bool) error {
	app, err := appgen.FindApp(dir)
	if err != nil {
		return err
	}
	res, err := appgen.AddAuth(app, force)
	if err != nil {
		return err
	}
	if len(res.Written) == 0 {
		_, err := fmt.Fprintln(out, "Nothing to do: the app has accounts already.")
		return err
	}
	listFiles(out, "write", "", res.Written)
	_, err = fmt.Fprintf(out, `
Added accounts to %s. Next:

    go test ./...

The app applies the accounts schema the next time it starts in development
(or run liveapp migrate). In production it now also needs SMTP_ADDR and
SMTP_FROM to send its emails; the README lists them.
`, app.Name)
	return err
}
