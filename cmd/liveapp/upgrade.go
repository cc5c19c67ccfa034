package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/liveapp/liveapp/internal/appgen"
)

func newUpgradeCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "upgrade",
		Short: "Replace the app's copy of liveapp with this liveapp's",
		Long: `upgrade, run in an app, replaces its copy of liveapp in third_party/liveapp with
the one this liveapp binary carries, and brings the app along:

  - go.mod gets the go version, modules and versions the new liveapp needs,
    and go.sum their lines, so the app still builds from the module cache;
  - the files liveapp new made that you have not changed become this liveapp's
    version of them; files new in this liveapp are added, and those it no
    longer has are removed;
  - files you changed are left as they are, and listed when this liveapp's
    version of them differs, for you to merge by hand what you want of it.

liveapp.sum, which liveapp new writes at the app's root, records the SHA-256
of each file as liveapp wrote it: that is how upgrade tells your changes from
liveapp's. Commit it with the app. upgrade refuses, and writes nothing, when
third_party/liveapp differs from what liveapp.sum records (you edited liveapp
in place), or when the app has no liveapp.sum: --force replaces the copy
anyway, losing such edits. Even --force never overwrites a file of the app
you changed.

Running it again changes nothing. It prints every file it wrote or removed
and every change to go.mod; your version control shows the rest.`,
		Example: `  cd shop
  liveapp upgrade
  go build ./... && go test ./...`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runUpgrade(cmd.OutOrStdout(), ".", appgen.UpgradeOptions{Force: force})
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace third_party/liveapp even if it was edited, losing those edits")
	return cmd
}

// runUpgrade upgrades the app dir is in and prints what changed.
func runUpgrade(out io.Writer, dir string, opts appgen.UpgradeOptions) error {
	app, err := appgen.FindApp(dir)
	if err != nil {
		return err
	}
	up, err := appgen.Upgrade(app, opts)
	if err != nil {
		return err
	}
	if !up.Changed() {
		fmt.Fprintf(out, "Nothing to do: %s has this liveapp's copy and files already.\n", app.Name)
		printKept(out, app, up)
		return nil
	}
	list := func(verb string, paths []string) {
		for _, p := range paths {
			fmt.Fprintf(out, "  %-6s %s\n", verb, p)
		}
	}
	if !up.Source.Empty() {
		fmt.Fprintf(out, "liveapp's source, in %s:\n", appgen.ThirdParty)
		list("add", up.Source.Added)
		list("change", up.Source.Changed)
		list("remove", up.Source.Removed)
	}
	if !up.Template.Empty() {
		fmt.Fprintln(out, "The app's files from liveapp new, which you had not changed:")
		list("add", up.Template.Added)
		list("change", up.Template.Changed)
		list("remove", up.Template.Removed)
	}
	if len(up.GoMod) > 0 {
		fmt.Fprintln(out, "go.mod:")
		for _, c := range up.GoMod {
			fmt.Fprintf(out, "  %s\n", c)
		}
	}
	if up.GoSum > 0 {
		fmt.Fprintf(out, "go.sum: %d lines added\n", up.GoSum)
	}
	if up.Manifest {
		fmt.Fprintf(out, "%s: records what liveapp wrote\n", appgen.ManifestFile)
	}
	printKept(out, app, up)
	_, err = fmt.Fprint(out, `
Next, check that the app builds and passes its tests, and review the changes:

    go build ./... && go test ./...
`)
	return err
}

// printKept lists the files upgrade left as the user changed them, and how to
// see liveapp's version of them.
func printKept(out io.Writer, app *appgen.App, up *appgen.Upgraded) {
	if len(up.Kept) == 0 {
		return
	}
	fmt.Fprintln(out, "\nLeft as they are, because you changed them; merge what you want of liveapp's version:")
	for _, k := range up.Kept {
		fmt.Fprintf(out, "  %s: %s\n", k.Path, k.Why)
	}
	how := "liveapp new " + app.Name
	if app.Module != app.Name {
		how += " --module " + app.Module
	}
	switch {
	case !up.Parts.Auth:
		how += " --no-auth"
	case !up.Parts.Projects:
		how += " --no-auth followed by liveapp gen.auth"
	}
	fmt.Fprintf(out, "(In an empty directory, %s writes liveapp's version.)\n", how)
}
