package genlive

import (
	"os"
	"strings"
	"testing"
)

func TestFileFields(t *testing.T) {
	for _, tt := range []struct {
		name   string
		fields []string
		want   string // in the error, or "" when accepted
	}{
		{"a required file", []string{"title:string", "attachment:file"}, ""},
		{"an optional file", []string{"title:string", "cover:file:optional"}, ""},
		{"a unique file", []string{"attachment:file:unique"}, "only string, integer and uuid fields can be unique"},
		{"a field named like a file's column", []string{"attachment:file", "attachment_name:string"}, "would both have a column attachment_name"},
		{"a column's field before the file", []string{"cover_key:string", "cover:file"}, "would both have a column cover_key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewResource("Document", "documents", tt.fields)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := NewResource("File", "files_of_mine", []string{"attachment:file"}); err == nil {
		t.Error("a resource named File, with a file field, was accepted: its package declares File already")
	}
	if _, err := NewResource("File", "files_of_mine", []string{"name:string"}); err != nil {
		t.Errorf("a resource named File without a file field: %v", err)
	}
}

func TestPrepareFileField(t *testing.T) {
	app := newApp(t)
	p, err := Prepare(app, resource(t, "Document", "documents", "title:string", "attachment:file", "cover:file:optional"))
	if err != nil {
		t.Fatal(err)
	}
	for path, wants := range map[string][]string{
		p.Migration: {
			"attachment_key text NOT NULL,", "attachment_name text NOT NULL,", "attachment_type text NOT NULL,",
			"cover_key text NOT NULL DEFAULT '',", "CONSTRAINT documents_attachment_given CHECK (attachment_key <> '')",
		},
		"internal/documents/files.go": {
			"func (s *Store) PutFile(ctx context.Context, scope accounts.Scope, name string, r io.Reader) (File, error) {",
			`"SELECT EXISTS (SELECT 1 FROM documents WHERE attachment_key = $1 OR cover_key = $1)"`,
			`case "attachment":`, `case "cover":`,
		},
		"internal/documents/store.go": {
			"func NewStore(db *pgxpool.Pool, ps pubsub.PubSub, files storage.Store) *Store {",
			"RETURNING attachment_key, cover_key",
			"return s.deleteFiles(ctx, gone.Attachment, gone.Cover)",
		},
		"internal/web/documents.go": {
			`v.AttachmentUpload = s.AllowUpload("attachment", live.UploadOptions{Accept: []string{"*/*"}, MaxFileSize: documents.MaxFileSize})`,
			`}, live.Requires(v.app.auth.LoggedIn()))`,
			`h.Set("X-Content-Type-Options", "nosniff")`,
			`filepath.Join(dir, "documents")`,
		},
		"internal/web/templates/document_show.html": {
			`{{if .Document.Attachment.IsImage}}<br><img src="/documents/{{.Document.ID}}/files/attachment"`,
		},
		"internal/web/templates/document_form.html": {
			`"type" "file" "label" "Attachment" "accept" .Accept "upload" .Name "error" $.Errors.attachment`,
			`id="document-cover-off"`,
		},
		"internal/web/documents_test.go": {"func TestDocumentsKeepTheirFiles(t *testing.T) {"},
	} {
		got := file(t, p, path)
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %s:\n%s", path, want, got)
			}
		}
	}
	if want := "\tmux.Handle(\"GET /documents/{id}/files/{field}\", auth.RequireAuthenticated(http.HandlerFunc(a.serveDocumentFile)))\n\t" +
		FileRouteMarker + "\n"; !strings.Contains(string(p.routes.out), want) {
		t.Errorf("routes.go lacks\n%s\n%s", want, p.routes.out)
	}
	if want := "\tdocumentFiles, err := newDocumentFiles(cfg.UploadsDir)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n" +
		"\ta.Documents = documents.NewStore(cfg.DB, a.Runtime.PubSub(), documentFiles)\n"; !strings.Contains(string(p.stores.out), want) {
		t.Errorf("web.go lacks\n%s", want)
	}

	plain, err := Prepare(app, resource(t, "Note", "notes", "title:string"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range plain.Files {
		if strings.HasSuffix(f.Path, "/files.go") {
			t.Errorf("a resource without files gets %s", f.Path)
		}
	}
}

func TestPrepareFileFieldNeedsTheFileRouteMarker(t *testing.T) {
	app := newApp(t)
	src, err := os.ReadFile(app.path(routesFile))
	if err != nil {
		t.Fatal(err)
	}
	without := strings.Replace(string(src), "\t"+FileRouteMarker+"\n", "", 1)
	write(t, app, routesFile, without)
	_, err = Prepare(app, resource(t, "Document", "documents", "title:string", "attachment:file"))
	if err == nil || !strings.Contains(err.Error(), FileRouteMarker) {
		t.Errorf("error %v, want one that prints the marker line", err)
	}
	if _, err := Prepare(app, resource(t, "Note", "notes", "title:string")); err != nil {
		t.Errorf("a resource without files needs no file route marker: %v", err)
	}
}
