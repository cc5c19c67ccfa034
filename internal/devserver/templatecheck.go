package devserver

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"text/template/parse"
)

// checkTemplates parses every template under TemplatesDir in the app at dir,
// as html/template would but without knowing the app's functions (any name
// passes for one), and returns the first syntax error: with the file and
// line, as the app would say it. A template that does not parse would be kept
// out by the app, which would then warn, after the dev server had said the
// pages re-rendered; checking first lets the dev server report the error
// alone. What only the app can know, such as a function it lacks, is still
// the app's to report.
func checkTemplates(dir string) error {
	root := filepath.Join(dir, filepath.FromSlash(TemplatesDir))
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.IsDir() || !templateExt(path.Ext(d.Name())) || editorFile(d.Name()) {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		t := parse.New(d.Name())
		t.Mode = parse.SkipFuncCheck | parse.ParseComments
		_, err = t.Parse(string(src), "", "", map[string]*parse.Tree{})
		return err
	})
}
