package accounts

import "errors"

// ErrSudoRequired is returned by the changes of email and password when the
// scope is not in sudo mode: the user must prove who they are again (log in
// with their password or a magic link) and retry within Config.SudoFor.
var ErrSudoRequired = errors.New("accounts: log in again to confirm it is you, then retry")

// InSudoMode reports whether scope has a user who proved who they are less
// than Config.SudoFor ago (10 minutes by default, by Config.Now), as recorded in
// Scope.AuthenticatedAt. Changing the email or the password requires it, so
// that a session stolen or left open, which may be days old, cannot take the
// account over for good.
func (s *Store) InSudoMode(scope Scope) bool {
	return scope.User != nil && !scope.AuthenticatedAt.IsZero() &&
		s.now().Sub(scope.AuthenticatedAt) < s.config.SudoFor
}
