package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/liveapp/liveapp/internal/genlive"
)

func newGenLiveCmd() *cobra.Command {
	var force, noScope bool
	cmd := &cobra.Command{
		Use:   "gen.live Resource plural field:type[:optional][:unique]...",
		Short: "Generate a resource owned by users: table, data package, live pages and tests",
		Long: `gen.live adds a resource to the app in the current directory (or the one above
it with the go.mod), in the shape of the app's sample projects resource:

  migrations/NNN_create_<plural>.sql   the table, with a user_id owner column
  internal/<package>/                   the data layer: every function takes the
                                        user's accounts.Scope and filters by it in SQL,
                                        and changes are published on a per-user topic
  internal/web/<plural>.go              live views to list, create, show, edit and
  internal/web/templates/               delete records, validating as the user types
  internal/web/<plural>_test.go         tests, including that another user can reach
  internal/<package>/store_test.go      nothing by URL or by crafted event
  internal/web/routes.go                four routes, added at the gen.live marker line,
                                        in the live session of logged-in users
  internal/web/web.go                   the store, a field of App built once in New,
                                        added at the two gen.live marker lines

Resource is the record's Go type, singular and CamelCase (Task, LineItem). plural
is lower snake_case (tasks, line_items): it names the table and the URLs
(/line_items), and without underscores the package (lineitems).

Each field is name:type, with name in snake_case. Fields are required unless
marked name:type:optional: a blank optional string, text or enum is stored as "",
any other as NULL (a nil pointer). name:type:unique (string, integer and uuid)
adds a unique index on the user's records; a taken value is an error next to the
field. A file field (attachment:file) is uploaded with the form and kept under
UPLOADS_DIR/<plural>/ by a key the server makes; the record keeps that key, the
file's name and its sniffed type, and GET /<plural>/{id}/files/<field> (added at
the file route marker line of routes.go) serves it to those who may see the
record. The types, and what they become in Go and SQL:

` + genlive.TypesHelp() + `
With --no-scope the records belong to no one: the table has no user_id, and
every logged-in user sees, edits and deletes every record. Use it for data
the whole app shares (categories, a team's board), never for anything
personal. Pages still need a logged-in user.

Everything is checked before anything is written. A file that exists with other
content than gen.live's is never overwritten without --force, so running the
same command twice changes nothing; routes already in routes.go are left alone.`,
		Example: `  liveapp gen.live Task tasks title:string notes:text:optional done:boolean due_on:date:optional
  liveapp gen.live LineItem line_items name:string quantity:integer price:decimal
  liveapp gen.live Product products sku:string:unique name:string weight:float status:enum:draft,listed,retired
  liveapp gen.live Entry entries title:string project_id:references:projects
  liveapp gen.live Document documents title:string attachment:file cover:file:optional
  liveapp gen.live Category categories name:string:unique --no-scope`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 3 {
				return fmt.Errorf("want a resource, its plural and at least one field, as in\n  liveapp gen.live Task tasks title:string")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGenLive(cmd.OutOrStdout(), selfCommand(os.Args[0], exec.LookPath, os.Executable), ".", args[0], args[1], args[2:],
				genLiveOptions{force: force, noScope: noScope})
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite files that exist with other content")
	cmd.Flags().BoolVar(&noScope, "no-scope", false, "records belong to no one: every logged-in user sees and edits all of them")
	return cmd
}

// genLiveOptions are gen.live's flags.
type genLiveOptions struct {
	force   bool // overwrite files that exist with other content
	noScope bool // generate a resource without owners
}

// runGenLive generates the resource into the app that dir is in and reports
// what it did on out, with self as the command that runs liveapp.
func runGenLive(out io.Writer, self, dir, singular, plural string, fields []string, opts genLiveOptions) error {
	r, err := genlive.NewResource(singular, plural, fields)
	if err != nil {
		return err
	}
	r.Shared = opts.noScope
	app, err := genlive.FindApp(dir)
	if err != nil {
		return err
	}
	plan, err := genlive.Prepare(app, r)
	if err != nil {
		return err
	}
	res, err := plan.Apply(opts.force)
	if err != nil {
		return err
	}
	for _, p := range res.Written {
		fmt.Fprintf(out, "  wrote      %s\n", p)
	}
	for _, p := range res.Unchanged {
		fmt.Fprintf(out, "  unchanged  %s\n", p)
	}
	switch {
	case res.RoutesAdded:
		fmt.Fprintf(out, "  updated    %s: routes for %s\n", res.RoutesFile, r.Path())
	case res.RoutesNote != "":
		fmt.Fprintf(out, "  note       %s\n", res.RoutesNote)
	default:
		fmt.Fprintf(out, "  unchanged  %s\n", res.RoutesFile)
	}
	if res.StoreAdded {
		fmt.Fprintf(out, "  updated    %s: App.%s, the store its views share\n", res.StoresFile, r.GoPlural())
	} else {
		fmt.Fprintf(out, "  unchanged  %s\n", res.StoresFile)
	}
	if r.Shared {
		fmt.Fprintf(out, `
!! --no-scope: %s belong to no one. Every logged-in user sees, edits and
!! deletes every one of them, whoever created it, and the table has no owner
!! column. If each should be one user's, generate them again without --no-scope.
`, r.HumanPlural())
	}
	if r.Has(genlive.File) {
		fmt.Fprintf(out, `
Files of %s are kept in UPLOADS_DIR/%s/ (in development, .liveapp/uploads).
Set UPLOADS_DIR in production, on a volume every node shares: without it the
form says uploads are off.
`, r.HumanPlural(), r.Plural)
	}
	if len(res.Written) == 0 && !res.RoutesAdded && !res.StoreAdded {
		fmt.Fprintf(out, "\n%s was generated already: nothing changed.\n", r.HumanPluralCap())
		return nil
	}
	fmt.Fprintf(out, `
Next:
  1. Apply %s: liveapp dev applies it as it rebuilds the app;
     without liveapp dev, run "%s migrate" (DATABASE_URL's database, else
     the development database liveapp dev made).
  2. Visit %s while logged in.
  3. Link to it, for instance from the nav bar in internal/web/templates/layout.html:
       <a href="%s">%s</a>
  4. Run "go test ./..." to run the tests written for it.
`, plan.Migration, self, r.Path(), r.Path(), r.HumanPluralCap())
	return nil
}
