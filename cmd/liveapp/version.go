package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is the liveapp release; builds from a checkout report "devel" plus the VCS
// revision when Go recorded one.
const version = "0.1.0-dev"

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the liveapp version",
		Example: "  liveapp version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := "liveapp " + version
			if info, ok := debug.ReadBuildInfo(); ok {
				out += " (" + info.GoVersion
				for _, s := range info.Settings {
					if s.Key == "vcs.revision" && len(s.Value) >= 12 {
						out += ", " + s.Value[:12]
					}
				}
				out += ")"
			}
			_, err := fmt.Fprintln(cmd.OutOrStdout(), out)
			return err
		},
	}
}
