package projects

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/liveapp/liveapp/accounts"
)

// EventKind says what happened to a project.
type EventKind string

// The kinds of Event.
const (
	Created EventKind = "created"
	Updated EventKind = "updated"
	Deleted EventKind = "deleted"
)

// Event is published on the owner's Topic after a project changes. It carries
// only the kind and the id: subscribers load what they show through the Store,
// with their own scope, so a message never carries data to anyone who could not
// read it anyway.
type Event struct {
	Kind EventKind
	ID   int64
}

// Topic is the PubSub topic of the scope's user's project events. Only that
// user's views subscribe to it.
func Topic(scope accounts.Scope) string {
	return "projects:user:" + strconv.FormatInt(scope.UserID(), 10)
}

// ParseEvent decodes a message published on a Topic.
func ParseEvent(data []byte) (Event, error) {
	kind, id, ok := strings.Cut(string(data), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil {
		return Event{}, fmt.Errorf("projects: malformed event %q", data)
	}
	return Event{Kind: EventKind(kind), ID: n}, nil
}

// data encodes e for ParseEvent.
func (e Event) data() []byte {
	return []byte(string(e.Kind) + ":" + strconv.FormatInt(e.ID, 10))
}

// publish tells the scope's user's other views about a change already saved,
// for a PubSub that cannot publish within its transaction. A failure is not
// returned: the change is saved, and the views only miss a refresh, which
// their next reload catches up.
func (s *Store) publish(ctx context.Context, scope accounts.Scope, e Event) {
	_ = s.pubsub.Publish(ctx, Topic(scope), e.data())
}
