// Command gen minifies the browser client: gen SRC DST writes DST from SRC. It runs from
// go generate in live/client.
package main

import (
	"fmt"
	"os"

	"github.com/liveapp/liveapp/live/client/internal/minify"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen SRC DST")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, dst string) error {
	in, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	out, err := minify.Minify(in)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, out, 0o644)
}
