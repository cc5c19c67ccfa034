package web

import "github.com/liveapp/liveapp/live"

// LoggedIn returns the live.Requirement "user": the socket's user is logged in. It checks
// what MountCurrentUser assigned, so that hook must run first (put it in the live
// session's Hooks). Declared on a live session or a route, it halts anonymous mounts as
// RequireAuthenticatedHook does; declared on an event (live.Requires), it refuses the
// event to an anonymous socket.
func (a *Auth) LoggedIn() live.Requirement {
	return live.Requirement{Name: "user", Check: a.RequireAuthenticatedHook}
}

// LoggedOut returns the live.Requirement "guest": nobody is logged in on the socket. It
// suits what only visitors do, such as signing up. Declared on a live session or a
// route, it sends logged-in users to AfterLoginPath as RedirectIfAuthenticatedHook does.
// MountCurrentUser must run first.
func (a *Auth) LoggedOut() live.Requirement {
	return live.Requirement{Name: "guest", Check: a.RedirectIfAuthenticatedHook}
}

// Sudo returns the live.Requirement "sudo": the socket's user logged in within the
// Store's SudoFor (10 minutes by default). Declared on a route, it halts other mounts as
// RequireSudoHook does. Declared on an event, it is checked each time the event is
// called, so an event of a page opened in sudo mode is refused once sudo mode has
// passed: declare it on the events that change an account's email or password, or
// delete things for good. MountCurrentUser must run first.
func (a *Auth) Sudo() live.Requirement {
	return live.Requirement{Name: "sudo", Check: a.RequireSudoHook}
}
