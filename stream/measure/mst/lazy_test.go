package mst

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"cxray/stream/measure/internal/oracle"
)

// With few candidates per point most pairs are decided by the floors or in
// synchronised windows; the tree must still be dense Prim's, on data full
// of exact ties and on continuous data, in serial and parallel runs.
func TestLazyFewCandidates(t *testing.T) {
	withSmallParts(t)
	oldK, oldChunk, oldWork := lazyK, lazyChunk, minSyncWork
	t.Cleanup(func() { lazyK, lazyChunk, minSyncWork = oldK, oldChunk, oldWork })
	lazyChunk, minSyncWork = 5, 0
	rng := rand.New(rand.NewPCG(41, 42))
	var windows int64
	for _, k := range []int{0, 1, 2, 5} {
		lazyK = k
		for _, ints := range []bool{true, false} {
			for _, n := range []int{2, 3, 40, 257} {
				d := 1 + rng.IntN(12)
				x := oracle.RandomSet(rng, n, d, ints)
				for _, rtol := range []float64{0, DefaultTieRTol} {
					want := oracle.RefPrim(x, d, nil, rtol)
					for _, workers := range []int{1, 3} {
						name := fmt.Sprintf("k=%d/ints=%v/n=%d/d=%d/rtol=%g/workers=%d", k, ints, n, d, rtol, workers)
						s := NewPrim(n, rtol)
						p := newPoints(x, n, d, nil, true)
						l := lazyTree(s, p, workers)
						if !slices.Equal(s.parent, want) {
							t.Errorf("%s: parent differs from the reference Prim\n got %v\nwant %v", name, s.parent, want)
						}
						if l != nil {
							windows += l.windows
						}
					}
				}
			}
		}
	}
	if windows == 0 {
		t.Error("no window was ever synchronised: the test does not exercise them")
	}
}
