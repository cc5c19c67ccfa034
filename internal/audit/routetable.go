package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/liveapp/liveapp/live/auditjson"
)

// LoadRouteTable builds the app's command (cmd, such as "./cmd/shop", relative
// to the app's root dir) into a temporary directory and runs its audit
// subcommand, which prints the route table without serving or touching the
// database. The command runs with a minimal environment, so that it reports
// the production defaults whatever the caller's shell sets.
func LoadRouteTable(ctx context.Context, dir, cmd string) (*auditjson.Table, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, errors.New("the go command is not on PATH: the audit builds the app with it")
	}
	tmp, err := os.MkdirTemp("", "liveapp-audit-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "app")
	build := exec.CommandContext(ctx, goCmd, "build", "-o", bin, cmd)
	build.Dir = dir
	var stderr bytes.Buffer
	build.Stdout, build.Stderr = &stderr, &stderr
	if err := build.Run(); err != nil {
		return nil, &BadInputError{Msg: fmt.Sprintf("the app does not build (go build %s): %v\n%s", cmd, err, strings.TrimSpace(stderr.String()))}
	}
	run := exec.CommandContext(ctx, bin, "audit")
	run.Dir = dir
	run.Env = minimalEnv()
	stderr.Reset()
	run.Stderr = &stderr
	out, err := run.Output()
	if err != nil {
		return nil, &BadInputError{Msg: fmt.Sprintf("the app's audit subcommand failed (%s audit): %v\n%s\n(apps made before liveapp audit existed lack it: liveapp upgrade brings it)", cmd, err, strings.TrimSpace(stderr.String()))}
	}
	t, err := auditjson.Parse(out)
	if err != nil {
		return nil, &BadInputError{Msg: fmt.Sprintf("%s audit: %v", cmd, err)}
	}
	return t, nil
}

// minimalEnv is the environment the app's audit subcommand runs with: enough
// for a Go program, and none of the app's settings (APP_ENV, SECRET_KEY_BASE,
// DATABASE_URL…), so that it reports what production resolves to by default.
func minimalEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "SYSTEMROOT"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// BadInputError is an audit that could not run: not in an app, an app that
// does not build, a route table that does not parse. The CLI exits 2 on it.
type BadInputError struct{ Msg string }

func (e *BadInputError) Error() string { return e.Msg }
