package main

import (
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "liveapp",
		Short: "Build server-rendered live Go web apps with accounts built in",
		Long: `liveapp brings the LiveView model to Go: pages render over HTTP, then stay
connected over a websocket; browser events run Go handlers and the server sends
minimal DOM patches. State never leaves the server.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// --version prints what the version command prints.
	info, _ := debug.ReadBuildInfo()
	root.Version = versionLine(info)
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddCommand(newVersionCmd())
	root.AddCommand(newNewCmd())
	root.AddCommand(newGenAuthCmd(), newUpgradeCmd())
	root.AddCommand(newMigrateCmd())
	root.AddCommand(newGenLiveCmd())
	root.AddCommand(newDevCmd(), newDBCmd())
	root.AddCommand(newAuditCmd())
	return root
}
