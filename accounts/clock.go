package accounts

import "time"

// The Store reads the time from Config.Now when it is set, so that tests can move
// time instead of waiting for it. Without it, what PostgreSQL stores and compares is
// timed by the database's clock, which every node of an app shares: statements take
// the time as a parameter and read it as coalesce($n::timestamptz, now()), which is
// now() when the parameter is NULL.

// now returns the current time for what the Store computes in Go: Config.Now's time,
// or time.Now's.
func (s *Store) now() time.Time {
	if s.config.Now == nil {
		return time.Now()
	}
	return s.config.Now()
}

// dbNow returns the current time to pass to a statement: Config.Now's time, or nil
// for the database's own clock.
func (s *Store) dbNow() *time.Time {
	if s.config.Now == nil {
		return nil
	}
	t := s.config.Now()
	return &t
}
