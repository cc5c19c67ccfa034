//go:build !unix

package devdb

import "errors"

// The development database needs Unix sockets, as pgcluster does.
func lockPath(string) (func(), error) {
	return nil, errors.New("the development database needs a Unix system")
}
