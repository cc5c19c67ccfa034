package live_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live"
	"github.com/liveapp/liveapp/live/client"
)

func TestOnlyDevModePagesLoadTheDevScript(t *testing.T) {
	for _, dev := range []bool{false, true} {
		app := newTestApp(t, func(c *live.Config) { c.Dev = dev })
		srv := httptest.NewServer(app.h)
		resp, err := srv.Client().Get(srv.URL + "/counter")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		devTag := `<script defer src="/live/` + client.DevFilename() + `"></script><script defer src="/live/` + client.Filename()
		if strings.Contains(string(body), devTag) != dev || strings.Contains(string(body), client.DevFilename()) != dev {
			t.Errorf("dev=%v: the page's scripts are wrong:\n%s", dev, body)
		}
		resp, err = srv.Client().Get(srv.URL + "/live/" + client.DevFilename())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if (resp.StatusCode == 200) != dev {
			t.Errorf("dev=%v: GET dev script = %d", dev, resp.StatusCode)
		}
		srv.Close()
	}
}
