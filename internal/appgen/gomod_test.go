package appgen

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

func TestMergeGoMod(t *testing.T) {
	liveapp, err := parseGoMod("liveapp's go.mod", []byte(`module github.com/liveapp/liveapp

go 1.26.0

require (
	github.com/jackc/pgx/v5 v5.12.0
	golang.org/x/net v0.62.0
)

require golang.org/x/sync v0.24.0 // indirect
`))
	if err != nil {
		t.Fatal(err)
	}
	reqs := []requirement{
		{path: liveappModule, version: moduleVersion},
		{path: "github.com/jackc/pgx/v5", version: "v5.12.0"},
		{path: "golang.org/x/net", version: "v0.62.0", indirect: true},
		{path: "golang.org/x/sync", version: "v0.24.0", indirect: true},
	}
	const app = `module example.com/shop

go 1.25.0

require (
	example.com/mine v1.2.3 // mine
	// The database.
	github.com/jackc/pgx/v5 v5.11.0
	github.com/liveapp/liveapp v0.0.0-00010101000000-000000000000
)

require (
	golang.org/x/net v0.70.0 // indirect
)

replace github.com/liveapp/liveapp => ./third_party/liveapp
`
	out, changes, err := mergeGoMod([]byte(app), liveapp, reqs)
	if err != nil {
		t.Fatal(err)
	}
	wantChanges := []string{
		"go 1.25.0 => 1.26.0",
		"github.com/jackc/pgx/v5 v5.11.0 => v5.12.0",
		"golang.org/x/sync v0.24.0 (added) // indirect",
	}
	if !slices.Equal(changes, wantChanges) {
		t.Errorf("changes:\n\t%s\nwant\n\t%s", strings.Join(changes, "\n\t"), strings.Join(wantChanges, "\n\t"))
	}
	const want = `module example.com/shop

go 1.26.0

require (
	example.com/mine v1.2.3 // mine
	// The database.
	github.com/jackc/pgx/v5 v5.12.0
	github.com/liveapp/liveapp v0.0.0-00010101000000-000000000000
)

require (
	golang.org/x/net v0.70.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
)

replace github.com/liveapp/liveapp => ./third_party/liveapp
`
	if string(out) != want {
		t.Errorf("go.mod:\n%s\nwant\n%s", out, want)
	}

	t.Run("a go.mod that has it all is left as it is", func(t *testing.T) {
		again, changes, err := mergeGoMod(out, liveapp, reqs)
		if err != nil || len(changes) > 0 || string(again) != string(out) {
			t.Errorf("changes %v, %v:\n%s", changes, err, again)
		}
	})
	t.Run("a module the app now imports is marked direct", func(t *testing.T) {
		direct := slices.Clone(reqs)
		direct[3].indirect = false
		got, changes, err := mergeGoMod(out, liveapp, direct)
		if err != nil || !slices.Equal(changes, []string{"golang.org/x/sync v0.24.0 (now direct: the app imports it)"}) {
			t.Fatalf("changes %v, %v", changes, err)
		}
		f, err := modfile.Parse("go.mod", got, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Require {
			if r.Mod.Path == "golang.org/x/sync" && r.Indirect {
				t.Errorf("x/sync is still indirect:\n%s", got)
			}
		}
	})
	t.Run("a go.mod that does not parse is refused with its line", func(t *testing.T) {
		_, _, err := mergeGoMod([]byte("module example.com/shop\n\nrequire (\n\tnot a line\n)\n"), liveapp, reqs)
		if err == nil || !strings.Contains(err.Error(), "go.mod:4") {
			t.Errorf("got %v", err)
		}
	})
}

func TestAddSumsSortsAsTheGoCommand(t *testing.T) {
	app := "b.com/x v1.0.0 h1:b=\nb.com/x v1.0.0/go.mod h1:bm=\n"
	liveapp := "a.com/x v1.10.0 h1:a10=\na.com/x v1.10.0/go.mod h1:a10m=\na.com/x v1.9.0/go.mod h1:a9m=\nb.com/x v1.0.0 h1:b=\n"
	out, added := addSums([]byte(app), []byte(liveapp))
	want := "a.com/x v1.9.0/go.mod h1:a9m=\na.com/x v1.10.0 h1:a10=\na.com/x v1.10.0/go.mod h1:a10m=\nb.com/x v1.0.0 h1:b=\nb.com/x v1.0.0/go.mod h1:bm=\n"
	if added != 3 || string(out) != want {
		t.Errorf("added %d:\n%s\nwant\n%s", added, out, want)
	}
	if same, added := addSums(out, []byte(liveapp)); added != 0 || string(same) != string(out) {
		t.Errorf("a second time: added %d", added)
	}
}
