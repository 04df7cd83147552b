package n1_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/n1"
	"cxray/stream/measure/project"
)

// CheckedEstimate measures the projection's error on the held points
// against exact N1 of the same points and its projection of them, each
// computed here by its own estimator, and reports an interval of that
// width around the variant it keeps.
func TestCheckedEstimate(t *testing.T) {
	const n, dim, k, c = 600, 96, 16, 200 // the check: 200 points
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, n*dim)
	y := make([]int32, n)
	for i := range n {
		y[i] = int32(i % 3)
		for j := range dim {
			// Three classes apart on a few directions, noise on all.
			v := rng.NormFloat64()
			if j < 4 {
				v += 1.5 * float64(y[i]) * float64(j%2*2-1)
			}
			x[i*dim+j] = float32(v)
		}
	}
	fitted, err := project.Fit(x, project.BasisRows(k), dim, k, 7)
	if err != nil {
		t.Fatal(err)
	}
	for _, proj := range []*project.Map{project.New(dim, k, 7), fitted} {
		from := 0
		if proj.Kind() == project.PCAJL {
			from = project.BasisRows(k) // held out of the fit
		}
		e := n1.NewProjectedN1(dim, proj, measure.NormNone)
		if err := e.Update(measure.Batch{X: x, Labels: y}); err != nil {
			t.Fatal(err)
		}
		got, err := e.CheckedEstimate(x[from*dim:(from+c)*dim], y[from:from+c], from)
		if err != nil {
			t.Fatal(err)
		}
		exact := n1.NewExactN1(dim, measure.NormNone)
		exact.Update(measure.Batch{X: x[from*dim : (from+c)*dim], Labels: y[from : from+c]})
		ev, _ := exact.Value()
		sub := n1.NewProjectedN1(dim, proj, measure.NormNone)
		sub.Update(measure.Batch{X: x[from*dim : (from+c)*dim], Labels: y[from : from+c]})
		sv, _ := sub.Estimate()
		p := got.Params
		if p["check_n"] != c || p["check_from"] != from || p["check_exact"] != ev || p["check_projected"] != sv.Value {
			t.Errorf("%s: params %v; exact %v and projected %v on the %d held points", proj.Kind(), p, ev, sv.Value, c)
		}
		// The interval is the reading ± the share of the check's vertices
		// the projection changed, which bounds the error on the check,
		// scaled by √(n/c) for the density of all the points.
		changed, errUsed := p["check_changed"].(float64), p["check_error"].(float64)
		half := max(changed*math.Sqrt(float64(n)/c), math.Abs(errUsed))
		if changed < math.Abs(errUsed) && p["check_used"] != "all coordinates" || changed <= 0 || changed > 1 {
			t.Errorf("%s: %v of the vertices changed, for an error of %v", proj.Kind(), changed, errUsed)
		}
		if math.Abs(got.CILow-max(0, got.Value-half)) > 1e-15 || math.Abs(got.CIHigh-min(1, got.Value+half)) > 1e-15 {
			t.Errorf("%s: interval [%v, %v] around %v, half-width %v", proj.Kind(), got.CILow, got.CIHigh, got.Value, half)
		}
		if p["check_wide"] != (half > n1.CheckTolerance) {
			t.Errorf("%s: check_wide %v for a half-width of %v", proj.Kind(), p["check_wide"], half)
		}
		full, _ := e.Estimate()
		switch p["check_used"] {
		case "all coordinates":
			if got.Value != full.Value {
				t.Errorf("%s: value %v, Estimate %v", proj.Kind(), got.Value, full.Value)
			}
		case "principal directions":
			if proj.Kind() != project.PCAJL || p["n1_principal"] != got.Value {
				t.Errorf("%s: the principal directions kept: %v", proj.Kind(), p)
			}
		default:
			t.Errorf("%s: check_used %v", proj.Kind(), p["check_used"])
		}
		// On the whole set, exact N1 lies in the interval here.
		whole := n1.NewExactN1(dim, measure.NormNone)
		whole.Update(measure.Batch{X: x, Labels: y})
		wv, _ := whole.Value()
		if wv < got.CILow || wv > got.CIHigh {
			t.Errorf("%s: exact N1 %v outside [%v, %v]", proj.Kind(), wv, got.CILow, got.CIHigh)
		}
		t.Logf("%s: N1 %.4f [%.4f, %.4f]; check on %d: exact %.4f, projected %.4f, used %v", proj.Kind(), got.Value, got.CILow, got.CIHigh, c, ev, sv.Value, p["check_used"])
	}
}
