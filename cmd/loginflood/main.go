// Command loginflood checks that a flood of password logins cannot exhaust a
// server's memory: accounts hashes at most Config.HashConcurrency passwords at
// once, and answers ErrBusy to logins that wait longer than Config.HashWait for
// a turn, so the server's peak memory should stay within its baseline plus
// (HashConcurrency + 1) times argon2id's memory, however many logins arrive.
//
// The tool runs itself a second time as the server: a child process on
// 127.0.0.1 with an accounts.Store at the default argon2id parameters (19 MiB)
// and rate limits disabled, since a flood from one address would otherwise
// measure the limits rather than the hashing bound. The database is -database-url
// when given, else a throwaway one: in $DATABASE_URL's server when that is set,
// else in a throwaway PostgreSQL cluster.
//
// The tool then
//
//  1. logs in once to warm the server up;
//  2. sends -n requests, each on its own keep-alive connection, that read a
//     login form and wait without hashing; with all of them waiting, it has
//     the server collect its garbage and reads its resident set size (VmRSS):
//     the baseline, everything but hashing. Then it releases them;
//  3. sends -n wrong-password logins at once over those connections;
//  4. reports the answers by kind (invalid credentials, busy "try again",
//     other), the password checks per second the server completed, the
//     latencies, and the server's peak RSS during the flood (VmHWM from
//     /proc, reset just before it), and checks the peak against the bound:
//     baseline + (HashConcurrency + 1) × argon2id memory + 8 KiB per login
//     (the stack a login's goroutine grows to once it queries the database;
//     the one more hash is allocator fragmentation, see
//     accounts.Config.SkipHashGC). It exits with status 1 when the peak is over
//     the bound.
//
// The bound holds because the Store collects each hash's memory before the next
// hash may start (accounts.Config.SkipHashGC). Without that, the buffers of
// finished hashes stay resident until the collector's own pacing (GOGC=100)
// reclaims them, and the peak reaches about twice the hashes' share.
// -limit-memory sets the server's soft memory limit to the bound before the
// flood, as GOMEMLIMIT would.
//
// The run is bounded by -n (at most 10,000) and -timeout; the child is killed
// if the tool dies.
//
//	go run ./cmd/loginflood
//	go run ./cmd/loginflood -n 1000 -hash-concurrency 1 -limit-memory -json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/liveapp/liveapp/internal/loadproc"
)

// Config is what one run does, and its bounds.
type Config struct {
	Logins          int           // concurrent wrong-password logins, each on its own connection
	HashConcurrency int           // the server's accounts.Config.HashConcurrency; 0 means its default, GOMAXPROCS
	HashWait        time.Duration // the server's accounts.Config.HashWait; 0 means its default, 2 s
	DatabaseURL     string        // a database to use as it is; "" means a throwaway one
	LimitMemory     bool          // set the server's soft memory limit to the bound before the flood

	loadproc.Flags // -timeout, -json, -v
}

func defaultConfig() Config {
	return Config{Logins: 1000, Flags: loadproc.Flags{Timeout: 2 * time.Minute}}
}

func main() {
	if os.Getenv(serveEnv) != "" {
		os.Exit(serve(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(loginflood(os.Args[1:], os.Stdout, os.Stderr))
}

// loginflood runs the command and returns its exit code.
func loginflood(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	return loadproc.Main("loginflood", stdout, stderr, err, cfg.JSON, func(ctx context.Context) (*Report, error) {
		return run(ctx, cfg, stderr)
	})
}

func parseFlags(args []string, stderr io.Writer) (Config, error) {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("loginflood", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.Logins, "n", cfg.Logins, "concurrent wrong-password logins, each on its own connection")
	fs.IntVar(&cfg.HashConcurrency, "hash-concurrency", 0, "the server's HashConcurrency (0: its default, GOMAXPROCS)")
	fs.DurationVar(&cfg.HashWait, "hash-wait", 0, "the server's HashWait (0: its default, 2s)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", "", "database to use as it is, migrations applied (default: a throwaway one in $DATABASE_URL's server or in a throwaway cluster)")
	fs.BoolVar(&cfg.LimitMemory, "limit-memory", false, "before the flood, set the server's soft memory limit (debug.SetMemoryLimit, like GOMEMLIMIT) to the bound")
	if err := cfg.Flags.Parse(fs, args); err != nil { // and -timeout, -json, -v
		return cfg, err
	}
	return cfg, cfg.validate()
}

// maxLogins bounds -n: each login holds a connection, so a descriptor in the
// tool and one in the server.
const maxLogins = 10_000

func (cfg *Config) validate() error {
	switch {
	case cfg.Logins < 1 || cfg.Logins > maxLogins:
		return fmt.Errorf("-n must be between 1 and %d", maxLogins)
	case cfg.HashConcurrency < 0 || cfg.HashWait < 0:
		return errors.New("-hash-concurrency and -hash-wait must not be negative")
	case cfg.Timeout <= 0:
		return errors.New("-timeout must be positive")
	}
	return nil
}
