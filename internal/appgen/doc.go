// Package appgen stamps out liveapp apps from the template, the complete app in
// the repository's template/ directory, adds accounts to apps made without
// them, and upgrades the copy of liveapp an app carries. liveapp new, liveapp
// gen.auth and liveapp upgrade are its commands.
//
// # Stamping
//
// Files returns an app's files, as gonew would make them from the template:
// its import paths under the app's module path, cmd/app renamed cmd/NAME, and
// the name "app" replaced where it names the command, the binary, the
// database or what users see (AppName). Go files come out gofmt-clean.
//
// The app builds without liveapp being published: it carries the source of
// the liveapp packages it imports, directly or not, in third_party/liveapp,
// with liveapp's go.mod, and its own go.mod requires liveapp with a replace
// directive pointing there. Its go.mod requires the modules its build needs,
// at liveapp's versions (the modules table, which the tests hold to what the
// go command says), and its go.sum is liveapp's, so that go build, vet and
// test need nothing but the module cache. go.mod is read and written with
// golang.org/x/mod/modfile.
//
// It also writes ManifestFile, liveapp.sum: the SHA-256 of each file it wrote
// (the template's and the copy's), in sha256sum's format, which is how
// gen.auth and Upgrade later tell the user's changes from liveapp's. A Release
// names the liveapp an app is stamped from: the CLI's own, or, in tests,
// another.
//
// # Parts
//
// An app may go without parts of the template: Auth (accounts) and Projects
// (the sample resource, which needs accounts: projects belong to users). A
// part owns whole files (wholeFiles) and regions of shared files, between
// marker comments in the comment syntax of the file:
//
//	// liveapp:auth begin
//	...what accounts bring...
//	// liveapp:auth else
//	// ...what stands there without them, commented out...
//	// liveapp:auth end
//
// The else half is optional. In html/template and Markdown files it is one
// block comment, "{{/* liveapp:auth else" or "<!-- liveapp:auth else" up to
// "liveapp:auth end */ -}}" or "liveapp:auth end -->", and the lines between
// are used as written. An app with the part gets the region's lines without
// the markers; an app without it gets the else half. Regions nest.
//
// # Anchors
//
// Where an app goes without accounts, it keeps a trace for gen.auth: an
// anchor, the line "// liveapp:auth" (in the file's comment syntax), or, where
// the region had an else half, begin and end lines around it. AddAuth puts
// each region back at its anchor, in order, so it works in files the user has
// changed elsewhere; it refuses a file whose anchors are gone or surround lines
// the user changed. The Projects part leaves no anchors: no command adds it
// back.
// # Upgrades
//
// Upgrade replaces an app's copy of liveapp with a Release's, refusing when the
// copy differs from what the manifest records (the user edited liveapp in
// place) unless forced. It merges into go.mod what the new copy needs (its go
// version, higher versions of modules both require, new modules) and into
// go.sum the lines of liveapp's that the app's lacks. It stamps the app again
// from the Release, with the parts the app has by its files, and replaces each
// file whose content still has the manifest's hash, adds the files the app
// never had, removes those the Release dropped, and leaves the others, the
// user's, listing those whose liveapp version differs.
package appgen
