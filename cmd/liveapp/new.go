package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/liveapp/liveapp/internal/appgen"
	"github.com/liveapp/liveapp/internal/scaffold"
)

func newNewCmd() *cobra.Command {
	var module string
	var noAuth bool
	cmd := &cobra.Command{
		Use:   "new NAME",
		Short: "Create a new app in the directory NAME",
		Long: `new creates a liveapp app in the directory NAME: a web app with accounts
(registration, log in by password or emailed link, settings, sessions), a
sample resource (projects, owned by users), migrations, tests, and a README
that explains each part.

The app carries its own copy of liveapp in third_party/liveapp, which its
go.mod points at, so liveapp need not be published: the app builds with the
modules liveapp itself uses (pgx and a few more), from the Go module cache or
the module proxy, and its go.sum already lists them. liveapp.sum records what
liveapp wrote, so that liveapp upgrade can later replace the copy, and the
files you have not changed, with a newer liveapp's.

NAME is lower-case letters, digits and underscores, starting with a letter.
It may not be go, toolchain, vendor or testdata, under which the go command
cannot build an app.

With --no-auth the app has no accounts and no projects: a home page, the
layout, configuration, migrations and tests. liveapp gen.auth adds accounts
later, where the liveapp:auth comments mark.`,
		Example: `  liveapp new shop
  liveapp new shop --module example.com/shop
  liveapp new blog --no-auth`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch len(args) {
			case 1:
				return nil
			case 0:
				return fmt.Errorf("new needs the name of the app to create, a lower-case Go identifier such as shop:\n\n%s\n\nliveapp new --help says more", cmd.Example)
			}
			return fmt.Errorf("new takes one name, got %d (%s): to set the module path, use --module", len(args), strings.Join(args, " "))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			parts := appgen.Full
			if noAuth {
				parts = appgen.Parts{}
			}
			return runNew(cmd.OutOrStdout(), selfCommand(os.Args[0], exec.LookPath, os.Executable), appgen.Options{Name: args[0], Module: module, Parts: parts})
		},
	}
	cmd.Flags().StringVar(&module, "module", "", "the app's module path, such as example.com/shop (default NAME)")
	cmd.Flags().BoolVar(&noAuth, "no-auth", false, "leave out accounts and the projects resource (add accounts later with gen.auth)")
	return cmd
}

// runNew stamps out the app in the directory named like it, which must not
// exist or be empty, and says what it made and what to do next, with self as
// the command that runs liveapp (see selfCommand).
func runNew(out io.Writer, self string, opts appgen.Options) error {
	dir := opts.Name
	if err := appgen.ValidateName(opts.Name); err != nil {
		return err
	}
	if opts.Module != "" {
		if err := appgen.ValidateModule(opts.Module); err != nil {
			return err
		}
	}
	if err := checkEmpty(dir); err != nil {
		return err
	}
	files, err := appgen.Files(opts)
	if err != nil {
		return err
	}
	res, err := scaffold.Write(dir, files, false)
	if err != nil {
		return err
	}

	listFiles(out, "create", dir, res.Written)

	what, mail := "with accounts and a sample resource, projects", `
In development, emails are not sent: read them at
http://localhost:4000/dev/mailbox.`
	if !opts.Parts.Auth {
		what, mail = "without accounts (liveapp gen.auth adds them)", ""
	}
	fmt.Fprintf(out, `
Created the app %[1]s in %[2]s, %[3]s.

Run it in development, with a database of its own (liveapp dev makes one
in .liveapp/db with the machine's PostgreSQL: apt-get install -y postgresql):

    cd %[2]s
    %[5]s dev

It listens at http://localhost:4000 and updates as you edit: pages restyle
and re-render in place, and Go edits rebuild and restart it.%[4]s

Without liveapp, run it in development mode on any PostgreSQL database you
can reach:

    APP_ENV=dev DATABASE_URL=postgres://localhost/%[1]s_dev go run ./cmd/%[1]s

Test it (the tests start a throwaway PostgreSQL when DATABASE_URL is unset):

    go test ./...

The README says where everything is.
`, opts.Name, dir, what, mail, self)
	return nil
}

// selfCommand returns how the user can run this liveapp again, from any
// directory, for the next steps a command prints: "liveapp" when that name on
// PATH is this executable; else the path it was run by (arg0, os.Args[0]),
// made absolute, since the next step may be a cd; a bare arg0 was found on
// PATH, and is kept. lookPath and executable are exec.LookPath and
// os.Executable.
func selfCommand(arg0 string, lookPath func(string) (string, error), executable func() (string, error)) string {
	if self, err := executable(); err == nil {
		if found, err := lookPath("liveapp"); err == nil && sameFile(found, self) {
			return "liveapp"
		}
	}
	if arg0 == "" || !strings.ContainsRune(arg0, filepath.Separator) {
		return cmp.Or(arg0, "liveapp")
	}
	if abs, err := filepath.Abs(arg0); err == nil {
		return abs
	}
	return arg0
}

// sameFile reports whether paths a and b name the same existing file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// listFiles prints the files a command wrote, relative to the app's dir, the
// copy of liveapp's source as one line.
func listFiles(out io.Writer, verb, dir string, paths []string) {
	vendored := 0
	for _, p := range paths {
		if strings.HasPrefix(p, appgen.ThirdParty+"/") {
			vendored++
			continue
		}
		fmt.Fprintf(out, "  %s %s\n", verb, filepath.Join(dir, filepath.FromSlash(p)))
	}
	if vendored > 0 {
		fmt.Fprintf(out, "  %s %s/ (liveapp's source: %d files)\n", verb, filepath.Join(dir, filepath.FromSlash(appgen.ThirdParty)), vendored)
	}
}

// checkEmpty refuses a dir that exists and is not an empty directory.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
			return fmt.Errorf("%s exists and is not a directory", dir)
		}
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s exists and is not empty: choose another name, or remove it", dir)
	}
	return nil
}
