package n1

import (
	"fmt"
	"math"

	"cxray/stream/measure"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/project"
)

// CheckSamples is how many of a projected layer's leading points are held
// unprojected to check the projection (CheckedEstimate).
const CheckSamples = 512

// MinCheckSamples is the fewest rows a check may hold: a plan that cannot
// hold as many for a projected layer does not project it. On c rows the
// interval's half-width is the share of changed vertices times √(n/c).
const MinCheckSamples = 32

// CheckTolerance is the error of a projection's check beyond which a
// reading is flagged wide ("check_wide" in its params).
const CheckTolerance = 0.02

// CheckedEstimate is Estimate checked against points before their
// projection: x holds the len(y) points the estimator was given from
// point from on, unprojected (row-major, dim values each), and y their
// labels. For a fitted map they must be others than the points it was
// fitted to, whose principal directions fit them better than the rest. On those
// points it builds the exact tree and the tree of their projections and
// compares them vertex by vertex: a vertex is counted by N1 when a tree
// edge joins it to another class, and the projection changes that for
// some vertices (check_changed, their fraction) and so N1 by the balance
// of them (check_error: N1 of the projections, corrected as Estimate
// corrects, minus exact N1). The params record check_n, check_exact,
// check_projected, check_error and check_changed.
//
// The changed fraction bounds the error on the check's points, and the
// error on all the points lies within it as far as the projection treats
// them alike: it is the half-width of the reading's interval (the error
// on the check alone, the balance of many changes, is noisier: on 256
// points it was off by 0.01 from the error on 300). check_wide flags a
// half-width beyond CheckTolerance: the reading is then only as good as
// its interval.
//
// A fitted map's projections keep the principal directions in their
// first coordinates: when the tree of those coordinates alone changes
// fewer vertices on the check, the reading is N1 of all the points on the
// principal directions only (check_used "principal directions",
// n1_principal), since the Johnson–Lindenstrauss part then scrambles
// neighbourhoods more than the variance it keeps is worth. With fewer
// than 2 check points it is Estimate.
func (e *ProjectedN1) CheckedEstimate(x []float32, y []int32, from int) (measure.Estimate, error) {
	est, err := e.Estimate()
	c := len(y)
	if err != nil || c < 2 {
		return est, err
	}
	k := e.proj.Out()
	if len(x) != c*e.dim || from < 0 || from+c > e.in.N() {
		return est, fmt.Errorf("n1: %d check values for %d labels of dimension %d from point %d, over %d points", len(x), c, e.dim, from, e.in.N())
	}
	for i, l := range y {
		if e.in.labels[from+i] != l {
			return est, fmt.Errorf("n1: check point %d has label %d, the estimator's point %d has %d; the check must hold the points it names", i, l, from+i, e.in.labels[from+i])
		}
	}
	o := &mst.Options{Ties: e.Ties, TieRTol: e.TieRTol, MaxWorkspace: e.MaxWorkspace, Workers: e.Workers, Method: e.Method}
	exact, err := crossOn(x, y, e.dim, 0, e.dim, o)
	if err != nil {
		return est, err
	}
	px := e.in.pts.values()[from*k : (from+c)*k]
	all, err := crossOn(px, y, k, 0, k, o)
	if err != nil {
		return est, err
	}
	sub, _, err := correctedProjectedN1(px, y, e.proj, o)
	if err != nil {
		return est, err
	}
	ev := fraction(exact)
	p := est.Params
	p["check_n"], p["check_from"], p["check_exact"], p["check_projected"] = c, from, ev, sub
	value, used, errUsed, changed := est.Value, "all coordinates", sub-ev, changes(exact, all)
	if pd := e.proj.PrincipalDims(); e.proj.Kind() == project.PCAJL && pd > 0 && pd < k {
		principal, err := crossOn(px, y, k, 0, pd, o)
		if err != nil {
			return est, err
		}
		p["check_principal"] = fraction(principal)
		if ch := changes(exact, principal); ch < changed {
			v, err := n1On(e.in.pts.values(), e.in.labels, k, 0, pd, o)
			if err != nil {
				return est, err
			}
			value, used, errUsed, changed = v, "principal directions", fraction(principal)-ev, ch
			p["n1_principal"] = v
		}
	}
	// The denser all the points are, the more near-ties the projection
	// can reorder: the changed share on c points is scaled by √(n/c). A
	// corrected reading moved off its tree by the correction: the interval
	// takes that in too.
	half := max(changed*math.Sqrt(float64(e.in.N())/float64(c)), math.Abs(errUsed))
	p["check_used"], p["check_error"], p["check_changed"], p["check_wide"] = used, errUsed, changed, half > CheckTolerance
	est.Value = value
	est.CILow, est.CIHigh = max(0, value-half), min(1, value+half)
	return est, nil
}

// crossOn marks the vertices that the tree of the rows of x (width k),
// restricted to coordinates [a, b), joins to another class.
func crossOn(x []float32, y []int32, k, a, b int, o *mst.Options) ([]bool, error) {
	n := len(y)
	t, err := mst.Build(columns(x, n, k, a, b), b-a, o)
	if err != nil {
		return nil, err
	}
	mark := make([]bool, n)
	for v, p := range t.Parent {
		if p >= 0 && y[p] != y[v] {
			mark[p], mark[v] = true, true
		}
	}
	return mark, nil
}

// fraction is the share of marked vertices: N1.
func fraction(mark []bool) float64 {
	c := 0
	for _, m := range mark {
		if m {
			c++
		}
	}
	return float64(c) / float64(len(mark))
}

// changes is the share of vertices marked in one of a and b only.
func changes(a, b []bool) float64 {
	c := 0
	for i := range a {
		if a[i] != b[i] {
			c++
		}
	}
	return float64(c) / float64(len(a))
}
