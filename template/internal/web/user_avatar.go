package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"

	"github.com/liveapp/liveapp/accounts"
	authweb "github.com/liveapp/liveapp/accounts/web"
	"github.com/liveapp/liveapp/live"

	"github.com/liveapp/liveapp/template/internal/avatars"
)

// Avatars are uploaded on the settings page (user_settings.go) and kept by
// avatars.Store. They are served to their owner only, at
// /users/avatar/{key}: the handler answers 404 to anyone whose avatar it is
// not, so a key seen in one browser opens nothing in another. The key is
// random and changes with every upload, so browsers may cache each one for
// good.

// avatarAssign is the socket assign that holds the current user's avatar URL.
const avatarAssign = "avatar_url"

// assignAvatar is a live hook that puts the current user's avatar URL, or "",
// in the layout's nav bar. The layout renders with the dead render only, so
// the connected mount skips the query.
func (a *App) assignAvatar(ctx context.Context, s *live.Socket) error {
	scope := authweb.ScopeFromSocket(s)
	if a.Avatars == nil || scope.User == nil || s.Connected() {
		return nil
	}
	url, err := a.avatarURL(ctx, scope)
	if err != nil {
		return err
	}
	s.Assign(avatarAssign, url)
	return nil
}

// avatarURL returns the address of the user's avatar, or "" when they have
// none.
func (a *App) avatarURL(ctx context.Context, scope accounts.Scope) (string, error) {
	key, err := a.Avatars.Key(ctx, scope)
	if key == "" || err != nil {
		return "", err
	}
	return "/users/avatar/" + key, nil
}

// serveAvatar handles GET /users/avatar/{key}: the current user's avatar, if
// key is its key.
func (a *App) serveAvatar(w http.ResponseWriter, r *http.Request) {
	if a.Avatars == nil {
		a.errorPage(w, r, http.StatusNotFound, nil)
		return
	}
	key := r.PathValue("key")
	f, err := a.Avatars.Open(r.Context(), authweb.ScopeFrom(r.Context()), key)
	if errors.Is(err, avatars.ErrNotFound) {
		a.errorPage(w, r, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	// The type follows the extension the store chose from the sniffed type;
	// nosniff and the sandbox keep the browser from reading it as anything
	// but an image.
	h.Set("Content-Type", mime.TypeByExtension(path.Ext(key)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	_, _ = io.Copy(w, f)
}
