package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/liveapp/liveapp/live/auditjson"
	"golang.org/x/net/html"
)

// Probe is what --live found on a running app.
type Probe struct {
	URL       string            `json:"url"`
	Page      string            `json:"page"`    // the URL of the live page probed, after same-origin redirects
	Headers   map[string]string `json:"headers"` // the security headers, as served
	Cookies   []ProbeCookie     `json:"cookies"`
	Websocket []ProbeCase       `json:"websocket"`
}

// ProbeCookie is a cookie the app set, with its flags.
type ProbeCookie struct {
	Name     string `json:"name"`
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"http_only"`
	SameSite string `json:"same_site"`
}

// ProbeCase is one websocket attempt and its outcome.
type ProbeCase struct {
	Case    string `json:"case"`
	Want    string `json:"want"`    // "accepted" or "refused"
	Outcome string `json:"outcome"` // what happened: "refused with 403", "closed with 1009"…
	OK      bool   `json:"ok"`
}

// probeHeaders are the response headers the probe reports.
var probeHeaders = []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
	"X-Frame-Options", "Strict-Transport-Security"}

// foreignOrigin is the Origin header of the cross-site handshake. It is only
// a header value: nothing is sent to it.
const foreignOrigin = "https://audit.invalid"

// oversize is the size of the frame that must be refused: 16 times the
// runtime's default limit (64 KiB).
const oversize = 1 << 20

// RunProbe probes the app running at rawURL and adds its findings to r. It
// sends requests to rawURL's origin only: redirects elsewhere are not
// followed, and the websocket opens on the same origin. Each step is
// bounded by timeout.
func RunProbe(ctx context.Context, r *Report, rawURL string, timeout time.Duration) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &BadInputError{Msg: fmt.Sprintf("--live %q: want the URL of the running app, such as http://localhost:4000/", rawURL)}
	}
	origin := u.Scheme + "://" + u.Host
	jar, _ := cookiejar.New(nil) // never fails with nil options
	client := &http.Client{
		Jar:     jar,
		Timeout: timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Scheme+"://"+req.URL.Host != origin {
				return http.ErrUseLastResponse // another origin: stop here
			}
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			return nil
		},
	}
	p := &Probe{URL: rawURL, Headers: map[string]string{}, Cookies: []ProbeCookie{}, Websocket: []ProbeCase{}}
	r.Probe = p
	page, err := fetchPage(ctx, client, rawURL, p)
	if err != nil {
		return &BadInputError{Msg: fmt.Sprintf("--live: %v", err)}
	}
	secure := u.Scheme == "https"
	checkProbeHeaders(r, p, secure)
	checkProbeCookies(r, p, secure)
	if page.token == "" || page.csrf == "" {
		r.add(Finding{Severity: Warning, Check: CheckProbeWebsocket, Message: fmt.Sprintf("%s is not a live page (no live-csrf meta or data-live-token): the websocket was not probed; give --live the URL of a live page", p.Page)})
		return nil
	}
	ws := *u
	ws.Scheme = "ws"
	if secure {
		ws.Scheme = "wss"
	}
	ws.Path, ws.RawQuery, ws.Fragment = page.socket, "", ""
	query := func(csrf bool) string {
		q := url.Values{"v": {"1"}, "token": {page.token}, "url": {p.Page}}
		if csrf {
			q.Set("csrf", page.csrf)
		}
		return ws.String() + "?" + q.Encode()
	}
	dialer := &websocket.Dialer{Jar: jar, HandshakeTimeout: timeout}
	dial := func(rawURL, origin string) (*websocket.Conn, string) {
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		c, resp, err := dialer.DialContext(ctx, rawURL, h)
		if err == nil {
			return c, "accepted"
		}
		if resp != nil {
			resp.Body.Close()
			return nil, fmt.Sprintf("refused with %d", resp.StatusCode)
		}
		return nil, "failed: " + err.Error()
	}
	record := func(c ProbeCase) {
		p.Websocket = append(p.Websocket, c)
		if !c.OK {
			r.add(Finding{Severity: Error, Check: CheckProbeWebsocket, Message: fmt.Sprintf("websocket, %s: want %s, got %s", c.Case, c.Want, c.Outcome)})
		}
	}

	conn, outcome := dial(query(true), origin)
	record(ProbeCase{Case: "same origin with the CSRF token", Want: "accepted", Outcome: outcome, OK: conn != nil})
	if conn != nil {
		record(oversizeCase(conn, timeout))
	}
	conn, outcome = dial(query(true), foreignOrigin)
	if conn != nil {
		conn.Close()
	}
	record(ProbeCase{Case: "foreign Origin " + foreignOrigin, Want: "refused", Outcome: outcome, OK: conn == nil && strings.HasPrefix(outcome, "refused")})
	conn, outcome = dial(query(false), origin)
	if conn != nil {
		conn.Close()
	}
	record(ProbeCase{Case: "no CSRF token", Want: "refused", Outcome: outcome, OK: conn == nil && strings.HasPrefix(outcome, "refused")})
	return nil
}

// oversizeCase sends a frame far over the runtime's limit on an open socket
// and waits for the server to close it.
func oversizeCase(conn *websocket.Conn, timeout time.Duration) ProbeCase {
	defer conn.Close()
	c := ProbeCase{Case: fmt.Sprintf("a %d-byte frame", oversize), Want: "refused"}
	deadline := time.Now().Add(timeout)
	_ = conn.SetWriteDeadline(deadline)
	_ = conn.SetReadDeadline(deadline)
	conn.SetReadLimit(4 << 20) // the server's frames, bounded too
	// Send while reading: the server answers with a close frame as soon as
	// it has read the frame's header, long before the frame is sent.
	frame := `{"t":"h","pad":"` + strings.Repeat("x", oversize) + `"}`
	sent := make(chan error, 1)
	go func() { sent <- conn.WriteMessage(websocket.TextMessage, []byte(frame)) }()
	var err error
	for err == nil {
		_, _, err = conn.ReadMessage() // the mount's render comes first
	}
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce):
		c.Outcome, c.OK = fmt.Sprintf("closed with %d", ce.Code), true
	case isTimeout(err):
		c.Outcome = "still open after " + timeout.String()
	default:
		c.Outcome, c.OK = "connection dropped: "+err.Error(), true
	}
	conn.Close() // ends the write, if it still runs
	<-sent
	return c
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// livePage is what the probe needs from a dead render.
type livePage struct {
	csrf, token, socket string
}

// fetchPage GETs rawURL, following same-origin redirects, records the
// headers and cookies of every response, and reads the live page it ends on.
func fetchPage(ctx context.Context, client *http.Client, rawURL string, p *Probe) (livePage, error) {
	page := livePage{socket: "/live/socket"}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return page, err
	}
	seen := map[string]bool{}
	client.Transport = cookieRecorder{next: http.DefaultTransport, record: func(resp *http.Response) {
		for _, c := range resp.Cookies() {
			if !seen[c.Name] {
				seen[c.Name] = true
				p.Cookies = append(p.Cookies, ProbeCookie{Name: c.Name, Secure: c.Secure, HTTPOnly: c.HttpOnly, SameSite: auditjson.SameSite(c.SameSite)})
			}
		}
	}}
	resp, err := client.Do(req)
	if err != nil {
		return page, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	p.Page = resp.Request.URL.String()
	for _, h := range probeHeaders {
		if v := resp.Header.Get(h); v != "" {
			p.Headers[h] = v
		}
	}
	if resp.StatusCode != http.StatusOK {
		return page, fmt.Errorf("GET %s: %s", p.Page, resp.Status)
	}
	z := html.NewTokenizer(io.LimitReader(resp.Body, 8<<20))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return page, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			attrs := map[string]string{}
			for _, a := range t.Attr {
				attrs[a.Key] = a.Val
			}
			switch {
			case t.Data == "meta" && attrs["name"] == "live-csrf":
				page.csrf = attrs["content"]
			case attrs["id"] == "live-root":
				page.token = attrs["data-live-token"]
				if s := attrs["data-live-socket"]; strings.HasPrefix(s, "/") {
					page.socket = s
				}
			}
		}
	}
}

// cookieRecorder shows every response, redirects included, to record.
type cookieRecorder struct {
	next   http.RoundTripper
	record func(*http.Response)
}

func (c cookieRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err == nil {
		c.record(resp)
	}
	return resp, err
}

// checkProbeHeaders adds the findings of the served security headers.
func checkProbeHeaders(r *Report, p *Probe, secure bool) {
	csp, ok := p.Headers["Content-Security-Policy"]
	if !ok {
		r.add(Finding{Severity: Error, Check: CheckProbeHeaders, Message: "the page has no Content-Security-Policy header"})
	} else {
		for _, f := range cspFindings(csp) {
			f.Check = CheckProbeHeaders
			r.add(f)
		}
	}
	if !strings.EqualFold(p.Headers["X-Content-Type-Options"], "nosniff") {
		r.add(Finding{Severity: Warning, Check: CheckProbeHeaders, Message: "the page has no X-Content-Type-Options: nosniff"})
	}
	if p.Headers["Referrer-Policy"] == "" {
		r.add(Finding{Severity: Warning, Check: CheckProbeHeaders, Message: "the page has no Referrer-Policy: its URLs leak to other sites"})
	}
	if secure && p.Headers["Strict-Transport-Security"] == "" {
		r.add(Finding{Severity: Warning, Check: CheckProbeHeaders, Message: "the page is served over HTTPS without Strict-Transport-Security"})
	}
}

// checkProbeCookies adds the findings of the cookies the app set.
func checkProbeCookies(r *Report, p *Probe, secure bool) {
	for _, c := range p.Cookies {
		var missing []string
		if !c.HTTPOnly {
			missing = append(missing, "HttpOnly")
		}
		if c.SameSite != "lax" && c.SameSite != "strict" {
			missing = append(missing, "SameSite=Lax or Strict")
		}
		if secure && !c.Secure {
			missing = append(missing, "Secure")
		}
		if len(missing) > 0 {
			r.add(Finding{Severity: Error, Check: CheckProbeCookies, Message: fmt.Sprintf("the cookie %s lacks %s", c.Name, strings.Join(missing, ", "))})
		}
	}
}
