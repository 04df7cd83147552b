package mst

import (
	"math"
	"slices"
	"sync"

	"cxray/stream/measure/internal/kernel"
)

// lazyK is the number of candidates Lazy keeps per point. More
// candidates settle more points early (fewer windows) at n·lazyK·36 bytes
// of workspace while the candidates are collected.
var lazyK = 32

// candidates is the first pass of Lazy: for every point v a
// max-heap of the k smallest lower bounds lb(u, v), u ≠ v, with the
// partners u, and floor[v], the smallest bound of the pairs not kept.
type candidates struct {
	k     int
	free  []func()  // releases id and lb
	id    []int32   // n×k heaps: partners
	lb    []float64 // n×k heaps: bounds, largest at [v·k]
	cnt   []int32   // entries of each heap in use
	top   []float64 // the largest kept bound once the heap is full; +Inf before (-1 when k = 0)
	floor []float64 // every bound lb(u, v) with u not kept is ≥ floor[v]
}

// push offers (u, lb) to v's heap, which has room or a root above lb, and
// returns the bound that left the heap (+Inf when none did).
func (c *candidates) push(v int, u int32, lb float64) float64 {
	k := c.k
	ids, lbs := c.id[v*k:v*k+k], c.lb[v*k:v*k+k]
	if m := int(c.cnt[v]); m < k {
		i := m
		for i > 0 {
			up := (i - 1) / 2
			if lbs[up] >= lb {
				break
			}
			lbs[i], ids[i] = lbs[up], ids[up]
			i = up
		}
		lbs[i], ids[i] = lb, u
		c.cnt[v]++
		if m+1 == k {
			c.top[v] = lbs[0]
		}
		return math.Inf(1)
	}
	out := lbs[0]
	i := 0
	for {
		l := 2*i + 1
		if l >= k {
			break
		}
		if r := l + 1; r < k && lbs[r] > lbs[l] {
			l = r
		}
		if lbs[l] <= lb {
			break
		}
		lbs[i], ids[i] = lbs[l], ids[l]
		i = l
	}
	lbs[i], ids[i] = lb, u
	c.top[v] = lbs[0]
	return out
}

// buildCandidates runs the first pass. Strips of gramTile rows take their
// products with every row up to the strip's end (the lower triangle, as in
// buildGramStore), then offer each pair to both of its points. The heaps
// of a block of gramTile points are guarded by one mutex: a strip offers
// to its own block's heaps and then to each block below it, taking the
// blocks in whatever order their locks come free.
func buildCandidates(p *points, workers int) *candidates {
	const t = gramTile
	n := p.n
	k := min(lazyK, n-1)
	c := &candidates{
		k:     k,
		cnt:   make([]int32, n),
		top:   make([]float64, n),
		floor: make([]float64, n),
	}
	var f1, f2 func()
	c.id, f1 = newBuffer[int32](n * k)
	c.lb, f2 = newBuffer[float64](n * k)
	c.free = []func(){f1, f2}
	for v := range n {
		c.top[v] = math.Inf(1)
		if k == 0 {
			c.top[v] = -1
		}
		c.floor[v] = math.Inf(1)
	}
	nt := (n + t - 1) / t
	locks := make([]sync.Mutex, nt)
	strips := make(chan int, nt)
	for i := nt - 1; i >= 0; i-- {
		strips <- i
	}
	close(strips)
	workers = max(1, min(workers, nt))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scratch, free := newBuffer[float32](t * n)
			defer free()
			var blocks []int
			for I := range strips {
				r0 := I * t
				r1 := min(n, r0+t)
				g := scratch[:(r1-r0)*r1]
				gramStrip(p, r0, r1, r1, g)
				locks[I].Lock()
				c.offerRows(p, r0, r1, g)
				locks[I].Unlock()
				blocks = blocks[:0]
				for J := I - 1; J >= 0; J-- {
					blocks = append(blocks, J)
				}
				for len(blocks) > 0 {
					got := false
					for i := 0; i < len(blocks); {
						J := blocks[i]
						if !locks[J].TryLock() {
							i++
							continue
						}
						c.offerCols(p, r0, r1, J*t, min(n, J*t+t), g)
						locks[J].Unlock()
						blocks = append(blocks[:i], blocks[i+1:]...)
						got = true
					}
					if !got {
						J := blocks[0]
						locks[J].Lock()
						c.offerCols(p, r0, r1, J*t, min(n, J*t+t), g)
						locks[J].Unlock()
						blocks = blocks[1:]
					}
				}
			}
		}()
	}
	wg.Wait()
	return c
}

