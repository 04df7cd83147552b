package kernel

// BelowCols returns the first i < len(g)&^3 for which the bound of the
// pair (u, column i), lb = ((hu+hv[i]) − 2·g[i])·lbf rounded at every step
// as mst's lowerOf rounds it (0 unless 0 < lb ≤ MaxFloat64), is below
// max(top[i], floor[i]); len(g)&^3 when none is. hv, top and floor hold at
// least len(g) values. Needs Available.
//
// It is the filter of Lazy's first pass: almost every pair leaves a
// point's candidates unchanged, and four pairs are cleared at once.
func BelowCols(hu, lbf float64, hv []float64, g []float32, top, floor []float64) int {
	n4 := len(g) &^ 3
	if n4 == 0 {
		return 0
	}
	_, _, _ = hv[n4-1], top[n4-1], floor[n4-1]
	return belowCols(hu, lbf, &hv[0], &g[0], &top[0], &floor[0], n4)
}

// BelowRow is BelowCols with one threshold thr for every pair.
func BelowRow(hu, lbf, thr float64, hv []float64, g []float32) int {
	n4 := len(g) &^ 3
	if n4 == 0 {
		return 0
	}
	_ = hv[n4-1]
	return belowRow(hu, lbf, thr, &hv[0], &g[0], n4)
}

//go:noescape
func belowCols(hu, lbf float64, hv *float64, gs *float32, top, floor *float64, n4 int) int

//go:noescape
func belowRow(hu, lbf, thr float64, hv *float64, gs *float32, n4 int) int
