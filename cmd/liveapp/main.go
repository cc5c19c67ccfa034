// Command liveapp creates, grows and runs liveapp applications.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		code, print := exitCode(err)
		if print {
			fmt.Fprintln(os.Stderr, "liveapp:", err)
		}
		os.Exit(code)
	}
}
