package livetest

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// The client's defaults for a root without data-live-socket or data-live-heartbeat
// (docs/protocol.md, sections 2 and 3.1).
const (
	defaultSocketPath = "/live/socket"
	defaultHeartbeat  = 30 * time.Second
)

// page is what a client needs from a dead render to connect, read the way the browser
// client reads it (live/client/client.js, connect): from the DOM, not from the bytes.
type page struct {
	token     string        // #live-root's data-live-token
	csrf      string        // <meta name="live-csrf">'s content
	socket    string        // #live-root's data-live-socket, or defaultSocketPath
	heartbeat time.Duration // #live-root's data-live-heartbeat, or defaultHeartbeat
	rootHTML  string        // the children of #live-root, serialized
}

// parsePage parses a dead-rendered document with a full HTML parser, so that comments,
// attribute order, quoting and look-alike ids cannot mislead it, and finds the root as
// the client does: the first element matching #live-root[data-live-token].
func parsePage(body string) (*page, error) {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	var root, meta *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if _, ok := htmlAttr(n, "data-live-token"); root == nil && ok && htmlAttrIs(n, "id", "live-root") {
				root = n
			}
			if meta == nil && n.Data == "meta" && htmlAttrIs(n, "name", "live-csrf") {
				meta = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if root == nil {
		return nil, errors.New(`no #live-root element with a data-live-token attribute`)
	}
	if meta == nil {
		return nil, errors.New(`no <meta name="live-csrf"> element`)
	}
	p := &page{socket: defaultSocketPath, heartbeat: defaultHeartbeat}
	p.token, _ = htmlAttr(root, "data-live-token")
	p.csrf, _ = htmlAttr(meta, "content")
	if s, _ := htmlAttr(root, "data-live-socket"); s != "" {
		p.socket = s
	}
	// The client ignores a value that is not a positive number, as Number(...) || 30000 does.
	if s, _ := htmlAttr(root, "data-live-heartbeat"); s != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && ms > 0 {
			p.heartbeat = time.Duration(ms * float64(time.Millisecond))
		}
	}
	var b strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return nil, err
		}
	}
	p.rootHTML = b.String()
	return p, nil
}

func htmlAttr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func htmlAttrIs(n *html.Node, name, value string) bool {
	v, ok := htmlAttr(n, name)
	return ok && v == value
}
