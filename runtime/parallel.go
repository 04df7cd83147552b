package runtime

import (
	"sync"
	"sync/atomic"
)

// minParallelWork is roughly the number of multiply-adds below which
// splitting a kernel across goroutines costs more than it saves
// (starting and joining a goroutine is about a microsecond).
const minParallelWork = 1 << 16

// splitFor returns how many workers to use for n independent items of
// about cost multiply-adds each.
func splitFor(n, cost, workers int) int {
	if n*cost < minParallelWork || n < 2 {
		return 1
	}
	return min(workers, n)
}

// parallelFor runs f over [0, n) split into w contiguous chunks and waits
// for all of them. The chunks are fixed by n and w alone, so the results
// do not depend on timing; who runs them does: the caller and w−1 helper
// goroutines take the next chunk left until none is, so that a helper
// that the scheduler starts late (on a machine whose other cores are
// busy) finds nothing to do and the caller does not wait for it. f
// receives the index of the goroutine that runs it, 0 for the caller, so
// that it can use per-worker scratch: a goroutine runs its chunks one
// after the other. A panic in a chunk is re-raised on the caller, where
// the executor turns it into an error naming the node.
func parallelFor(n, w int, f func(worker, lo, hi int)) {
	if w <= 1 || n <= 1 {
		f(0, 0, n)
		return
	}
	w = min(w, n)
	chunks := min(n, 4*w)
	var (
		next   atomic.Int64
		wg     sync.WaitGroup
		mu     sync.Mutex
		caught any
	)
	wg.Add(chunks)
	work := func(worker int) {
		for {
			c := int(next.Add(1)) - 1
			if c >= chunks {
				return
			}
			func() {
				defer wg.Done()
				defer func() {
					if r := recover(); r != nil {
						mu.Lock()
						caught = r
						mu.Unlock()
					}
				}()
				f(worker, c*n/chunks, (c+1)*n/chunks)
			}()
		}
	}
	for i := 1; i < w; i++ {
		go work(i)
	}
	work(0)
	wg.Wait()
	if caught != nil {
		panic(caught)
	}
}
