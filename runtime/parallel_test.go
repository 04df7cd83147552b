package runtime

import (
	"sync/atomic"
	"testing"
	"time"
)

// splitAll makes every kernel of the test split across workers when it
// has more than one item, as a large model's kernels are.
func splitAll(t *testing.T) {
	old := minParallelWork
	minParallelWork = 1
	t.Cleanup(func() { minParallelWork = old })
}

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

// BenchmarkParallelForHandoff measures what a split costs beyond its
// work: almost no work over 2 workers against the caller alone, after
// 200 µs of the caller's own work (long enough for an idle helper thread
// to park, as between the products of a small model's forward pass). On
// a VM, waking a parked thread's core is the cost minParallelWork must
// outweigh.
func BenchmarkParallelForHandoff(b *testing.B) {
	var sink atomic.Int64
	work := func(_, lo, hi int) { sink.Add(int64(hi - lo)) }
	busy := func() {
		for t := time.Now(); time.Since(t) < 200*time.Microsecond; {
		}
	}
	for _, w := range []int{1, 2} {
		b.Run(map[int]string{1: "caller", 2: "split2"}[w], func(b *testing.B) {
			for range b.N {
				busy()
				parallelFor(64, w, work)
			}
		})
	}
}
