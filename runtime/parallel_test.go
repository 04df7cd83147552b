package runtime

import (
	"sync/atomic"
	"testing"
)

// TestParallelForCovers checks that parallelFor hands every index of
// [0, n) to f exactly once, in chunks that depend on n and w alone, and
// that no two goroutines share a worker index at the same time.
func TestParallelForCovers(t *testing.T) {
	for _, c := range []struct{ n, w int }{{1, 4}, {3, 2}, {7, 2}, {100, 3}, {1000, 8}} {
		hits := make([]atomic.Int32, c.n)
		busy := make([]atomic.Int32, c.w)
		var chunks atomic.Int32
		parallelFor(c.n, c.w, func(worker, lo, hi int) {
			if worker < 0 || worker >= c.w {
				t.Errorf("n=%d w=%d: worker %d", c.n, c.w, worker)
				return
			}
			if busy[worker].Add(1) != 1 {
				t.Errorf("n=%d w=%d: worker %d runs two chunks at once", c.n, c.w, worker)
			}
			chunks.Add(1)
			for i := lo; i < hi; i++ {
				hits[i].Add(1)
			}
			busy[worker].Add(-1)
		})
		for i := range hits {
			if h := hits[i].Load(); h != 1 {
				t.Fatalf("n=%d w=%d: index %d visited %d times", c.n, c.w, i, h)
			}
		}
		want := int32(min(c.n, 4*min(c.w, c.n)))
		if c.w <= 1 || c.n <= 1 {
			want = 1
		}
		if got := chunks.Load(); got != want {
			t.Errorf("n=%d w=%d: %d chunks, want %d", c.n, c.w, got, want)
		}
	}
}
