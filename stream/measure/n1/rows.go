package n1

// arrange permutes the stored rows in place so that the first len(slots)
// rows hold the given slots in that order, calls fn on those rows, and
// restores the layout. It costs one row of scratch and O(slots) indices
// instead of a copy of the points, which would double the estimator's
// memory while it runs.
func (e *SampledN1) arrange(slots []int, fn func(x []float32) error) error {
	n := len(e.seq)
	perm := make([]int, 0, n) // row i gets the old row perm[i]
	used := make([]bool, n)
	for _, s := range slots {
		perm = append(perm, s)
		used[s] = true
	}
	for s := range n {
		if !used[s] {
			perm = append(perm, s)
		}
	}
	permuteRows(e.x, e.k, perm)
	err := fn(e.x[:len(slots)*e.k])
	inv := make([]int, n)
	for i, s := range perm {
		inv[s] = i
	}
	permuteRows(e.x, e.k, inv)
	return err
}

// permuteRows sets row i of x (rows of k values) to the old row p[i], in
// place, following the cycles of p.
func permuteRows(x []float32, k int, p []int) {
	done := make([]bool, len(p))
	tmp := make([]float32, k)
	row := func(i int) []float32 { return x[i*k : (i+1)*k] }
	for start := range p {
		if done[start] {
			continue
		}
		done[start] = true
		if p[start] == start {
			continue
		}
		copy(tmp, row(start))
		i := start
		for {
			j := p[i]
			if j == start {
				copy(row(i), tmp)
				break
			}
			copy(row(i), row(j))
			done[j] = true
			i = j
		}
	}
}
