package neighbour

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// N4 returns the non-linearity of the 1-NN classifier in ECoL's form
// (Hoekstra and Duin 1996; Lorena et al. 2019, §2.4; ECoL c.N4 with
// c.generate/c.interpolation): n test points are made by interpolation,
// each as follows, and N4 is the fraction of them whose nearest training
// point (ties within TieRTol to the lowest index) has another label.
//
//  1. A class c is the label of a uniformly drawn point (so classes are
//     drawn in proportion to their size, as sample(data$class, 1)).
//  2. Two distinct points a, b of class c are drawn uniformly.
//  3. One u ~ U[0,1) is drawn, and the test point is a + (b-a)·u, every
//     feature in float64, then rounded to float32.
//
// The random numbers come from math/rand/v2's PCG seeded with
// Options.Seed, so the value is reproducible but not ECoL's (R's RNG).
// Gower uses the ranges of the training points (the interpolants lie
// within them, so ECoL's recomputed ranges are the same). A class with a
// single point yields that point.
//
// Multiclass: native. Memory: O(n) plus a block of test points
// (rowBlock·d float32) and a tile of keys per worker. Work: n² distances,
// computed when N4 is called (it is not part of Build).
func (nb *Neighbours) N4() float64 {
	n, d := nb.n, nb.dim
	rng := rand.New(rand.NewPCG(nb.opt.Seed, 0x4e34))
	byClass := map[int32][]int32{}
	for i, l := range nb.labels {
		byClass[l] = append(byClass[l], int32(i))
	}
	type gen struct {
		a, b int32
		u    float64
	}
	g := make([]gen, n)
	for t := range g {
		m := byClass[nb.labels[rng.IntN(n)]]
		if len(m) < 2 {
			g[t] = gen{m[0], m[0], 0}
			continue
		}
		p := rng.IntN(len(m))
		q := rng.IntN(len(m) - 1)
		if q >= p {
			q++
		}
		g[t] = gen{m[p], m[q], rng.Float64()}
	}
	blocks := (n + rowBlock - 1) / rowBlock
	var next, errs atomic.Int64
	var wg sync.WaitGroup
	for range min(nb.work, blocks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pts := make([]float32, rowBlock*d)
			keys := make([]float64, rowBlock*n)
			for {
				b := int(next.Add(1) - 1)
				if b >= blocks {
					return
				}
				t0, t1 := b*rowBlock, min(b*rowBlock+rowBlock, n)
				for t := t0; t < t1; t++ {
					e := g[t]
					xa := nb.x[int(e.a)*d : int(e.a)*d+d]
					xb := nb.x[int(e.b)*d : int(e.b)*d+d]
					p := pts[(t-t0)*d : (t-t0+1)*d]
					for f := range p {
						a := float64(xa[f])
						p[f] = float32(a + (float64(xb[f])-a)*e.u)
					}
				}
				for j0 := 0; j0 < n; j0 += colBlock {
					j1 := min(j0+colBlock, n)
					for t := t0; t < t1; t++ {
						base := (t - t0) * n
						nb.metric.keysRange(pts[(t-t0)*d:(t-t0+1)*d], nb.x, j0, j1, keys[base+j0:base+j1])
					}
				}
				for t := t0; t < t1; t++ {
					c := keys[(t-t0)*n : (t-t0+1)*n]
					m := math.Inf(1)
					for _, v := range c {
						m = min(m, v)
					}
					_, hi := nb.lim(m)
					for j, v := range c {
						if v <= hi {
							if nb.labels[j] != nb.labels[g[t].a] {
								errs.Add(1)
							}
							break
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	return float64(errs.Load()) / float64(n)
}
