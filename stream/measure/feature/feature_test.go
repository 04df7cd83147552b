package feature

import (
	"math"
	"math/rand/v2"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/oracle"
)

// irisMoments streams iris into Moments with co-moments.
func irisMoments(t *testing.T) (*Moments, []float32, []int32) {
	t.Helper()
	x, y := oracle.Iris(t)
	m := NewMoments(4, true)
	if err := m.Update(measure.Batch{X: x, Labels: y}); err != nil {
		t.Fatal(err)
	}
	return m, x, y
}

// TestFeatureIrisECoL checks the feature-overlap measures against the
// values of ECoL's tests on R's iris (tests/testthat/test_overlapping.R),
// with ECoL's multiclass summaries: F1 = 1/(1+max r), F1v = 1/(1+mean dF)
// over the one-versus-one pairs, F2, F3, F4 the means over the pairs.
// The CSV is read into float32, as the estimators get it; that moves the
// values by about 1e-8, well inside 1e-6.
func TestFeatureIrisECoL(t *testing.T) {
	m, x, y := irisMoments(t)
	f3, err := F3(x, y, 4)
	if err != nil {
		t.Fatal(err)
	}
	f4, err := F4(x, y, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"F1", F1(m), 0.05862828},
		{"F1v", F1v(m), 0.009504561},
		{"F2", F2(m), 0.006381766},
		{"F3", f3, 0.1233333},
		{"F4", f4, 0.04333333},
	} {
		if math.Abs(c.got-c.want) > 1e-6 {
			t.Errorf("iris %s = %.9f, ECoL %.9f", c.name, c.got, c.want)
		}
		t.Logf("iris %s = %.10f, ECoL %.9g, difference %.2g", c.name, c.got, c.want, c.got-c.want)
	}
	// Exact counts behind F3 and F4: per pair (setosa-versicolor,
	// setosa-virginica, versicolor-virginica) of 100 points each.
	p3, _ := F3Pairs(x, y, 4)
	p4, _ := F4Pairs(x, y, 4)
	if p3[0] != 0 || p3[1] != 0 || math.Abs(p3[2]-0.37) > 1e-15 {
		t.Errorf("iris F3 pairs %v, want [0 0 0.37]", p3)
	}
	if p4[0] != 0 || p4[1] != 0 || math.Abs(p4[2]-0.13) > 1e-15 {
		t.Errorf("iris F4 pairs %v, want [0 0 0.13]", p4)
	}
}

// TestFeatureIrisBinary checks ECoL's binary oracles: iris without
// virginica (test_overlapping.R, "binary.result").
func TestFeatureIrisBinary(t *testing.T) {
	x, y := oracle.Iris(t)
	x, y = x[:400], y[:100]
	m := NewMoments(4, true)
	if err := m.Update(measure.Batch{X: x, Labels: y}); err != nil {
		t.Fatal(err)
	}
	f3, _ := F3(x, y, 4)
	f4, _ := F4(x, y, 4)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"F1", F1(m), 0.059118951},
		{"F1v", F1v(m), 0.009593841},
		{"F2", F2(m), 0},
		{"F3", f3, 0},
		{"F4", f4, 0},
	} {
		if math.Abs(c.got-c.want) > 1e-6 {
			t.Errorf("binary iris %s = %.9f, ECoL %.9f", c.name, c.got, c.want)
		}
	}
}

// TestDimensionIrisECoL checks T2, T3, T4 against ECoL's
// test_dimensionality.R on iris: 4/150, 2/150, 2/4.
func TestDimensionIrisECoL(t *testing.T) {
	m, _, _ := irisMoments(t)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"T2", T2(m), 0.02666667},
		{"T3", T3(m), 0.01333333},
		{"T4", T4(m), 0.5},
	} {
		if math.Abs(c.got-c.want) > 1e-6 {
			t.Errorf("iris %s = %.9f, ECoL %.9f", c.name, c.got, c.want)
		}
	}
	// Iris's cumulative proportions are 0.92462, 0.97769, ...: two components.
	if k := PCAComponents(m, 0.95); k != 2 {
		t.Errorf("iris PCA components for 95%%: %d, want 2", k)
	}
	if k := PCAComponents(m, 0.9); k != 1 {
		t.Errorf("iris PCA components for 90%%: %d, want 1", k)
	}
}

