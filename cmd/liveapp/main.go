// Command liveapp creates, grows and runs liveapp applications.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "liveapp:", err)
		os.Exit(1)
	}
}
