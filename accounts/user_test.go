package accounts_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/liveapp/liveapp/accounts"
)

func TestPrintingAUserNeverShowsItsPasswordHash(t *testing.T) {
	db := newDB(t)
	s, _ := newStore(t, db, accounts.Config{})
	u := register(t, s, "alice@example.com")
	hash := storedHash(t, db, u.ID)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("login", "user", u)

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, arg := range []any{u, *u} {
			out := fmt.Sprintf(verb, arg)
			if strings.Contains(out, hash) || strings.Contains(out, "argon2") {
				t.Errorf("%s of %T shows the hash: %s", verb, arg, out)
			}
		}
	}
	if got := fmt.Sprintf("%+v", u); !strings.Contains(got, "alice@example.com") {
		t.Errorf("%%+v of a user: %s, want its email", got)
	}
	if strings.Contains(logged.String(), "argon2") || !strings.Contains(logged.String(), `"email":"alice@example.com"`) {
		t.Errorf("slog: %s", logged.String())
	}
}

func TestPrintingASessionTokenNeverShowsIt(t *testing.T) {
	token := accounts.SessionToken(bytes.Repeat([]byte{0xab}, 32))
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "token", token)
	outs := []string{logged.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, token))
	}
	for _, out := range outs {
		if strings.Contains(strings.ToLower(out), hex.EncodeToString(token[:4])) || strings.Contains(out, "171") {
			t.Errorf("token printed: %s", out)
		}
	}
}
