package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"github.com/liveapp/liveapp/internal/testbrowser"
	"github.com/liveapp/liveapp/pgtest"
)

// checkProduction runs bin, the binary of an app named shop, as a release would: `shop
// migrate`, then `shop serve`, with nothing in its environment but DATABASE_URL and
// SECRET_KEY_BASE (and HOST and PORT, to listen on a free port of 127.0.0.1), on a
// database of its own. No APP_ENV: production is the default. It checks what production
// must not show, then walks sign-up, login and a project in Chromium, over HTTP and the
// websocket, with no Content-Security-Policy violation. Without SMTP_ADDR the app
// writes its emails to its log, where the test finds the links. Last, it serves HTTPS
// with TLS_CERT_FILE and TLS_KEY_FILE.
func checkProduction(t *testing.T, bin string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	debugAddr := dl.Addr().String()
	dl.Close()
	env := []string{
		"DATABASE_URL=" + pgtest.URL(t),
		"SECRET_KEY_BASE=" + strings.Repeat("production secret ", 3),
		"HOST=127.0.0.1",
		fmt.Sprint("PORT=", port),
		"DEBUG_ADDR=" + debugAddr,
	}

	// Production applies no migration by itself: the release step does.
	migrate := exec.Command(bin, "migrate")
	migrate.Env = env
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("shop migrate: %v\n%s", err, out)
	}

	// Start it from an empty directory: production uses the compiled-in files.
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	app := startApp(t, exec.Command(bin, "serve"), t.TempDir(), env, base, http.DefaultClient)
	if !strings.Contains(app.String(), `"dev":false`) || !strings.Contains(app.String(), "emails are written to the log") {
		t.Errorf("the app did not start in production, warning that emails go to the log:\n%s", app.String())
	}

	t.Run("production shows nothing of development", func(t *testing.T) {
		for path, want := range map[string]int{"/dev/mailbox": 404, "/dev/dashboard": 404, "/no/such/page": 404} {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			var body bytes.Buffer
			_, _ = body.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
				!strings.Contains(body.String(), `id="error-page"`) || strings.Contains(body.String(), "route-list") {
				t.Errorf("GET %s: %d %s, want the app's %d page without the routes:\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), want, body.String())
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
			}
		}
		// A websocket upgrade without an Origin header is refused (dev mode lets tools in).
		ws := "ws://127.0.0.1:" + fmt.Sprint(port) + "/live/socket?v=1&csrf=x&token=x&url=x"
		if c, resp, err := websocket.DefaultDialer.Dial(ws, nil); err == nil {
			c.Close()
			t.Error("an upgrade without Origin was accepted")
		} else if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("an upgrade without Origin: %v, want 403", err)
		}
	})

	tab := testbrowser.New(t)
	violations := testbrowser.RecordCSPViolations(t, tab)

	// Sign up: the confirmation link arrives in the log, and logs the browser in.
	const email = "alice@example.com"
	testbrowser.Do(t, tab, chromedp.Navigate(base+"/users/register"))
	testbrowser.WaitFor(t, tab, testbrowser.Connected)
	testbrowser.Do(t, tab, chromedp.SendKeys(chromedp.ID("email"), email), chromedp.Click(chromedp.ID("register")))
	testbrowser.WaitFor(t, tab, `location.pathname === '/users/log-in'`)
	link := app.mailedLink(t, email, 1)
	testbrowser.Do(t, tab, chromedp.Navigate(base+link))
	// The page's socket first: a connected mount after the login would find the token
	// used and send the tab to the login page.
	testbrowser.WaitFor(t, tab, `!!document.getElementById('once') && `+testbrowser.Connected)
	testbrowser.Do(t, tab, chromedp.Click(chromedp.ID("once")))
	testbrowser.WaitFor(t, tab, fmt.Sprintf(`location.pathname === '/' && document.body.innerText.includes(%q)`, email))

	// Log out, and log in again by an emailed link.
	testbrowser.Do(t, tab, chromedp.Click(chromedp.ID("log-out")))
	testbrowser.WaitFor(t, tab, `!!document.getElementById('magic-email') || !document.getElementById('nav-user')`)
	testbrowser.Do(t, tab, chromedp.Navigate(base+"/users/log-in"))
	testbrowser.WaitFor(t, tab, testbrowser.Connected)
	testbrowser.Do(t, tab, chromedp.SendKeys(chromedp.ID("magic-email"), email),
		chromedp.Submit(chromedp.ID("magic-email")))
	testbrowser.WaitFor(t, tab, `document.readyState === 'complete' && location.pathname === '/users/log-in'`)
	link = app.mailedLink(t, email, 2)
	testbrowser.Do(t, tab, chromedp.Navigate(base+link))
	testbrowser.WaitFor(t, tab, `!!document.getElementById('remember') && `+testbrowser.Connected)
	testbrowser.Do(t, tab, chromedp.Click(chromedp.ID("remember")))
	testbrowser.WaitFor(t, tab, fmt.Sprintf(`location.pathname === '/' && document.body.innerText.includes(%q)`, email))

	// A project, created by a live form: events over the websocket.
	testbrowser.Do(t, tab, chromedp.Navigate(base+"/projects/new"))
	testbrowser.WaitFor(t, tab, testbrowser.Connected)
	testbrowser.Do(t, tab, chromedp.SendKeys(chromedp.ID("name"), "Launch"), chromedp.Click(chromedp.ID("save")))
	testbrowser.WaitFor(t, tab, `/^\/projects\/\d+$/.test(location.pathname) && document.body.innerText.includes('Launch')`)
	// A project that does not exist: the app's 404 page, in its layout.
	testbrowser.Do(t, tab, chromedp.Navigate(base+"/projects/999999"))
	testbrowser.WaitFor(t, tab, fmt.Sprintf(`!!document.getElementById('error-page') && document.body.innerText.includes(%q)`, email))

	testbrowser.NoCSPViolations(t, violations)

	t.Run("DEBUG_ADDR serves the live views' metrics", func(t *testing.T) {
		resp, err := http.Get("http://" + debugAddr + "/debug/vars")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var vars struct {
			Live struct {
				Activity struct{ Mounts, Events uint64 }
				Views    map[string]int
			} `json:"live"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&vars); err != nil {
			t.Fatal(err)
		}
		if a := vars.Live.Activity; a.Mounts == 0 || a.Events == 0 || vars.Live.Views == nil {
			t.Errorf("/debug/vars: live %+v, want mounts, events and sockets by view", vars.Live)
		}
	})

	t.Run("with TLS_CERT_FILE and TLS_KEY_FILE it serves HTTPS", func(t *testing.T) {
		certFile, keyFile, pool := writeCert(t)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		base := fmt.Sprintf("https://127.0.0.1:%d", port)
		startApp(t, exec.Command(bin, "serve"), t.TempDir(), append(env[:2:2], "HOST=127.0.0.1", fmt.Sprint("PORT=", port),
			"TLS_CERT_FILE="+certFile, "TLS_KEY_FILE="+keyFile), base, client)
		resp, err := client.Get(base + "/users/log-in")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if h := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(h, "max-age=") {
			t.Errorf("Strict-Transport-Security %q", h)
		}
		var csrf *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "__Host-shop_csrf" {
				csrf = c
			}
		}
		if csrf == nil || !csrf.Secure {
			t.Errorf("cookies %v, want a Secure __Host-shop_csrf", resp.Cookies())
		}
	})
}

// writeCert writes a self-signed certificate for 127.0.0.1 and its key to t's temporary
// directory, and returns their paths and a pool that trusts the certificate.
func writeCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}

// appProcess is a running app binary and its output.
type appProcess struct {
	mu  sync.Mutex
	out bytes.Buffer
}

func (p *appProcess) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

// String returns the app's output so far.
func (p *appProcess) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

var reLogInLink = regexp.MustCompile(`/users/log-in/[A-Za-z0-9_-]+`)

// mailedLink waits for the nth email to to in the app's log (mail.Log's lines, JSON in
// production) and returns the login link in it.
func (p *appProcess) mailedLink(t *testing.T, to string, nth int) string {
	t.Helper()
	// The email leaves through the accounts outbox, after the answer; so wait for it.
	for deadline := time.Now().Add(testbrowser.Timeout); ; time.Sleep(20 * time.Millisecond) {
		var links []string
		sc := bufio.NewScanner(strings.NewReader(p.String()))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line struct{ Msg, To, Text string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && strings.HasPrefix(line.Msg, "email not sent") && line.To == to {
				if l := reLogInLink.FindString(line.Text); l != "" {
					links = append(links, l)
				}
			}
		}
		if len(links) >= nth {
			return links[nth-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app's log has %d emails with a link to %s, want %d:\n%s", len(links), to, nth, p.String())
		}
	}
}

// startApp runs cmd (the app binary, with its arguments) in dir with exactly env, and
// returns it once it answers client at base. The test's cleanup stops it with SIGINT.
func startApp(t *testing.T, cmd *exec.Cmd, dir string, env []string, base string, client *http.Client) *appProcess {
	t.Helper()
	p := &appProcess{}
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = p, p
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("app output:\n%s", p.String())
		}
	})
	for deadline := time.Now().Add(2 * time.Minute); ; { // a bound for a broken app only
		resp, err := client.Get(base + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app did not answer on %s: %v\n%s", base, err, p.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
