package loadproc

import (
	"os"
	"testing"
)

func TestReadCPUOfThisProcess(t *testing.T) {
	before, err := ReadCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for i := range 50_000_000 { // some work, so that the count moves
		x ^= i
	}
	_ = x
	after, err := ReadCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after < before {
		t.Fatalf("CPU time went back: %v then %v", before, after)
	}
}