// TestBalance checks C1 and C2 on iris (balanced: C1 = 1, C2 = 0, as in
// ECoL's test_balance.R) and on ECoL's imbalanced toy set with classes of
// 40, 40 and 20 points, derived by hand:
//
//	C1 = -(2·0.4·ln 0.4 + 0.2·ln 0.2)/ln 3 = 0.96022972...
//	IR = (2/3)(40/60 + 40/60 + 20/80) = 19/18, C2 = 1 - 18/19 = 1/19.
func TestBalance(t *testing.T) {
	m, _, _ := irisMoments(t)
	if c := C1(m.Counts()); math.Abs(c-1) > 1e-15 {
		t.Errorf("iris C1 = %v, want 1", c)
	}
	if c := C2(m.Counts()); math.Abs(c) > 1e-15 {
		t.Errorf("iris C2 = %v, want 0", c)
	}
	toy := []int64{40, 40, 20}
	wantC1 := -(2*0.4*math.Log(0.4) + 0.2*math.Log(0.2)) / math.Log(3)
	if c := C1(toy); math.Abs(c-wantC1) > 1e-15 || math.Abs(c-0.96022972) > 1e-8 {
		t.Errorf("toy C1 = %.10f, want %.10f (ECoL 0.96022972)", c, wantC1)
	}
	if c := C2(toy); math.Abs(c-1.0/19) > 1e-15 || math.Abs(c-0.05263158) > 1e-8 {
		t.Errorf("toy C2 = %.10f, want 1/19 (ECoL 0.05263158)", c)
	}
	if !math.IsNaN(C1([]int64{5})) || !math.IsNaN(C2([]int64{5, 0})) {
		t.Error("one class: want NaN")
	}
}

// featureData returns n random points in d dimensions with k labels, some
// features offset far from 0 to test the stability of the moments.
func featureData(n, d, k int, seed uint64) ([]float32, []int32) {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n*d)
	y := make([]int32, n)
	for i := range n {
		y[i] = int32(r.IntN(k)) * 3 // sparse labels
		for j := range d {
			x[i*d+j] = float32(r.NormFloat64()*float64(j+1) + float64(y[i]) + 1000*float64(j%2))
		}
	}
	return x, y
}

// featureValues returns every measure read from moments m.
func featureValues(m *Moments) []float64 {
	v := append(F1Features(m), F1(m), F1v(m), F2(m), T2(m), T3(m), T4(m), C1(m.Counts()), C2(m.Counts()))
	v = append(v, F1vPairs(m)...)
	return append(v, F2Pairs(m)...)
}

func featClose(a, b []float64, rtol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.IsNaN(a[i]) != math.IsNaN(b[i]) {
			return false
		}
		if math.Abs(a[i]-b[i]) > rtol*math.Max(1, math.Abs(b[i])) {
			return false
		}
	}
	return true
}

