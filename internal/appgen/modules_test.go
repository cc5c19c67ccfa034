package appgen

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestModulesMatchTheTemplate holds the modules table to what the go command
// says the template's packages and tests build with. The CLI's tests check the
// same of the apps it makes, with and without accounts.
func TestModulesMatchTheTemplate(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go command is not on PATH")
		}
		t.Skip("the go command is not on PATH")
	}
	cmd := exec.Command(goCmd, "list", "-deps", "-test", "-f", "{{with .Module}}{{.Path}}{{end}}", "./template/...")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var got []string
	for _, m := range strings.Fields(string(out)) {
		if m != liveappModule && !slices.Contains(got, m) {
			got = append(got, m)
		}
	}
	slices.Sort(got)
	var want []string
	for _, m := range modules {
		want = append(want, m.paths...)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the template builds with\n\t%s\nthe modules table lists\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}
