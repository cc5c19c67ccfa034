package live

import "time"

// SetAfterFunc replaces the runtime's timer scheduling, for tests that fire timers by hand.
func SetAfterFunc(rt *Runtime, f func(time.Duration, func()) *time.Timer) { rt.afterFunc = f }
