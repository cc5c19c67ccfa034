package live

import "testing"

func TestDiffCacheHitsOnlyOnTheExactChange(t *testing.T) {
	dc := newDiffCache()
	e := diffEntry{key: dc.key("<p>a</p>", []byte("<p>b</p>")), old: "<p>a</p>", new: "<p>b</p>", ops: []byte(`[["t",[0,0],"b"]]`)}
	dc.put(e)
	if got, ok := dc.get(e.key, "<p>a</p>", []byte("<p>b</p>")); !ok || string(got.ops) != string(e.ops) {
		t.Fatalf("the same change missed: %v %q", ok, got.ops)
	}
	// The same key with other HTML (as a hash collision would have) is a miss.
	for _, c := range [][2]string{{"<p>x</p>", "<p>b</p>"}, {"<p>a</p>", "<p>y</p>"}} {
		if _, ok := dc.get(e.key, c[0], []byte(c[1])); ok {
			t.Fatalf("%q → %q hit an entry for another change", c[0], c[1])
		}
	}
	for i := range diffCacheSize { // the entry ages out
		dc.put(diffEntry{key: uint64(i), old: "o", new: "n"})
	}
	if _, ok := dc.get(e.key, "<p>a</p>", []byte("<p>b</p>")); ok {
		t.Fatal("an entry outlived diffCacheSize newer ones")
	}
}
