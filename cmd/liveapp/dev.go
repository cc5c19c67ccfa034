package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/liveapp/liveapp/internal/appgen"
	"github.com/liveapp/liveapp/internal/devdb"
	"github.com/liveapp/liveapp/internal/devserver"
)

// devOptions are liveapp dev's flags.
type devOptions struct {
	port    int // 0: PORT, else defaultPort
	keepDB  bool
	poll    time.Duration
	verbose bool
}

// defaultPort is where dev serves without --port or PORT.
const defaultPort = 4000

func newDevCmd() *cobra.Command {
	var opts devOptions
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run the app in development, updating it as you edit",
		Long: `dev runs the app it is started in (the one whose go.mod is here or above)
at http://localhost:4000, and keeps it up to date with its files:

  - a stylesheet under internal/web/static: pages swap it, keeping their state;
  - another static file: pages reload;
  - a template under internal/web/templates: every view re-renders;
  - Go code, go.mod or a migration: dev rebuilds the app, applies its
    migrations and restarts it; pages reconnect by themselves.

A build error, a failed migration or a crash shows in the terminal and in the
browser, over the page or in place of it, until the next change fixes it.

Without DATABASE_URL, dev provides a PostgreSQL database: a cluster of the
app's own in .liveapp/db, created on the first run with the machine's
PostgreSQL (apt-get install -y postgresql) and kept between runs. It stops
when dev does, unless --keep-db; liveapp db status, stop and reset manage it.

The port is --port, else the PORT environment variable, else 4000.

The terminal shows a line per request and per live mount, event and
navigation; --verbose adds the app's debug lines (LOG_LEVEL=debug).`,
		Example: `  liveapp dev
  liveapp dev --port 4001 --keep-db
  PORT=4001 liveapp dev
  DATABASE_URL=postgres://localhost/shop_dev liveapp dev`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			// A second Ctrl-C, while dev stops the app and the database, kills
			// it: the app and the database then stop with it.
			context.AfterFunc(ctx, stop)
			return runDev(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), ".", opts)
		},
	}
	cmd.Flags().IntVar(&opts.port, "port", 0, "the port to serve on, at 127.0.0.1 (default $PORT, else 4000)")
	cmd.Flags().BoolVarP(&opts.verbose, "verbose", "v", false, "show the app's debug log lines too")
	cmd.Flags().BoolVar(&opts.keepDB, "keep-db", false, "leave the development database running when dev exits (liveapp db stop stops it)")
	cmd.Flags().DurationVar(&opts.poll, "poll", 0, "scan for changes at this interval (such as 500ms) instead of using file system events")
	return cmd
}

// runDev runs the app dir is in until ctx is done.
func runDev(ctx context.Context, out, appOut io.Writer, dir string, opts devOptions) error {
	app, err := appgen.FindApp(dir)
	if err != nil {
		return err
	}
	port, err := devPort(opts.port, os.Getenv("PORT"))
	if err != nil {
		return err
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return errors.New("the go command is not on PATH: liveapp dev builds the app with it")
	}
	// Listen first: a port in use is the likeliest failure, and the
	// database need not start for it.
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("port %d is in use (another liveapp dev, or the app itself?): stop it, or choose another port with --port or PORT", port)
		}
		return err
	}
	defer ln.Close()

	databaseURL := os.Getenv("DATABASE_URL")
	var db *devdb.DB
	if databaseURL == "" {
		// Refuse a second liveapp dev before saying anything about starting.
		db = devdb.New(app.Dir, app.Name)
		db.Keep = opts.keepDB
		if err := db.Lock(); err != nil {
			if errors.Is(err, devdb.ErrInUse) {
				return fmt.Errorf("another liveapp dev runs for this app: it holds %s", filepath.Join(app.Dir, devdb.Dir))
			}
			return fmt.Errorf("development database: %w", err)
		}
		defer db.Release() // for the returns before stopDB, which releases it too
	}

	fmt.Fprintf(out, "liveapp dev: %s in %s\n", app.Name, app.Dir)
	if databaseURL != "" {
		fmt.Fprintf(out, "  database  %s (DATABASE_URL)\n", databaseURL)
	} else {
		fmt.Fprintf(out, "  database  starting the development database in %s…\n", devdb.Dir)
		started, err := db.Start(ctx)
		if err != nil {
			return fmt.Errorf("development database: %w", err)
		}
		defer stopDB(out, db, opts.keepDB)
		databaseURL = started.URL
		what := "started"
		switch {
		case started.Created:
			what = "created, database " + db.Name
		case started.Running:
			what = "running already"
		}
		fmt.Fprintf(out, "  database  %s (%s)\n", databaseURL, what)
	}

	url := "http://localhost:" + strconv.Itoa(port)
	fmt.Fprintf(out, "  app       %s\n", url)
	if hasDashboard(app) {
		fmt.Fprintf(out, "  dashboard %s/dev/dashboard\n", url)
	}
	if hasMailbox(app) {
		fmt.Fprintf(out, "  mailbox   %s/dev/mailbox\n", url)
	}
	fmt.Fprintln(out, "Ctrl-C stops it.")

	env := append(os.Environ(),
		"APP_ENV=dev",
		"DATABASE_URL="+databaseURL,
		"PORT="+strconv.Itoa(port),
	)
	if opts.verbose {
		env = append(env, "LOG_LEVEL=debug")
	}
	s := &devserver.Server{
		Dir:      app.Dir,
		Name:     app.Name,
		Listener: ln.(*net.TCPListener),
		Env:      env,
		Output:   appOut,
		Poll:     opts.poll,
		GoCmd:    goCmd,
		Report: func(e devserver.Event) {
			fmt.Fprintf(out, "%s %s\n", time.Now().Format("15:04:05"), e)
		},
	}
	err = s.Run(ctx)
	fmt.Fprintln(out, "stopped", app.Name)
	return err
}

// devPort returns the port dev serves on: flag (--port) when set, else the
// PORT variable env when set, else defaultPort.
func devPort(flag int, env string) (int, error) {
	switch {
	case flag != 0:
		if flag < 1 || flag > 65535 {
			return 0, fmt.Errorf("--port %d: want a port number", flag)
		}
		return flag, nil
	case env != "":
		n, err := strconv.Atoi(env)
		if err != nil || n < 1 || n > 65535 {
			return 0, fmt.Errorf("PORT=%q: want a port number (or unset it, or pass --port)", env)
		}
		return n, nil
	}
	return defaultPort, nil
}

// stopDB stops the development database as dev exits, unless it is kept.
func stopDB(out io.Writer, db *devdb.DB, keep bool) {
	if keep {
		db.Release()
		fmt.Fprintln(out, "the development database keeps running: liveapp db stop stops it")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.Stop(ctx); err != nil {
		fmt.Fprintln(out, "stopping the development database:", err)
		return
	}
	fmt.Fprintln(out, "stopped the development database")
}

// hasMailbox reports whether the app has accounts, whose emails a dev-mode app
// shows at /dev/mailbox.
func hasMailbox(app *appgen.App) bool {
	main, err := os.ReadFile(filepath.Join(app.Dir, "cmd", app.Name, "main.go"))
	return err == nil && strings.Contains(string(main), "DevMailbox")
}

// hasDashboard reports whether the app has the dev dashboard, which apps made
// by an older liveapp lack, at /dev/dashboard.
func hasDashboard(app *appgen.App) bool {
	_, err := os.Stat(filepath.Join(app.Dir, "internal", "web", "dashboard.go"))
	return err == nil
}
