package livetest

import (
	"strings"
	"testing"
	"time"
)

func TestParsePage(t *testing.T) {
	for _, tc := range []struct {
		name, page string
		want       page
		err        string
	}{
		{
			name: "the runtime's markup",
			page: `<!doctype html><html><head><meta name="live-csrf" content="C"></head><body>` +
				`<div id="live-root" data-live-session="s" data-live-token="T"><p>hi</p></div></body></html>`,
			want: page{token: "T", csrf: "C", socket: "/live/socket", heartbeat: defaultHeartbeat, rootHTML: "<p>hi</p>"},
		},
		{
			name: "attributes in any order, quoted any way, socket and heartbeat set",
			page: `<meta content='C' name=live-csrf><div data-live-heartbeat="1500" data-x="a>b" data-live-socket="/ws" ` +
				`data-live-token=T ID="live-root"><p>hi</p><div>nested</div></div><div>after</div>`,
			want: page{token: "T", csrf: "C", socket: "/ws", heartbeat: 1500 * time.Millisecond, rootHTML: "<p>hi</p><div>nested</div>"},
		},
		{
			name: "decoys in comments, scripts, look-alike ids and a root without a token",
			page: `<!-- <meta name="live-csrf" content="bad"> --><meta name="live-csrf-x" content="bad">` +
				`<meta name="live-csrf" content="C"><!-- <div id="live-root" data-live-token="bad"> -->` +
				`<script>"<div id=\"live-root\" data-live-token=\"bad\">"</script>` +
				`<div id="live-root-2" data-live-token="bad"></div><div id="live-root">no token</div>` +
				`<div id="live-root" data-live-token="T">ok</div><div id="live-root" data-live-token="late">late</div>`,
			want: page{token: "T", csrf: "C", socket: "/live/socket", heartbeat: defaultHeartbeat, rootHTML: "ok"},
		},
		{
			name: "a heartbeat the client would ignore",
			page: `<meta name="live-csrf" content="C"><div id="live-root" data-live-token="T" data-live-heartbeat="soon"></div>`,
			want: page{token: "T", csrf: "C", socket: "/live/socket", heartbeat: defaultHeartbeat},
		},
		{
			name: "no root",
			page: `<meta name="live-csrf" content="C"><!-- <div id="live-root" data-live-token="T"></div> -->`,
			err:  "no #live-root",
		},
		{
			name: "no CSRF meta tag",
			page: `<div id="live-root" data-live-token="T"></div>`,
			err:  "live-csrf",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parsePage(tc.page)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got != tc.want {
				t.Errorf("got %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}
