package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version is the liveapp release of this source tree. A liveapp installed with
// go install MODULE@VERSION reports the module's version instead.
const version = "0.1.0-dev"

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the liveapp version",
		Long: `version prints liveapp's version, the Go release that built it and, for a
build from a git checkout, the commit (with "+dirty" when the tree had
uncommitted changes). liveapp --version prints the same.`,
		Example: "  liveapp version\n  liveapp --version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info, _ := debug.ReadBuildInfo()
			_, err := fmt.Fprintln(cmd.OutOrStdout(), versionLine(info))
			return err
		},
	}
}

// versionLine describes the build info describes (nil when the binary has
// none): "liveapp 0.1.0-dev (go1.26.0, 0123456789ab+dirty)".
func versionLine(info *debug.BuildInfo) string {
	if info == nil {
		return "liveapp " + version
	}
	v := version
	if mv := info.Main.Version; mv != "" && mv != "(devel)" && !strings.Contains(mv, "+dirty") && !strings.HasPrefix(mv, "v0.0.0-") {
		v = strings.TrimPrefix(mv, "v") // a tagged release, from go install
	}
	details := []string{info.GoVersion}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value[:min(12, len(s.Value))]
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		details = append(details, rev+dirty)
	}
	return "liveapp " + v + " (" + strings.Join(details, ", ") + ")"
}
