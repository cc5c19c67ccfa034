package audit

import (
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live/auditjson"
)

// FuzzCSP feeds cspFindings policies as a probed server may send them: any
// bytes. It must neither panic nor pass a policy that lets inline scripts run.
func FuzzCSP(f *testing.F) {
	f.Add(defaults.CSP)
	f.Add("script-src 'unsafe-inline'")
	f.Add(";;;   ; DEFAULT-SRC *;default-src 'self'")
	f.Add("\x00\xff;")
	f.Fuzz(func(t *testing.T, csp string) {
		findings := cspFindings(csp)
		if src, ok := parseCSP(csp)["script-src"]; ok && strings.Contains(strings.Join(src, " "), "'unsafe-inline'") {
			for _, x := range findings {
				if x.Severity == Error {
					return
				}
			}
			t.Errorf("%q allows inline scripts, with no error: %+v", csp, findings)
		}
	})
}

// FuzzParseRouteTable feeds the route table parser what an app's audit
// subcommand might print: it must answer with a table or an error.
func FuzzParseRouteTable(f *testing.F) {
	f.Add(`{"schema":"liveapp.routes/v1","app":"shop","routes":[{"path":"/","view":"web.Home","public":true}]}`)
	f.Add(`{"schema":"liveapp.routes/v1","settings":{"argon2":null}}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, data string) {
		tab, err := auditjson.Parse([]byte(data))
		if err == nil {
			r := &Report{}
			checkSettings(r, tab.Settings)
		}
	})
}
