package devserver

import (
	"html/template"
	"io"
)

// errorPage is what the fallback shows while no app serves.
type errorPage struct {
	App   string // the app's name
	Title string // "Build failed", "Building shop…"
	Text  string // the compiler's or the app's output, shown as is (escaped)
	Gen   int    // changes with every new page, and when an app serves again
}

func (p errorPage) render(w io.Writer) error { return errorPageHTML.Execute(w, p) }

// errorPageHTML is self-contained: no app serves its stylesheet. Its script
// long-polls the dev server with the page's generation; the answer comes
// when the page would change or an app serves again (or from the app
// itself), and the page loads again, with a GET.
var errorPageHTML = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · liveapp dev</title>
<style>
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: #f6f6f4; color: #1d1d1b; }
main { max-width: 60rem; margin: 3rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
p { color: #5c5c57; margin: 0 0 1.25rem; }
pre { background: #1d1d1b; color: #f1efe8; padding: 1rem 1.25rem; border-radius: 6px;
      overflow: auto; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; }
</style>
</head>
<body>
<main id="liveapp-dev-error" data-gen="{{.Gen}}">
<h1>{{.Title}}</h1>
<p>liveapp dev is watching {{.App}}: this page reloads by itself once it runs.</p>
{{with .Text}}<pre>{{.}}</pre>{{end}}
</main>
<script>
(async () => {
  const gen = {{printf "%d" .Gen}};
  for (;;) {
    try {
      const r = await fetch(location.href, {headers: {"X-Liveapp-Dev-Wait": gen}, cache: "no-store"});
      if (r.headers.get("X-Liveapp-Dev") !== gen) break;
    } catch (e) {
      await new Promise(ok => setTimeout(ok, 500));
    }
  }
  location.replace(location.href);
})();
</script>
</body>
</html>
`))