// TestMomentsBatches: Update in batches of 1, 7 and 64 and Merge of
// two halves give the moments (and every measure) of one Update, up to
// float64 rounding.
func TestMomentsBatches(t *testing.T) {
	const n, d, k = 500, 6, 4
	x, y := featureData(n, d, k, 7)
	whole := NewMoments(d, true)
	if err := whole.Update(measure.Batch{X: x, Labels: y}); err != nil {
		t.Fatal(err)
	}
	want := featureValues(whole)
	for _, b := range []int{1, 7, 64} {
		m := NewMoments(d, true)
		for i := 0; i < n; i += b {
			j := min(i+b, n)
			if err := m.Update(measure.Batch{X: x[i*d : j*d], Labels: y[i:j]}); err != nil {
				t.Fatal(err)
			}
		}
		if m.Len() != n {
			t.Fatalf("batch %d: Len %d", b, m.Len())
		}
		if !featClose(featureValues(m), want, 1e-10) {
			t.Errorf("batches of %d: %v, one Update %v", b, featureValues(m), want)
		}
		checkMomentsClose(t, m, whole)
	}
	for _, h := range []int{1, 250, 333} {
		a, b := NewMoments(d, true), NewMoments(d, true)
		if err := a.Update(measure.Batch{X: x[:h*d], Labels: y[:h]}); err != nil {
			t.Fatal(err)
		}
		if err := b.Update(measure.Batch{X: x[h*d:], Labels: y[h:]}); err != nil {
			t.Fatal(err)
		}
		if err := a.Merge(b); err != nil {
			t.Fatal(err)
		}
		if !featClose(featureValues(a), want, 1e-10) {
			t.Errorf("merge at %d: %v, whole %v", h, featureValues(a), want)
		}
		checkMomentsClose(t, a, whole)
	}
	// Merge into an empty state copies.
	e := NewMoments(d, true)
	if err := e.Merge(whole); err != nil {
		t.Fatal(err)
	}
	// (Equal up to the order of the classes in the sums.)
	if !featClose(featureValues(e), want, 1e-14) {
		t.Error("merge into empty state differs")
	}
	if err := e.Merge(NewMoments(d, false)); err == nil {
		t.Error("merge without co-moments: want an error")
	}
	if err := e.Merge(NewMoments(d+1, true)); err == nil {
		t.Error("merge of another dimension: want an error")
	}
	if err := e.Update(measure.Batch{X: x[:d+1], Labels: y[:1]}); err == nil {
		t.Error("ragged batch: want an error")
	}
	if err := e.Update(measure.Batch{X: []float32{float32(math.NaN()), 0, 0, 0, 0, 0}, Labels: y[:1]}); err == nil || e.Len() != n {
		t.Error("NaN: want an error and no change")
	}
}

func checkMomentsClose(t *testing.T, a, b *Moments) {
	t.Helper()
	as, bs := a.sorted(), b.sorted()
	if len(as) != len(bs) {
		t.Fatalf("%d classes, want %d", len(as), len(bs))
	}
	for i := range as {
		ca, cb := as[i], bs[i]
		if ca.label != cb.label || ca.N != cb.N {
			t.Fatalf("class %d: label %d n %d, want %d %d", i, ca.label, ca.N, cb.label, cb.N)
		}
		if !featClose(ca.Mean, cb.Mean, 1e-12) || !featClose(ca.M2, cb.M2, 1e-10) || !featClose(ca.c, cb.c, 1e-10) ||
			!featClose(ca.Min, cb.Min, 0) || !featClose(ca.Max, cb.Max, 0) {
			t.Errorf("class %d: moments differ", ca.label)
		}
	}
}

// TestMomentsDirect compares the streamed moments with the
// definitions computed directly, and F1, F2, F3, F4 with brute force on a
// small set.
func TestMomentsDirect(t *testing.T) {
	const n, d, k = 200, 3, 3
	x, y := featureData(n, d, k, 11)
	m := NewMoments(d, true)
	for i := 0; i < n; i += 13 {
		j := min(i+13, n)
		if err := m.Update(measure.Batch{X: x[i*d : j*d], Labels: y[i:j]}); err != nil {
			t.Fatal(err)
		}
	}
	// Per-feature Fisher ratio from the definition.
	for f := range d {
		var mu float64
		for i := range n {
			mu += float64(x[i*d+f])
		}
		mu /= n
		var num, den float64
		for _, l := range m.Labels() {
			var s float64
			var c int
			for i := range n {
				if y[i] == l {
					s += float64(x[i*d+f])
					c++
				}
			}
			mc := s / float64(c)
			num += float64(c) * (mc - mu) * (mc - mu)
			for i := range n {
				if y[i] == l {
					dv := float64(x[i*d+f]) - mc
					den += dv * dv
				}
			}
		}
		if got, want := F1Features(m)[f], 1/(1+num/den); math.Abs(got-want) > 1e-12 {
			t.Errorf("feature %d: F1 %v, want %v", f, got, want)
		}
	}
	if got := len(F1vPairs(m)); got != k*(k-1)/2 {
		t.Errorf("%d F1v pairs, want %d", got, k*(k-1)/2)
	}
	// F3 and F4 lie in [0, 1], F4 <= F3 (F4's first step is F3's feature).
	p3, err := F3Pairs(x, y, d)
	if err != nil {
		t.Fatal(err)
	}
	p4, err := F4Pairs(x, y, d)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p3 {
		if p3[i] < 0 || p3[i] > 1 || p4[i] < 0 || p4[i] > p3[i] {
			t.Errorf("pair %d: F3 %v F4 %v", i, p3[i], p4[i])
		}
	}
	if _, err := F3(x[:5], y, d); err == nil {
		t.Error("ragged points: want an error")
	}
}

