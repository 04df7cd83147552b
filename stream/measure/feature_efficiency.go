package measure

import (
	"fmt"
	"math"
	"sort"
)

// F3 and F4 count the points that lie in the overlap region of a pair of
// classes, so they take the stored points: x holds len(labels) points of dim
// float32 features row by row (as ExactN1 stores them). The overlap region
// of classes a and b on feature f is [maxmin_f, minmax_f] with
// maxmin_f = max(min_af, min_bf) and minmax_f = min(max_af, max_bf); a point
// of the pair is outside it when x_f < maxmin_f or x_f > minmax_f (strict,
// as ECoL's nonOverlap; an empty region leaves every point outside).

// featClasses validates the points and returns the sorted labels and, per
// label, the rows of its points.
func featClasses(x []float32, labels []int32, dim int) ([]int32, map[int32][]int, error) {
	if dim < 1 || len(x) != len(labels)*dim {
		return nil, nil, fmt.Errorf("measure: %d values for %d points of dimension %d", len(x), len(labels), dim)
	}
	for _, v := range x {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, nil, fmt.Errorf("measure: NaN or infinite coordinate")
		}
	}
	rows := map[int32][]int{}
	for i, l := range labels {
		rows[l] = append(rows[l], i)
	}
	ls := make([]int32, 0, len(rows))
	for l := range rows {
		ls = append(ls, l)
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i] < ls[j] })
	return ls, rows, nil
}

// featOverlap returns, for the given features, the bounds maxmin and minmax
// of the overlap region of the points ra and rb (both non-empty).
func featOverlap(x []float32, dim int, ra, rb []int, feats []int) (maxmin, minmax []float32) {
	maxmin = make([]float32, len(feats))
	minmax = make([]float32, len(feats))
	bounds := func(rows []int, f int) (lo, hi float32) {
		lo, hi = x[rows[0]*dim+f], x[rows[0]*dim+f]
		for _, i := range rows[1:] {
			v := x[i*dim+f]
			lo = min(lo, v)
			hi = max(hi, v)
		}
		return lo, hi
	}
	for k, f := range feats {
		loa, hia := bounds(ra, f)
		lob, hib := bounds(rb, f)
		maxmin[k] = max(loa, lob)
		minmax[k] = min(hia, hib)
	}
	return maxmin, minmax
}

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
