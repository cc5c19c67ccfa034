package web

import (
	"io"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/template/internal/projects"
)

// BenchmarkProjectIndexRender renders the projects list of n projects, as each of a
// user's tabs does when one of them changes: the rows and the page come from the view's
// Memos, as when another tab rendered them already.
//
//	go test ./template/internal/web -run '^$' -bench ProjectIndexRender
func BenchmarkProjectIndexRender(b *testing.B) {
	set, err := parseTemplates(templateFS)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 10} {
		b.Run(map[int]string{1: "1", 10: "10"}[n], func(b *testing.B) {
			app := &App{}
			app.templates.parsed.Store(set)
			s := new(live.Socket)
			v := &ProjectIndex{app: app, rows: live.NewMemo[projects.Project](s, nil), page: live.NewMemo[projectList](s, nil)}
			for i := range n {
				v.Projects = append(v.Projects, projects.Project{ID: int64(i + 1), Name: "Project", Description: "A project"})
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := v.Render(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
