package devserver

import (
	"slices"
	"testing"

	"github.com/liveapp/liveapp/live/devmode/devproto"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		path string
		want change
	}{
		{"internal/web/home.go", rebuild},
		{"cmd/shop/main.go", rebuild},
		{"go.mod", rebuild},
		{"go.sum", rebuild},
		{"migrations/002_create_tasks.sql", rebuild},
		{"third_party/liveapp/live/client/live.js", rebuild},
		{"third_party/liveapp/live/socket.go", rebuild},
		{"internal/projects/templates/mail.html", rebuild}, // embedded elsewhere
		{"internal/web/templates/home.html", templates},
		{"internal/web/templates/parts/nav.tmpl", templates},
		{"internal/web/static/app.css", stylesheet},
		{"internal/web/static/css/forms.css", stylesheet},
		{"internal/web/static/app.js", asset},
		{"internal/web/static/favicon.svg", asset},

		{"internal/web/home_test.go", ignored},
		{"third_party/liveapp/live/socket_test.go", ignored},
		{"third_party/liveapp/README.md", ignored},
		{"README.md", ignored},
		{"notes.txt", ignored},
		{".liveapp/bin/shop", ignored},
		{".liveapp/db/data/base/1/1259", ignored},
		{".git/index", ignored},
		{"internal/web/testdata/golden.html", ignored},
		{"node_modules/x/index.js", ignored},
		{"internal/web/.home.go.swp", ignored},
		{"internal/web/home.go~", ignored},
		{"internal/web/4913", ignored},
		{"internal/web/#home.go#", ignored},
		{"internal/web/templates/sedQ5mT7w", ignored},
		{"internal/web/templates/notes", ignored},
		{"internal/web/static/.app.css.swp", ignored},
	}
	for _, tt := range tests {
		if got := classify(tt.path); got != tt.want {
			t.Errorf("classify(%q) = %d, want %d", tt.path, got, tt.want)
		}
	}
}

func TestPlanFor(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		rebuild bool
		cmds    []string
	}{
		{"a stylesheet is swapped", []string{"internal/web/static/app.css"}, false, []string{"css /static/app.css"}},
		{"two stylesheets, each once", []string{"internal/web/static/b.css", "internal/web/static/a.css", "internal/web/static/b.css"}, false,
			[]string{"css /static/a.css", "css /static/b.css"}},
		{"a template re-renders", []string{"internal/web/templates/home.html"}, false, []string{"templates"}},
		{"another static file reloads, and the reload covers stylesheets", []string{"internal/web/static/app.css", "internal/web/static/app.js"}, false, []string{"reload"}},
		{"templates are read before a reload", []string{"internal/web/static/logo.png", "internal/web/templates/home.html"}, false, []string{"templates", "reload"}},
		{"Go rebuilds", []string{"internal/web/home.go"}, true, nil},
		{"a migration rebuilds", []string{"migrations/002_tasks.sql"}, true, nil},
		{"Go and a stylesheet: both", []string{"internal/web/home.go", "internal/web/static/app.css"}, true, []string{"css /static/app.css"}},
		{"tests and editor files: nothing", []string{"internal/web/home_test.go", "internal/web/.home.go.swp"}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planFor(tt.files)
			if p.rebuild != tt.rebuild || !slices.Equal(p.commands(), tt.cmds) {
				t.Errorf("rebuild %v, commands %q; want %v, %q", p.rebuild, p.commands(), tt.rebuild, tt.cmds)
			}
		})
	}
	if p := planFor([]string{"migrations/002_tasks.sql", "internal/web/home.go"}); !p.migrations || !slices.Equal(p.files, []string{"internal/web/home.go", "migrations/002_tasks.sql"}) {
		t.Errorf("plan %+v", p)
	}
	if !planFor([]string{"README.md"}).empty() {
		t.Error("a README change is not empty")
	}
}

// TestCommandsRoundTrip checks that what the dev server writes is what the
// app's side reads.
func TestCommandsRoundTrip(t *testing.T) {
	text := "Build failed\n\ninternal/web/home.go:3:1: syntax error: unexpected <, ünïcode"
	for _, tt := range []struct {
		line string
		want devproto.Command
	}{
		{ReloadCmd, devproto.Command{Op: devproto.Reload}},
		{TemplatesCmd, devproto.Command{Op: devproto.Templates}},
		{ClearCmd, devproto.Command{Op: devproto.Clear}},
		{CSSCmd("/static/app.css"), devproto.Command{Op: devproto.CSS, Path: "/static/app.css"}},
		{ErrorCmd(text), devproto.Command{Op: devproto.Error, Text: text}},
	} {
		got, err := devproto.ParseCommand(tt.line)
		if err != nil || got != tt.want {
			t.Errorf("ParseCommand(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
		}
	}
}
