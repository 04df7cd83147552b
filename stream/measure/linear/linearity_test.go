package linear

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"cxray/internal/fixture"
	"cxray/stream/measure/internal/numeric"
)

// ECoL's iris oracles (tests/testthat/test_linearity.R).
const (
	ecolL1 = 0.004335693
	ecolL2 = 0.01333333
)

// With ECoL's settings on iris as R holds it (float64), the solver takes
// libsvm's steps and L1, L2 are ECoL's to the printed digits.
func TestECoLIrisOracle(t *testing.T) {
	_, y := loadIris(t)
	r, err := Linearity64(loadIris64(t), 4, y, ECoLOptions())
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.L1-ecolL1) > 1e-9 {
		t.Errorf("L1 = %.10f, want ECoL's %.9f", r.L1, ecolL1)
	}
	if math.Abs(r.L2-ecolL2) > 1e-8 || r.L2 != 4.0/300 {
		t.Errorf("L2 = %.10f, want ECoL's %.8f (4 errors on 100 points, one pair of 3)", r.L2, ecolL2)
	}
	// libsvm's iteration counts (scikit-learn's n_iter_): the same path.
	for i, want := range []int{17, 18, 139} {
		if r.Pairs[i].Iter != want {
			t.Errorf("pair %d: %d SMO iterations, libsvm takes %d", i, r.Pairs[i].Iter, want)
		}
	}
}

// cxray's default settings on float32 iris: the optimum, within 1e-6 of the
// oracle (2e-7 away: libsvm stops at tolerance 1e-3 before the optimum).
func TestDefaultIrisOracle(t *testing.T) {
	x, y := loadIris(t)
	r, err := Linearity(x, 4, y, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.L1-ecolL1) > 1e-6 || math.Abs(r.L2-ecolL2) > 1e-6 {
		t.Errorf("L1 = %.10f, L2 = %.10f; want ECoL's %.9f, %.8f within 1e-6", r.L1, r.L2, ecolL1, ecolL2)
	}
	// The separable pairs: no error, so no interpolated error either (a
	// half-space is convex).
	for _, p := range r.Pairs[:2] {
		if p.L1 != 0 || p.L2 != 0 || p.L3 != 0 || !p.Converged {
			t.Errorf("pair %d-%d: %+v, want 0, 0, 0", p.Pos, p.Neg, p)
		}
	}
	// L3 of ECoL with R's set.seed(123) is 0.01 (3 wrong of 100 on the
	// versicolor-virginica pair); a different generator draws other
	// points, but not a very different error.
	if r.L3 < 0 || r.L3 > 0.03 {
		t.Errorf("L3 = %v, want about 0.01", r.L3)
	}
	again, _ := Linearity(x, 4, y, DefaultOptions())
	if again.L3 != r.L3 || again.L1 != r.L1 {
		t.Errorf("not deterministic: %v %v vs %v %v", again.L1, again.L3, r.L1, r.L3)
	}
}

type svmRef struct {
	Runs []struct {
		Data  string  `json:"data"`
		Tol   float64 `json:"tol"`
		Pairs []struct {
			Pos, Neg, N, Errors, Iter int
			S                         float64 `json:"s"`
			SupportVectors            int     `json:"support_vectors"`
		} `json:"pairs"`
	} `json:"runs"`
}

// Every pair against libsvm (scikit-learn, fixtures/reference/svm_reference.json),
// float64 and float32 iris, tolerance 1e-3 (the same path: s to 1e-12) and
// 1e-12 (the float32-Q optimum: s to 1e-9).
func TestLibsvmReference(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixture.Root(), "fixtures", "reference", "svm_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref svmRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	x32, y := loadIris(t)
	x64 := loadIris64(t)
	if len(ref.Runs) != 4 {
		t.Fatalf("%d runs in the reference", len(ref.Runs))
	}
	for _, run := range ref.Runs {
		o := ECoLOptions()
		o.Tol = run.Tol
		var r Result
		if run.Data == "float64" {
			r, err = Linearity64(x64, 4, y, o)
		} else {
			r, err = Linearity(x32, 4, y, o)
		}
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-12
		if run.Tol < 1e-6 {
			tol = 1e-9
		}
		for i, want := range run.Pairs {
			got := r.Pairs[i]
			s := got.DistSum / float64(got.N)
			if got.Errors != want.Errors || got.SupportVectors != want.SupportVectors || math.Abs(s-want.S) > tol*math.Max(want.S, 1e-300) {
				t.Errorf("%s tol %g pair %d: errors %d, SVs %d, s %.17g; libsvm %d, %d, %.17g",
					run.Data, run.Tol, i, got.Errors, got.SupportVectors, s, want.Errors, want.SupportVectors, want.S)
			}
			if run.Tol == 1e-3 && got.Iter != want.Iter {
				t.Errorf("%s pair %d: %d iterations, libsvm %d", run.Data, i, got.Iter, want.Iter)
			}
		}
	}
}

