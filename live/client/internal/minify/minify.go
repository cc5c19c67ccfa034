// Package minify turns the browser client's source into the script the runtime serves.
// It is a build step (go generate in live/client) and a check (a test there compares the
// committed output with what it makes now); the runtime never calls it.
package minify

import (
	"fmt"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Target is the JavaScript the minified client is written in: ES2022, which every
// evergreen browser has run since 2022 (the source uses Object.hasOwn, ||= and ?.).
const Target = api.ES2022

// Minify returns src, the client's source, minified: whitespace, identifiers and syntax.
// Comments go, except a first-line banner naming the source.
func Minify(src []byte) ([]byte, error) {
	res := api.Transform(string(src), api.TransformOptions{
		Loader:            api.LoaderJS,
		Target:            Target,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		LegalComments:     api.LegalCommentsNone,
		Banner:            "// liveapp client, minified from live/client/client.js",
		Charset:           api.CharsetUTF8,
	})
	if len(res.Errors) > 0 {
		var b strings.Builder
		for _, e := range res.Errors {
			if e.Location != nil {
				fmt.Fprintf(&b, "\n  client.js:%d:%d: %s", e.Location.Line, e.Location.Column, e.Text)
			} else {
				fmt.Fprintf(&b, "\n  %s", e.Text)
			}
		}
		return nil, fmt.Errorf("minify the client:%s", b.String())
	}
	return res.Code, nil
}
