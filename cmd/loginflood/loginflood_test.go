package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/liveapp/liveapp/migrations"
	"github.com/liveapp/liveapp/pgtest"
)

// TestMain runs the test binary as the server when the tool starts it as one.
func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) != "" {
		os.Exit(serve(os.Args[1:], os.Stdout, os.Stderr))
	}
	pgtest.Main(m)
}

func migrate(ctx context.Context, conn *pgx.Conn) error { return migrations.Apply(ctx, conn) }

func TestSmallFloodIsAnsweredWithinBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	cfg := defaultConfig()
	cfg.Logins = 20
	cfg.HashConcurrency = 2
	cfg.HashWait = 100 * time.Millisecond // some logins find no free slot
	cfg.DatabaseURL = pgtest.URL(t, pgtest.WithTemplate("accounts", migrate))
	cfg.Timeout = 5 * time.Minute // for a broken server only: seconds on an idle machine
	var log bytes.Buffer
	rep, err := run(t.Context(), cfg, &log)
	if err != nil && !errors.Is(err, errOverBound) {
		t.Fatalf("run: %v\n%s", err, log.String())
	}

	invalid, busy := rep.count(invalidCredentials), rep.count(busy)
	if invalid == 0 || invalid+busy != 20 {
		t.Errorf("answers %+v, want 20 invalid-credentials or busy answers, some of them invalid credentials", rep.Answers)
	}
	if rep.Verifies != int64(invalid) {
		t.Errorf("%d hashes for %d checked passwords, want one each", rep.Verifies, invalid)
	}
	if rep.HashConcurrency != 2 || rep.HashMemoryKiB != 19*1024 {
		t.Errorf("server hashes %d at once with %d KiB, want 2 with 19 MiB", rep.HashConcurrency, rep.HashMemoryKiB)
	}
	if rep.BaselineRSS == 0 || rep.PeakRSS < rep.BaselineRSS {
		t.Errorf("RSS baseline %d, peak %d: not read", rep.BaselineRSS, rep.PeakRSS)
	}
	// Report.Bound counts the buffers of the hashes in progress only. Those of
	// finished hashes stay resident until a GC reclaims them, and Go's default
	// pacing (GOGC=100) lets the heap grow to twice what was live, so the flood
	// may hold about 2 × 2 hash buffers; 8 leaves room for GC lag on a loaded
	// machine. Twenty logins hashing at once, unbounded, would hold twenty.
	hash := uint64(rep.HashMemoryKiB) << 10
	if grew := rep.PeakRSS - rep.BaselineRSS; grew > 8*hash {
		t.Errorf("server RSS grew by %.1f MiB during the flood: more than 8 hash buffers", mib(grew))
	}

	var table bytes.Buffer
	rep.WriteTable(&table)
	for _, want := range []string{"invalid credentials", "password checks", "peak", "bound: baseline"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	t.Logf("\n%s", table.String())
}

func TestFlagsAreChecked(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-n", "20000"}, {"-timeout", "0s"}, {"-hash-concurrency", "-1"}, {"extra"}} {
		var stderr bytes.Buffer
		if code := loginflood(args, &bytes.Buffer{}, &stderr); code != 2 {
			t.Errorf("loginflood %q: exit code %d, want 2 (%s)", args, code, stderr.String())
		}
	}
}
