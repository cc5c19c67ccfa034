package live

// After an outage of a PubSub that can lose messages (pubsub.Resumer), a view that
// subscribed to a topic may have missed an update, and a socket whose session was revoked
// meanwhile may have missed its Disconnect. The runtime cannot know which, so it asks
// every such socket's client to reconnect, which mounts the view afresh: the hooks check
// the session again and Mount reads the current state. Clients wait a random moment of up
// to a second first, so that thousands of them do not come back at once. A socket that
// neither subscribes nor has an id can have missed nothing; only its live session's
// Revalidate runs, at once.

// resume handles the end of a PubSub outage.
func (rt *Runtime) resume() {
	for _, c := range rt.connected() {
		c.post(job{run: (*conn).resync})
	}
}

// resync is resume's job on one connection's worker.
func (c *conn) resync() {
	s := c.sock
	if len(s.viewSubs) > 0 || s.id != "" {
		c.closeAfterQueued(CloseResync)
		return
	}
	check := s.route.session.opts.Revalidate
	if check == nil {
		return
	}
	ctx, end := c.callContext()
	err := check(ctx, s)
	end()
	if err != nil {
		c.close(CloseRevalidation, "session no longer valid")
	}
}
