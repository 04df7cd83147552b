package n1

import (
	"math"
	"math/rand/v2"
	"sync"
)

// halfSampleSpread runs the whole estimation procedure (size curve and
// extrapolation to n) on b random halves of the pool points from (each
// class halved separately, an odd class rounding up or down at random),
// and returns the variance of the b estimates and the mean level-0 size
// of their curves.
//
// Replicate i draws from its own PCG stream (seed, i), so the result does
// not depend on how the replicates are scheduled over the workers.
func halfSampleSpread(sp *samplePool, from [][]int32, seen []int64, n float64, cfg curveConfig, b int, seed uint64, workers int) (variance, mHalf float64, ok bool) {
	if b < 2 {
		return 0, 0, false
	}
	vals := make([]float64, b)
	sizes := make([]float64, b)
	workers = max(1, min(workers, b))
	var wg sync.WaitGroup
	next := make(chan int, b)
	for i := range b {
		next <- i
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w poolWork
			half := make([][]int32, len(from))
			for i := range next {
				rng := rand.New(rand.NewPCG(seed, uint64(i)))
				for c, src := range from {
					k := (len(src) + int(rng.Uint64N(2))) / 2
					w.perm = append(w.perm[:0], src...)
					for t := range k {
						j := t + int(rng.Uint64N(uint64(len(w.perm)-t)))
						w.perm[t], w.perm[j] = w.perm[j], w.perm[t]
					}
					half[c] = append(half[c][:0], w.perm[:k]...)
				}
				pts := sizeCurve(sp, half, seen, nil, cfg, rng, &w)
				if len(pts) == 0 {
					vals[i], sizes[i] = math.NaN(), math.NaN()
					continue
				}
				vals[i], sizes[i] = extrapolate(pts, n).value, pts[0].m
			}
		}()
	}
	wg.Wait()
	var s, s2, sm float64
	for i := range b {
		if math.IsNaN(vals[i]) {
			return 0, 0, false
		}
		s += vals[i]
		sm += sizes[i]
	}
	mean := s / float64(b)
	for _, v := range vals {
		s2 += (v - mean) * (v - mean)
	}
	return s2 / float64(b-1), sm / float64(b), true
}
