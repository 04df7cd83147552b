package n1

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/oracle"
	"cxray/stream/measure/project"
	"cxray/stream/measure/reservoir"
)

// feedSampled streams x, y through a sampler and into the estimators, in
// batches: one Offer per sample, then every estimator gets every row and
// the same slots (a run's pipeline gives only the admitted rows and the
// labels of the others, which TestSampledN1CountsDroppedSamples shows to
// be the same).
func feedSampled(t testing.TB, s *reservoir.Sampler, x []float32, y []int32, dim, batch int, es ...*SampledN1) {
	t.Helper()
	var slots []int
	for lo := 0; lo < len(y); lo += batch {
		hi := min(lo+batch, len(y))
		var err error
		if slots, err = s.OfferBatch(slots, y[lo:hi]); err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if err := e.Update(measure.Batch{X: x[lo*dim : hi*dim], Labels: y[lo:hi], Slots: slots}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func estimate(t testing.TB, e interface {
	Estimate() (measure.Estimate, error)
}) measure.Estimate {
	t.Helper()
	r, err := e.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func classCounts(y []int32, classes int) []int {
	c := make([]int, classes)
	for _, l := range y {
		c[l]++
	}
	return c
}

// With room for every sample, SampledN1 is ExactN1: the same value to the
// last bit (iris has ties, so the stream order matters), no correction,
// no interval, under every normalisation. One sample more than a class's
// capacity turns it into a sampled estimate.
func TestSampledN1ExactWhenNothingDropped(t *testing.T) {
	x, y := oracle.Iris(t)
	for _, norm := range []measure.Normalization{measure.NormNone, measure.NormMinMax, measure.NormZScore} {
		for _, capacity := range [][]int{classCounts(y, 3), reservoir.StratifiedCapacity(600, 3)} {
			s := reservoir.New(capacity, 1)
			e := NewSampledN1(4, s, nil, norm)
			feedSampled(t, s, x, y, 4, 7, e)
			ex := NewExactN1(4, norm)
			if err := ex.Update(measure.Batch{X: x, Labels: y}); err != nil {
				t.Fatal(err)
			}
			want := value(t, ex)
			got := estimate(t, e)
			if got.Value != want || got.Method != measure.EstimateExact || !math.IsNaN(got.CILow) || !math.IsNaN(got.CIHigh) || got.N != 150 || got.Seen != 150 {
				t.Errorf("%v, capacity %v: %+v, want exact %v", norm, capacity, got, want)
			}
		}
	}

	// One more sample of class 0 than its capacity.
	s := reservoir.New([]int{50, 50, 50}, 1)
	e := NewSampledN1(4, s, nil, measure.NormNone)
	feedSampled(t, s, x, y, 4, 10, e)
	feedSampled(t, s, x[:4], y[:1], 4, 1, e)
	if got := estimate(t, e); got.Method != measure.EstimateSampled || got.N != 150 || got.Seen != 151 {
		t.Errorf("after a drop: method %q, N %d, Seen %d", got.Method, got.N, got.Seen)
	}

	// With a projection: exactly ProjectedN1 on the same points.
	p := project.New(4, 3, 9)
	s = reservoir.New(reservoir.StratifiedCapacity(300, 3), 2)
	e = NewSampledN1(4, s, p, measure.NormNone)
	feedSampled(t, s, x, y, 4, 16, e)
	pe := NewProjectedN1(4, p, measure.NormNone)
	if err := pe.Update(measure.Batch{X: x, Labels: y}); err != nil {
		t.Fatal(err)
	}
	got, want := estimate(t, e), estimate(t, pe)
	if got.Value != want.Value || got.Method != measure.EstimateProjected || want.Method != measure.EstimateProjected {
		t.Errorf("projected: SampledN1 %v (%s), ProjectedN1 %v (%s)", got.Value, got.Method, want.Value, want.Method)
	}
}

func TestSampledN1Errors(t *testing.T) {
	s := reservoir.New([]int{2, 2}, 1)
	e := NewSampledN1(2, s, nil, measure.NormNone)
	x := []float32{0, 0, 1, 1}
	for _, c := range []struct {
		name   string
		x      []float32
		labels []int32
		slots  []int
		want   string
	}{
		{"slots", x, []int32{0, 1}, []int{0}, "1 slots for 2 labels"},
		{"values", x[:3], []int32{0, 1}, []int{-1, -1}, "3 values for 2 labels"},
		{"label", x, []int32{0, 2}, []int{-1, -1}, "label 2"},
		{"slot range", x, []int32{0, 1}, []int{4, -1}, "slot 4 of sample 0 outside"},
		{"slot class", x, []int32{0, 1}, []int{-1, 0}, "slot 0 belongs to class -1"},
		{"nan", []float32{0, float32(math.NaN()), 1, 1}, []int32{0, 1}, []int{-1, -1}, "sample 0 feature 1 is NaN"},
	} {
		err := e.Update(measure.Batch{X: c.x, Labels: c.labels, Slots: c.slots})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line with %q", c.name, err, c.want)
		}
	}
	if e.Seen() != 0 || e.Kept() != 0 {
		t.Errorf("failed updates changed the state: seen %d kept %d", e.Seen(), e.Kept())
	}
	// A slot given to class 0 cannot take a label-1 sample.
	slots, _ := s.OfferBatch(nil, []int32{0})
	if err := e.Update(measure.Batch{X: x[:2], Labels: []int32{1}, Slots: slots}); err == nil || !strings.Contains(err.Error(), "belongs to class 0") {
		t.Errorf("label mismatch: %v", err)
	}
	if _, err := e.Estimate(); err == nil || !strings.Contains(err.Error(), "at least 2 points") {
		t.Errorf("empty Estimate: %v", err)
	}
	for _, c := range []struct {
		name string
		e    *SampledN1
		want string
	}{
		{"nil sampler", NewSampledN1(2, nil, nil, measure.NormNone), "needs a Sampler"},
		{"dim", NewSampledN1(0, s, nil, measure.NormNone), "dimension ≥ 1"},
		{"projection dim", NewSampledN1(3, s, project.New(2, 2, 1), measure.NormNone), "projector maps dimension 2"},
		{"projection norm", NewSampledN1(2, s, project.New(2, 2, 1), measure.NormZScore), "cannot project under normalization zscore"},
		{"bad projector", NewSampledN1(2, s, project.New(2, 0, 1), measure.NormNone), "positive dimensions"},
	} {
		if err := c.e.Update(measure.Batch{X: x, Labels: []int32{0, 1}, Slots: []int{-1, -1}}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// A class seen without slots cannot be estimated.
	s2 := reservoir.New([]int{3, 0}, 1)
	e2 := NewSampledN1(1, s2, nil, measure.NormNone)
	feedSampled(t, s2, []float32{0, 1, 2, 3, 4}, []int32{0, 0, 0, 1, 0}, 1, 5, e2)
	if _, err := e2.Estimate(); err == nil || !strings.Contains(err.Error(), "class 1 has 1 samples but no slot") {
		t.Errorf("class without slots: %v", err)
	}
	pe := NewProjectedN1(2, project.New(2, 2, 1), measure.NormMinMax)
	if err := pe.Update(measure.Batch{X: x, Labels: []int32{0, 1}}); err == nil || !strings.Contains(err.Error(), "cannot project") {
		t.Errorf("ProjectedN1 with minmax: %v", err)
	}
	if err := NewProjectedN1(2, nil, measure.NormNone).Update(measure.Batch{X: x, Labels: []int32{0, 1}}); err == nil {
		t.Error("ProjectedN1 without a projector accepted a batch")
	}
}

// blobs returns n points in dim dimensions from classes Gaussian blobs
// whose centres are sep apart along the first axis: overlapping classes
// with a size dependence of N1 like real data's.
func blobs(seed uint64, n, dim, classes int, sep float64) ([]float32, []int32) {
	rng := rand.New(rand.NewPCG(seed, 77))
	x := make([]float32, n*dim)
	y := make([]int32, n)
	for i := range n {
		c := rng.IntN(classes)
		y[i] = int32(c)
		for j := range dim {
			v := rng.NormFloat64()
			if j == 0 {
				v += sep * float64(c)
			}
			x[i*dim+j] = float32(v)
		}
	}
	return x, y
}

// regions returns n points uniform in the unit cube of dim dimensions,
// labelled by which of classes equal slabs along the first axis holds
// them, with a fraction noise relabelled at random: separable classes
// with a boundary and a floor, whose N1 falls with density like that of
// real layers (here about as m^(−0.25) around m = 1000).
func regions(seed uint64, n, dim, classes int, noise float64) ([]float32, []int32) {
	rng := rand.New(rand.NewPCG(seed, 78))
	x := make([]float32, n*dim)
	y := make([]int32, n)
	for i := range n {
		for j := range dim {
			x[i*dim+j] = float32(rng.Float64())
		}
		c := min(int(float64(x[i*dim])*float64(classes)), classes-1)
		if rng.Float64() < noise {
			c = rng.IntN(classes)
		}
		y[i] = int32(c)
	}
	return x, y
}

// A run's pipeline computes the points of the admitted samples only, and
// passes the labels of the others as Batch.Dropped: the estimator then
// counts every sample seen and gives, bit for bit, what it gives fed
// every row with slot −1. Without the dropped labels it would count only
// the admitted samples (as before cxray took them) and extrapolate to
// that smaller stream, which changes the value.
func TestSampledN1CountsDroppedSamples(t *testing.T) {
	const n, dim, batch = 1200, 4, 50
	x, y := regions(3, n, dim, 3, 0.05)
	capacity := reservoir.StratifiedCapacity(150, 3)
	every := NewSampledN1(dim, reservoir.New(capacity, 9), nil, measure.NormNone)
	feedSampled(t, every.Sampler(), x, y, dim, batch, every)
	admitted := NewSampledN1(dim, reservoir.New(capacity, 9), nil, measure.NormNone)
	unaware := NewSampledN1(dim, reservoir.New(capacity, 9), nil, measure.NormNone)
	for lo := 0; lo < n; lo += batch {
		slots, err := admitted.Sampler().OfferBatch(nil, y[lo:lo+batch])
		if err != nil {
			t.Fatal(err)
		}
		unaware.Sampler().OfferBatch(nil, y[lo:lo+batch])
		b := measure.Batch{Slots: []int{}}
		for i, s := range slots {
			if s < 0 {
				b.Dropped = append(b.Dropped, y[lo+i])
				continue
			}
			b.X = append(b.X, x[(lo+i)*dim:(lo+i+1)*dim]...)
			b.Labels = append(b.Labels, y[lo+i])
			b.Slots = append(b.Slots, s)
		}
		if err := admitted.Update(b); err != nil {
			t.Fatal(err)
		}
		b.Dropped = nil
		if err := unaware.Update(b); err != nil {
			t.Fatal(err)
		}
	}
	want, got := estimate(t, every), estimate(t, admitted)
	if got.Seen != n || got.Value != want.Value || got.CILow != want.CILow || got.CIHigh != want.CIHigh {
		t.Errorf("admitted rows and dropped labels: %v [%v, %v] over %d seen; every row: %v [%v, %v] over %d",
			got.Value, got.CILow, got.CIHigh, got.Seen, want.Value, want.CILow, want.CIHigh, want.Seen)
	}
	old := estimate(t, unaware)
	if old.Seen >= n || old.Value == want.Value {
		t.Errorf("without the dropped labels: %v over %d seen, the same as with them", old.Value, old.Seen)
	}
	exact := NewExactN1(dim, measure.NormNone)
	fill(t, exact, x, y, batch)
	t.Logf("N1 %.4f over %d samples (exact %.4f); counting only the %d admitted, %.4f", want.Value, n, value(t, exact), old.Seen, old.Value)
}

// The same seed and stream give the same estimate, interval and curve,
// whatever the number of workers; the state does not grow once the
// reservoir is full.
func TestSampledN1DeterministicAndBounded(t *testing.T) {
	const n, dim = 1500, 6
	x, y := regions(1, n, dim, 3, 0.02)
	run := func(workers int) (measure.Estimate, []int64) {
		s := reservoir.New(reservoir.StratifiedCapacity(300, 3), 5)
		e := NewSampledN1(dim, s, nil, measure.NormNone)
		e.Workers = workers
		var bytes []int64
		for lo := 0; lo < n; lo += 500 {
			feedSampled(t, s, x[lo*dim:(lo+500)*dim], y[lo:lo+500], dim, 50, e)
			bytes = append(bytes, e.Bytes())
		}
		return estimate(t, e), bytes
	}
	a, bytes := run(1)
	b, _ := run(3)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("1 worker: %+v\n3 workers: %+v", a, b)
	}
	if a.Method != measure.EstimateSampled || a.N != 300 || a.Seen != n || !(a.CILow <= a.Value && a.Value <= a.CIHigh) {
		t.Errorf("estimate %+v", a)
	}
	// Points, labels and arrival indices of 300 slots, the batch buffer
	// (at most 50 rows) and the class counters.
	limit := int64(300*(4*dim+12) + 50*4*dim + 3*8)
	if bytes[0] != bytes[len(bytes)-1] || bytes[0] > limit {
		t.Errorf("Bytes over the stream %v, want constant and ≤ %d", bytes, limit)
	}
}

// 12 reservoirs of 600 of 3000 points, with fixed seeds (the outcome is
// deterministic).
//
// Separable regions, where N1 falls with density: the corrected estimate
// is much closer to the exact N1 than N1 of the sample is, and the
// interval (95% nominal) covers the exact value in at least 10 runs.
//
// Overlapping Gaussian blobs, where N1 hardly depends on density: there is
// little bias to correct and the correction adds variance (the logged
// errors show it); the interval must still cover.
func TestSampledN1CorrectsSampleSize(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: 24 estimates with replicates")
	}
	const n, dim, m, runs = 3000, 4, 600, 12
	for _, c := range []struct {
		name    string
		x       []float32
		y       []int32
		improve bool
	}{
		{"regions", nil, nil, true},
		{"blobs", nil, nil, false},
	} {
		if c.improve {
			c.x, c.y = regions(3, n, dim, 3, 0.01)
		} else {
			c.x, c.y = blobs(3, n, dim, 3, 2)
		}
		ex := NewExactN1(dim, measure.NormNone)
		if err := ex.Update(measure.Batch{X: c.x, Labels: c.y}); err != nil {
			t.Fatal(err)
		}
		exact := value(t, ex)
		var errRaw, errEst float64
		cover := 0
		for seed := range uint64(runs) {
			s := reservoir.New(reservoir.StratifiedCapacity(m, 3), seed+100)
			e := NewSampledN1(dim, s, nil, measure.NormNone)
			feedSampled(t, s, c.x, c.y, dim, 64, e)
			r := estimate(t, e)
			raw := r.Params["n1_sample"].(float64)
			errRaw += math.Abs(raw - exact)
			errEst += math.Abs(r.Value - exact)
			if r.CILow <= exact && exact <= r.CIHigh {
				cover++
			}
			t.Logf("%s seed %d: sample %.4f, estimate %.4f [%.4f, %.4f], exact %.4f", c.name, seed, raw, r.Value, r.CILow, r.CIHigh, exact)
		}
		errRaw /= runs
		errEst /= runs
		t.Logf("%s: mean |error|: sample %.4f, estimate %.4f; coverage %d/%d", c.name, errRaw, errEst, cover, runs)
		if c.improve && errEst > errRaw/3 {
			t.Errorf("%s: mean |error| of the estimate %.4f, want below a third of the sample's %.4f", c.name, errEst, errRaw)
		}
		if cover < 10 {
			t.Errorf("%s: interval covered the exact value %d times of %d, want ≥ 10", c.name, cover, runs)
		}
	}
}

// The laws recover curves of their own form, and extrapolate with the
// fallbacks documented.
func TestExtrapolate(t *testing.T) {
	curve := func(f func(m float64) float64) []curvePoint {
		var pts []curvePoint
		for m := 1000.0; m >= 62; m /= 2 {
			pts = append(pts, curvePoint{m: m, y: f(m)})
		}
		return pts
	}
	power := func(m float64) float64 { return 3 * math.Pow(m, -0.35) }
	floor := func(m float64) float64 { return 0.04 + 4*math.Pow(m, -0.6) }
	for _, c := range []struct {
		name      string
		f         func(float64) float64
		n         float64
		asym, avg float64 // relative tolerances
	}{
		{"power", power, 4000, 0.01, 0.01},
		{"power far", power, 60000, 0.03, 0.03},
		{"floor", floor, 4000, 0.02, 0.05},
	} {
		ex := extrapolate(curve(c.f), c.n)
		want := c.f(c.n)
		if ex.law != "asymptotic+logquadratic" {
			t.Fatalf("%s: law %q", c.name, ex.law)
		}
		if math.Abs(ex.asym-want) > c.asym*want || math.Abs(ex.value-want) > c.avg*want {
			t.Errorf("%s: at n = %g asymptotic %.5f, log-quadratic %.5f, value %.5f, want %.5f", c.name, c.n, ex.asym, ex.quad, ex.value, want)
		}
	}
	if ex := extrapolate(curve(power)[:2], 4000); ex.law != "power" || math.Abs(ex.value-power(4000)) > 1e-9 {
		t.Errorf("two sizes: %+v, want the power law through them, %v", ex, power(4000))
	}
	if ex := extrapolate(curve(power)[:1], 4000); ex.law != "none" || ex.value != power(1000) {
		t.Errorf("one size: %+v", ex)
	}
	// The log-quadratic law does not rise again past its turning point.
	q := logQuadraticLaw{c: [3]float64{math.Log(0.1), -0.2, 0.1}, m0: 1}
	turn := math.Exp(1.0)
	if a, b := q.at(turn), q.at(100*turn); a != b {
		t.Errorf("log-quadratic past its minimum: %v then %v", a, b)
	}
}

func TestPermuteRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, k = 50, 3
	x := make([]float32, n*k)
	for i := range x {
		x[i] = float32(i)
	}
	orig := append([]float32(nil), x...)
	p := rng.Perm(n)
	permuteRows(x, k, p)
	for i := range n {
		for j := range k {
			if x[i*k+j] != orig[p[i]*k+j] {
				t.Fatalf("row %d = %v, want old row %d", i, x[i*k:(i+1)*k], p[i])
			}
		}
	}
	inv := make([]int, n)
	for i, s := range p {
		inv[s] = i
	}
	permuteRows(x, k, inv)
	if !reflect.DeepEqual(x, orig) {
		t.Error("the inverse permutation did not restore the rows")
	}
}

// More points than MaxPool: the top of the curve is exact N1 of the
// proportional subset, the rest comes from a smaller pool, and Estimate
// leaves the stored points as they were.
func TestSampledN1LargeSample(t *testing.T) {
	const n, dim = 2000, 4
	x, y := regions(4, n, dim, 3, 0.01)
	s := reservoir.New(reservoir.StratifiedCapacity(900, 3), 9)
	e := NewSampledN1(dim, s, nil, measure.NormMinMax)
	e.MaxPool = 300
	feedSampled(t, s, x, y, dim, 100, e)
	before := append([]float32(nil), e.x...)
	a := estimate(t, e)
	if !reflect.DeepEqual(before, e.x) {
		t.Fatal("Estimate changed the stored points")
	}
	b := estimate(t, e)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two readings differ:\n%+v\n%+v", a, b)
	}
	curve := a.Params["curve"].([][2]float64)
	if a.Params["pool"] != 300 || len(curve) < 4 || curve[0][0] <= 300 || curve[1][0] > 300 {
		t.Errorf("pool %v, curve %v: want an exact top above 300 points, then the pool's sizes", a.Params["pool"], curve)
	}
	ex := NewExactN1(dim, measure.NormMinMax)
	if err := ex.Update(measure.Batch{X: x, Labels: y}); err != nil {
		t.Fatal(err)
	}
	v := value(t, ex)
	t.Logf("exact %.4f, estimate %.4f [%.4f, %.4f], curve %v", v, a.Value, a.CILow, a.CIHigh, curve)
	if !(a.CILow <= v && v <= a.CIHigh) {
		t.Errorf("exact %.4f outside [%.4f, %.4f]", v, a.CILow, a.CIHigh)
	}
}