// offerRows offers every pair (u, v), u in [r0, r1), v < r1, v ≠ u, to
// u's heap; g holds the products of the strip's rows with rows [0, r1).
// Within the strip this offers each pair to both points.
func (c *candidates) offerRows(p *points, r0, r1 int, g []float32) {
	h, lbf := p.h[:r1], p.lbf
	for u := r0; u < r1; u++ {
		hu := h[u]
		row := g[(u-r0)*r1 : (u-r0)*r1+r1]
		top, floor := c.top[u], c.floor[u]
		for _, span := range [2][2]int{{0, u}, {u + 1, r1}} {
			for v := span[0]; v < span[1]; v++ {
				if haveKernel {
					if v += kernel.BelowRow(hu, lbf, max(top, floor), h[v:span[1]], row[v:span[1]]); v == span[1] {
						break
					}
				}
				lb := lowerOf(hu, h[v], row[v], lbf)
				if lb < top {
					floor = min(floor, c.push(u, int32(v), lb))
					top = c.top[u]
				} else if lb < floor {
					floor = lb
				}
			}
		}
		c.floor[u] = floor
	}
}

// offerCols offers the pairs (u, v), u in [r0, r1), v in [j0, j1) ⊂
// [0, r0), to v's heap.
func (c *candidates) offerCols(p *points, r0, r1, j0, j1 int, g []float32) {
	h, lbf := p.h, p.lbf
	top, floor := c.top[j0:j1], c.floor[j0:j1]
	hv := h[j0:j1]
	for u := r0; u < r1; u++ {
		hu := h[u]
		row := g[(u-r0)*r1+j0 : (u-r0)*r1+j1]
		for i := 0; i < len(row); i++ {
			if haveKernel {
				if i += kernel.BelowCols(hu, lbf, hv[i:], row[i:], top[i:], floor[i:]); i == len(row) {
					break
				}
			}
			lb := lowerOf(hu, hv[i], row[i], lbf)
			if lb < top[i] {
				floor[i] = min(floor[i], c.push(j0+i, int32(u), lb))
			} else if lb < floor[i] {
				floor[i] = lb
			}
		}
	}
}

// candGraph lists, for every point u, the pairs whose bound the first pass
// kept, in either direction: the candidates of u and the points that have u
// as a candidate (a pair kept both ways appears twice).
type candGraph struct {
	off  []int // u's pairs are [off[u], off[u+1])
	id   []int32
	lb   []float64
	free []func() // releases id and lb
}

// graph turns the heaps into a candGraph and drops them.
func (c *candidates) graph() *candGraph {
	n := len(c.cnt)
	g := &candGraph{off: make([]int, n+1)}
	for v := range n {
		for _, u := range c.id[v*c.k : v*c.k+int(c.cnt[v])] {
			g.off[v+1]++
			g.off[u+1]++
		}
	}
	for v := range n {
		g.off[v+1] += g.off[v]
	}
	var f1, f2 func()
	g.id, f1 = newBuffer[int32](g.off[n])
	g.lb, f2 = newBuffer[float64](g.off[n])
	g.free = []func(){f1, f2}
	next := slices.Clone(g.off[:n])
	for v := range n {
		b := v * c.k
		for i, u := range c.id[b : b+int(c.cnt[v])] {
			lb := c.lb[b+i]
			g.id[next[v]], g.lb[next[v]] = u, lb
			next[v]++
			g.id[next[u]], g.lb[next[u]] = int32(v), lb
			next[u]++
		}
	}
	c.id, c.lb = nil, nil
	for _, f := range c.free {
		f()
	}
	return g
}
