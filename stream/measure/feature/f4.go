package feature

// F4Pairs returns the collective feature efficiency of every pair of
// classes, in the order of F3Pairs (Orriols-Puig et al. 2010; Lorena et al.
// 2019, eq. 8), with ECoL's iteration: repeatedly take the feature that
// leaves the most remaining points of the pair outside its overlap region
// (the lowest-indexed on a tie, as R's which.max), recomputed on the
// remaining points; remove those points and that feature; stop when no
// point or no feature remains or the remaining points are of one class.
//
//	F4 = (points remaining) / n.
//
// Memory: O(n + d) beyond the points; time O(d²·n) per pair.
func F4Pairs(x []float32, labels []int32, dim int) ([]float64, error) {
	ls, rows, err := featClasses(x, labels, dim)
	if err != nil {
		return nil, err
	}
	var out []float64
	for a := 0; a < len(ls); a++ {
		for b := a + 1; b < len(ls); b++ {
			ra := append([]int(nil), rows[ls[a]]...)
			rb := append([]int(nil), rows[ls[b]]...)
			n := len(ra) + len(rb)
			feats := make([]int, dim)
			for f := range feats {
				feats[f] = f
			}
			for {
				maxmin, minmax := featOverlap(x, dim, ra, rb, feats)
				outside := func(i, k int) bool {
					v := x[i*dim+feats[k]]
					return v < maxmin[k] || v > minmax[k]
				}
				col, best := 0, -1
				for k := range feats {
					c := 0
					for _, r := range [][]int{ra, rb} {
						for _, i := range r {
							if outside(i, k) {
								c++
							}
						}
					}
					if c > best {
						col, best = k, c
					}
				}
				keep := func(r []int) []int {
					out := r[:0]
					for _, i := range r {
						if !outside(i, col) {
							out = append(out, i)
						}
					}
					return out
				}
				ra, rb = keep(ra), keep(rb)
				feats = append(feats[:col], feats[col+1:]...)
				if len(ra) == 0 || len(rb) == 0 || len(feats) == 0 {
					break
				}
			}
			out = append(out, float64(len(ra)+len(rb))/float64(n))
		}
	}
	return out, nil
}

// F4 returns the mean of F4Pairs over the one-versus-one pairs, ECoL's
// multiclass form (iris: 0.04333333). Values near 0: the features together
// separate each pair of classes. Memory: O(n + d) beyond the points.
func F4(x []float32, labels []int32, dim int) (float64, error) {
	p, err := F4Pairs(x, labels, dim)
	return featMean(p), err
}
