package neighbour

// T1 returns the fraction of hyperspheres needed to cover the data, in
// ECoL's form (Ho and Basu 2002; Lorena et al. 2019, §2.4; ECoL
// neighborhood.R, c.T1 with length(aux)/n as in its tests):
//
//  1. Radius (ECoL's radios): with j the nearest enemy of i and k that of
//     j, r_i = d(i,j)/2 if k = i, else r_i = d(i,j) - r_j. Along the chain
//     of nearest enemies the distances do not grow, so 0 ≤ r_i ≤ d(i,j).
//     A chain that comes back to a point other than by a mutual pair (only
//     possible through ties) is closed as if the pair were mutual; ECoL
//     would recurse without end.
//  2. Sphere i covers the points at distance < r_i·(1-TieRTol) (itself
//     included when r_i > 0); these lie in its local set.
//  3. Greedy removal (ECoL's adherence): repeatedly take the remaining
//     point whose sphere covers most remaining points (the lowest index on
//     a tie) and remove it with what it covers. T1 is the number of
//     spheres taken over n.
//
// Multiclass: native (enemies are all other classes). Memory: a reverse
// index of the covers, at most the local sets (12 bytes per member), and
// O(n). Work: O(Σ|LS|) + O(n) per sphere.
func (nb *Neighbours) T1() float64 {
	n := nb.n
	r := nb.Radii()
	start := make([]int64, n+1)
	var cov []int32
	for i := range n {
		lim := r[i] * (1 - nb.opt.TieRTol)
		for t := nb.lsStart[i]; t < nb.lsStart[i+1]; t++ {
			if nb.lsD[t] < lim {
				cov = append(cov, nb.lsIdx[t])
			}
		}
		start[i+1] = int64(len(cov))
	}
	return T1Of(start, cov)
}

// T1Of is T1's greedy removal (step 3 of T1) over the covers of the n =
// len(start)-1 spheres, in CSR form: sphere i covers the points
// cov[start[i]:start[i+1]], each once. It is the form a sharded run
// computes T1 in, from covers found by the covers tasks. The order of a
// sphere's points does not matter.
func T1Of(start []int64, cov []int32) float64 {
	n := len(start) - 1
	// the reverse index: the spheres that cover each point
	rstart := make([]int64, n+1)
	for _, j := range cov {
		rstart[j+1]++
	}
	for i := range n {
		rstart[i+1] += rstart[i]
	}
	rev := make([]int32, len(cov))
	fill := append([]int64(nil), rstart[:n]...)
	for i := range n {
		for t := start[i]; t < start[i+1]; t++ {
			j := cov[t]
			rev[fill[j]] = int32(i)
			fill[j]++
		}
	}
	count := make([]int64, n)
	for i := range n {
		count[i] = start[i+1] - start[i]
	}
	removed := make([]bool, n)
	left := n
	remove := func(p int32) {
		removed[p] = true
		left--
		for t := rstart[p]; t < rstart[p+1]; t++ {
			count[rev[t]]--
		}
	}
	spheres := 0
	for left > 0 {
		a, best := -1, int64(-1)
		for i := range n {
			if !removed[i] && count[i] > best {
				a, best = i, count[i]
			}
		}
		spheres++
		remove(int32(a))
		for t := start[a]; t < start[a+1]; t++ {
			if j := cov[t]; !removed[j] {
				remove(j)
			}
		}
	}
	return float64(spheres) / float64(n)
}

// Radii returns T1's hypersphere radius of every point (see T1).
func (nb *Neighbours) Radii() []float64 { return RadiiOf(nb.otherIdx, nb.otherD) }

// RadiiOf returns T1's hypersphere radii (step 1 of T1) from every point's
// nearest enemy, index and distance: the form a sharded run computes them
// in, from nearest enemies merged over shard pairs.
func RadiiOf(otherIdx []int32, otherD []float64) []float64 {
	n := len(otherIdx)
	r := make([]float64, n)
	state := make([]int8, n) // 0 unknown, 1 on the current chain, 2 known
	var chain []int
	for s := range n {
		if state[s] == 2 {
			continue
		}
		chain = chain[:0]
		i := s
		for {
			if state[i] == 2 {
				break
			}
			j := int(otherIdx[i])
			if int(otherIdx[j]) == i || state[j] == 1 {
				r[i] = otherD[i] / 2 // mutual pair, or a tied cycle closed here
				state[i] = 2
				break
			}
			state[i] = 1
			chain = append(chain, i)
			i = j
		}
		for t := len(chain) - 1; t >= 0; t-- {
			c := chain[t]
			r[c] = otherD[c] - r[otherIdx[c]]
			state[c] = 2
		}
	}
	return r
}
