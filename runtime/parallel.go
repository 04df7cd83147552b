package runtime

import "sync"

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

// parallelFor runs f over [0, n) split into w contiguous chunks, one
// goroutine per chunk beyond the first (which runs on the caller), and
// waits for all of them. f receives its worker index, so that it can use
// per-worker scratch. A panic in a worker is re-raised on the caller, where
// the executor turns it into an error naming the node.
func parallelFor(n, w int, f func(worker, lo, hi int)) {
	if w <= 1 || n <= 1 {
		f(0, 0, n)
		return
	}
	w = min(w, n)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		caught any
	)
	chunk := func(i int) {
		defer func() {
			if r := recover(); r != nil {
				mu.Lock()
				caught = r
				mu.Unlock()
			}
		}()
		f(i, i*n/w, (i+1)*n/w)
	}
	for i := 1; i < w; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chunk(i)
		}()
	}
	chunk(0)
	wg.Wait()
	if caught != nil {
		panic(caught)
	}
}
