package live

import "testing"

// TestSharedListSurvivesItemsThatCannotBeCompared: comparing two items that hold slices
// in an interface panics (Each turns that into an error); the shared rows must not stay
// locked. (Each never keeps such a list, since it fails first on its map; the test puts
// one in by hand.)
func TestSharedListSurvivesItemsThatCannotBeCompared(t *testing.T) {
	type item struct{ V any }
	r := &memoRows[item]{rows: map[item]string{}}
	r.last, r.lastHTML = []item{{V: 1}, {V: []int{2}}}, "12"
	func() {
		defer func() { _ = recover() }()
		r.list([]item{{V: 1}, {V: []int{2}}})
		t.Fatal("comparing a slice did not panic")
	}()
	r.putList([]item{{V: 3}}, "3") // would block forever if the panic left the lock held
	if h, ok := r.list([]item{{V: 3}}); !ok || h != "3" {
		t.Fatalf("list = %q, %v", h, ok)
	}
	if _, ok := r.list([]item{{V: 4}}); ok {
		t.Fatal("another list matched")
	}
}