// TestFeatureSeparated: classes separated on one feature give F1 near 0,
// F2 = F3 = F4 = 0; identical classes give F2 = 1 and F3 = F4 = 1.
func TestFeatureSeparated(t *testing.T) {
	x := []float32{0, 5, 1, 6, 2, 7, 10, 5, 11, 6, 12, 7}
	y := []int32{0, 0, 0, 1, 1, 1}
	m := NewMoments(2, true)
	if err := m.Update(measure.Batch{X: x, Labels: y}); err != nil {
		t.Fatal(err)
	}
	if f2 := F2(m); f2 != 0 {
		t.Errorf("separated F2 = %v", f2)
	}
	if f3, _ := F3(x, y, 2); f3 != 0 {
		t.Errorf("separated F3 = %v", f3)
	}
	if f4, _ := F4(x, y, 2); f4 != 0 {
		t.Errorf("separated F4 = %v", f4)
	}
	// Feature 0: r = 6·25/(4·2·... ) large; feature 1: r = 0.
	fs := F1Features(m)
	if fs[1] != 1 || fs[0] > 0.05 || F1(m) != fs[0] {
		t.Errorf("separated F1 features %v", fs)
	}
	same := []float32{0, 1, 2, 0, 1, 2}
	ys := []int32{0, 0, 0, 1, 1, 1}
	m = NewMoments(1, false)
	if err := m.Update(measure.Batch{X: same, Labels: ys}); err != nil {
		t.Fatal(err)
	}
	if f2 := F2(m); f2 != 1 {
		t.Errorf("identical F2 = %v", f2)
	}
	if f3, _ := F3(same, ys, 1); f3 != 1 {
		t.Errorf("identical F3 = %v", f3)
	}
	if f4, _ := F4(same, ys, 1); f4 != 1 {
		t.Errorf("identical F4 = %v", f4)
	}
}

// A constant feature carries no information, even when rounding makes its
// class means differ from the grand mean: F1 must not read it as a
// perfect separator (0), as it did on a conv layer's padded border.
func TestF1ConstantFeature(t *testing.T) {
	const n = 2000
	x := make([]float32, 0, 2*n)
	labels := make([]int32, 0, n)
	for i := range n {
		// Feature 0 is a conv bias on a blank border, the same float32
		// everywhere; summed over classes of different sizes, its class
		// means round differently. Feature 1 is informative noise.
		c := int32(i*i%7) % 10
		x = append(x, -0.0123456, float32(i%13)+float32(c))
		labels = append(labels, c)
	}
	m := NewMoments(2, false)
	if err := m.Update(measure.Batch{X: x, Labels: labels}); err != nil {
		t.Fatal(err)
	}
	f := F1Features(m)
	if !math.IsNaN(f[0]) {
		t.Errorf("constant feature: F1 term %v, want NaN", f[0])
	}
	if F1(m) != f[1] {
		t.Errorf("F1 = %v, want the informative feature's %v", F1(m), f[1])
	}
}