// The solution satisfies the KKT conditions of the dual to the tolerance,
// and the value does not depend on the order of the points or the number
// of workers.
func TestSVMOptimality(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n, d = 300, 25
	x := make([]float32, n*d)
	y := make([]int32, n)
	for i := range n {
		y[i] = int32(i % 3)
		for f := range d {
			x[i*d+f] = float32(rng.NormFloat64())
		}
		x[i*d+int(y[i])] += 1.2 // overlapping classes
	}
	o := DefaultOptions()
	r, err := Linearity(x, d, y, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Pairs {
		if !p.Converged || p.Errors == 0 {
			t.Errorf("pair %+v: want converged with errors", p)
		}
	}
	// Reversed order (libsvm's +1 class changes too) and one worker.
	xr := make([]float32, len(x))
	yr := make([]int32, n)
	for i := range n {
		copy(xr[i*d:(i+1)*d], x[(n-1-i)*d:(n-i)*d])
		yr[i] = y[n-1-i]
	}
	o1 := o
	o1.Workers = 1
	rr, _ := Linearity(xr, d, yr, o1)
	if math.Abs(rr.L1-r.L1) > 1e-9*r.L1 || rr.L2 != r.L2 {
		t.Errorf("reversed points: L1 %.12f L2 %v, want %.12f %v", rr.L1, rr.L2, r.L1, r.L2)
	}

	// KKT on one pair directly.
	z, _ := scalePair(x, d, idxOf(y, 0, 1), ScaleZScore)
	m := len(z) / d
	lab := make([]float64, m)
	for i, k := range idxOf(y, 0, 1) {
		lab[i] = 1
		if y[k] != y[idxOf(y, 0, 1)[0]] {
			lab[i] = -1
		}
	}
	k := numeric.Gram(z, m, d, 2)
	s := newSVC(append([]float64(nil), k...), m, lab, 1, 1e-10, false, 0)
	res := s.solve()
	var sumAY float64
	for i := range m {
		sumAY += res.alpha[i] * lab[i]
		// y_i f(x_i) ≥ 1 when α=0, = 1 when free, ≤ 1 at C.
		var f float64
		for j := range m {
			f += res.alpha[j] * lab[j] * k[i*m+j]
		}
		f -= res.rho
		yf := lab[i] * f
		a := res.alpha[i]
		switch {
		case a <= 0 && yf < 1-1e-8, a >= 1 && yf > 1+1e-8, a > 0 && a < 1 && math.Abs(yf-1) > 1e-8:
			t.Errorf("KKT violated at %d: α=%v, y·f=%v", i, a, yf)
		}
	}
	if math.Abs(sumAY) > 1e-12 {
		t.Errorf("Σ α y = %v", sumAY)
	}
}

func idxOf(y []int32, a, b int32) []int {
	var out []int
	for i, l := range y {
		if l == a || l == b {
			out = append(out, i)
		}
	}
	return out
}

func TestLinearityErrors(t *testing.T) {
	o := DefaultOptions()
	if _, err := Linearity([]float32{1, 2, 3}, 1, []int32{0, 0, 1}, o); err == nil {
		t.Error("a class of one point accepted")
	}
	if _, err := Linearity([]float32{1, 2}, 1, []int32{0, 0}, o); err == nil {
		t.Error("one class accepted")
	}
	if _, err := Linearity([]float32{1, 2, 3, 4}, 1, []int32{0, 0, 1, 1}, Options{}); err == nil {
		t.Error("zero Options accepted")
	}
	// e1071's rule: a constant feature switches scaling off for the pair.
	x := []float32{0, 5, 1, 5, 2, 5, 3, 5}
	l := []int32{0, 0, 1, 1}
	e, _ := Linearity(x, 2, l, ECoLOptions())
	z, _ := Linearity(x, 2, l, o)
	if e.Pairs[0].Scaled || !z.Pairs[0].Scaled {
		t.Errorf("scaled: e1071 %v, zscore %v", e.Pairs[0].Scaled, z.Pairs[0].Scaled)
	}
}
