// Package liveapp carries liveapp's own source code and the app template, so that
// the CLI can stamp out apps that build without liveapp being published.
//
// It exists because go:embed only reaches files under the embedding package's
// directory: the CLI (cmd/liveapp) and the generator (internal/appgen) live
// below the directories they copy. It holds data only; the runtime is in
// package live, accounts in package accounts.
package liveapp

import (
	"embed"
	"io/fs"
)

// The library packages an app may import, with liveapp's go.mod and go.sum. The
// directories hold tests and test data too; the generator leaves those out,
// along with every package the app does not import.
//
//go:embed go.mod go.sum live accounts fieldtext mail migrations pgtest internal/pgcluster
var source embed.FS

// The app template, a complete app compiled and tested in this repository. all:
// keeps its .gitignore.
//
//go:embed all:template
var template embed.FS

// Source returns liveapp's module source: go.mod and go.sum at its root, and the
// directories of the packages apps import (live, accounts, fieldtext, mail,
// migrations, pgtest, internal/pgcluster), as they are in this repository.
func Source() fs.FS { return source }

// Template returns the app template, rooted at the template's directory: the
// files of an app with accounts and the sample projects resource, importing its
// own packages under github.com/liveapp/liveapp/template.
func Template() fs.FS {
	sub, err := fs.Sub(template, "template")
	if err != nil {
		panic(err) // "template" is a valid path: this cannot happen
	}
	return sub
}
