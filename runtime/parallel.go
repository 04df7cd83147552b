package runtime

import (
	"sync"
	"sync/atomic"
)

// minParallelWork is roughly the number of multiply-adds below which
// splitting a kernel across goroutines costs more than it saves. Starting
// a goroutine costs about a microsecond, but the helper's thread has
// usually parked between kernels, and on a VM waking its core takes 10 to
// 20 µs (BenchmarkParallelForHandoff), with the operands then moving
// between the cores' caches. On 2 cores of this project's machines the
// 784-256-128-10 MLP at batch 64 ran 175-195k samples/s split from 2^16
// multiply-adds and 230-260k split from 2^24 (its largest product has
// 12.8M), as fast as on one core; ResNet-18's, ViT's and the Transformer
// encoder's products are far above either. A variable so that tests can
// split small kernels to exercise the parallel paths (splitAll).
var minParallelWork = 1 << 24

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
