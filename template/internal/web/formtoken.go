package web

import (
	"context"
	"net/http"

	"github.com/liveapp/liveapp/live"
)

// Forms that post over plain HTTP (log in, log out, change password) must carry
// a CSRF token in a field named _csrf: rt.ProtectForms refuses them otherwise.
// Live events need none, since the websocket itself is checked.
//
// The token comes from the dead render's request: formToken puts it in the
// request's context and assignFormToken hands it to the page, which renders it
// into its forms. The websocket mount has no request, so there the field
// renders empty and static/app.js fills it from the page's live-csrf meta tag
// when the form is submitted. Without JavaScript the page never connects and
// keeps the dead render's token, so the forms work either way.

// formTokenAssign is the socket assign that holds the dead render's CSRF token.
const formTokenAssign = "form_token"

type formTokenKey struct{}

// formToken is middleware that puts a CSRF token for the request's browser in
// its context, for assignFormToken.
func (a *App) formToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := a.Runtime.CSRFToken(w, r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), formTokenKey{}, token)))
	})
}

// assignFormToken is a live hook that assigns the token formToken found, during
// the dead render.
func assignFormToken(ctx context.Context, s *live.Socket) error {
	if token, ok := ctx.Value(formTokenKey{}).(string); ok {
		s.Assign(formTokenAssign, token)
	}
	return nil
}

// formTokenOf returns the CSRF token to render into a page's forms: the dead
// render's, or "" over the websocket (app.js fills it in).
func formTokenOf(s *live.Socket) string {
	token, _ := s.Get(formTokenAssign).(string)
	return token
}
