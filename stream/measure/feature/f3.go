package feature

// F3Pairs returns, for every pair of classes (a, b), a < b in increasing
// label order, lexicographically (ECoL's one-versus-one order), the maximum
// individual feature efficiency in ECoL's form (Ho and Basu 2002; Lorena et
// al. 2019, eq. 6-7):
//
//	F3 = min_f n_o(f) / n,
//
// with n = n_a + n_b and n_o(f) the number of points of the pair inside the
// overlap region of feature f: one minus the largest fraction of points
// that a single feature separates. Memory: O(n + k·d) beyond the points.
func F3Pairs(x []float32, labels []int32, dim int) ([]float64, error) {
	ls, rows, err := featClasses(x, labels, dim)
	if err != nil {
		return nil, err
	}
	feats := make([]int, dim)
	for f := range feats {
		feats[f] = f
	}
	var out []float64
	for a := 0; a < len(ls); a++ {
		for b := a + 1; b < len(ls); b++ {
			ra, rb := rows[ls[a]], rows[ls[b]]
			maxmin, minmax := featOverlap(x, dim, ra, rb, feats)
			best := 0
			for f := range dim {
				c := 0
				for _, r := range [][]int{ra, rb} {
					for _, i := range r {
						if v := x[i*dim+f]; v < maxmin[f] || v > minmax[f] {
							c++
						}
					}
				}
				best = max(best, c)
			}
			n := len(ra) + len(rb)
			out = append(out, float64(n-best)/float64(n))
		}
	}
	return out, nil
}

// F3 returns the mean of F3Pairs over the one-versus-one pairs, ECoL's
// multiclass form (iris: 0.1233333). Values near 0: some feature separates
// each pair of classes almost completely. Memory: O(n + k·d) beyond the
// points.
func F3(x []float32, labels []int32, dim int) (float64, error) {
	p, err := F3Pairs(x, labels, dim)
	return featMean(p), err
}
