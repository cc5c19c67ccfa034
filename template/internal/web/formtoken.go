package web

import (
	"context"

	"github.com/liveapp/liveapp/live"
)

// Forms that post over plain HTTP (log in, log out, change password) must carry
// a CSRF token in a field named _csrf: rt.ProtectForms refuses them otherwise.
// Live events need none, since the websocket itself is checked.
//
// assignFormToken, a hook of every live session, gives each mount a token for
// the browser that mounted it (live.Socket.CSRFToken), and pages render it into
// their forms, in the dead render and over the websocket alike.

// formTokenAssign is the socket assign that holds the page's CSRF token.
const formTokenAssign = "form_token"

// assignFormToken is a live hook that assigns a CSRF token for the mounting
// browser. It is taken once per mount: each call masks the token anew.
func assignFormToken(_ context.Context, s *live.Socket) error {
	s.Assign(formTokenAssign, s.CSRFToken())
	return nil
}

// formTokenOf returns the CSRF token to render into a page's forms.
func formTokenOf(s *live.Socket) string {
	token, _ := s.Get(formTokenAssign).(string)
	return token
}
