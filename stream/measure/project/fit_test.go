package project

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// sqDist is ‖a − b‖² in float64.
func sqDist(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return s
}

// Points on a 10-dimensional affine subspace of R^50: the fitted map finds
// exactly 10 principal directions, keeps every distance (the part outside
// the subspace is zero), and its principal columns are orthonormal.
func TestFitSubspace(t *testing.T) {
	const n, d, k, rank = 60, 50, 24, 10
	rng := rand.New(rand.NewPCG(1, 2))
	basis := make([]float64, rank*d)
	for i := range basis {
		basis[i] = rng.NormFloat64()
	}
	x := make([]float32, n*d)
	for i := range n {
		for r := range rank {
			c := rng.NormFloat64()
			for j := range d {
				x[i*d+j] += float32(c * basis[r*d+j])
			}
		}
		for j := range d {
			x[i*d+j] += 3 // an offset, which distances ignore
		}
	}
	p, err := Fit(x, n, d, k, 7)
	if err != nil {
		t.Fatal(err)
	}
	params := p.Params()
	if params["projection"] != PCAJL || params["pca_dims"] != rank || params["jl_dims"] != k-rank || params["basis_points"] != n {
		t.Errorf("params %v, want %d principal directions of %d points", params, rank, n)
	}
	if c := p.Captured(); math.Abs(c-1) > 1e-6 {
		t.Errorf("captured %v of the variance, want 1", c)
	}
	for a := range rank {
		for b := range rank {
			var dot float64
			for j := range d {
				dot += float64(p.r[j*k+a]) * float64(p.r[j*k+b])
			}
			want := 0.0
			if a == b {
				want = 1
			}
			if math.Abs(dot-want) > 1e-5 {
				t.Errorf("principal columns %d·%d = %v, want %v", a, b, dot, want)
			}
		}
	}
	y := make([]float32, n*k)
	p.Apply(y, x, n)
	for i := 1; i < n; i++ {
		want := sqDist(x[:d], x[i*d:(i+1)*d])
		got := sqDist(y[:k], y[i*k:(i+1)*k])
		if math.Abs(got-want) > 1e-4*want {
			t.Fatalf("‖f(x0) − f(x%d)‖² = %v, want %v", i, got, want)
		}
	}
}

// For full-rank points the part outside the principal directions is
// measured by the Johnson–Lindenstrauss columns: over many seeds the
// projected squared distance averages to the true one.
func TestFitUnbiased(t *testing.T) {
	const n, d, k, seeds = 40, 60, 16, 400
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	// Two points not among the basis points.
	a, b := make([]float32, d), make([]float32, d)
	for j := range d {
		a[j], b[j] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	want := sqDist(a, b)
	var sum, inside float64
	fa, fb := make([]float32, k), make([]float32, k)
	for s := range seeds {
		p, err := Fit(x, n, d, k, uint64(s))
		if err != nil {
			t.Fatal(err)
		}
		p.Apply(fa, a, 1)
		p.Apply(fb, b, 1)
		sum += sqDist(fa, fb)
		inside += sqDist(fa[:p.pcaDims], fb[:p.pcaDims])
	}
	mean := sum / seeds
	// The JL part's squared length has relative sd √(2/2) = 1 per seed
	// (2 dimensions), so the mean of 400 is within 3·(outside)/20.
	outside := want - inside/seeds
	if math.Abs(mean-want) > 3*outside/20 {
		t.Errorf("mean projected squared distance %v over %d seeds, want %v (± %v)", mean, seeds, want, 3*outside/20)
	}
	if inside/seeds > want {
		t.Errorf("principal part %v exceeds the squared distance %v", inside/seeds, want)
	}
}

func TestFitErrors(t *testing.T) {
	x := []float32{1, 2, 3, float32(math.NaN())}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"nan", func() error { _, err := Fit(x, 2, 2, 1, 1); return err }(), "NaN"},
		{"no points", func() error { _, err := Fit(nil, 0, 2, 1, 1); return err }(), "at least 1 point"},
		{"no dims", func() error { _, err := Fit(x, 2, 2, 0, 1); return err }(), "from 2 to 0"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, c.err, c.want)
		}
	}
	// One point: no directions, a plain map on everything.
	p, err := Fit([]float32{1, 2, 3}, 1, 3, 2, 1)
	if err != nil || p.pcaDims != 0 || p.Out() != 2 {
		t.Errorf("one point: %v, pca dims %d", err, p.pcaDims)
	}
}

// FitBytes bounds what Fit allocates besides the matrix it
// returns (the Go heap's cumulative allocation, so transient buffers
// count as if they were all live at once). A first fit of each size
// fills gonum's pools of small workspaces, which later fits reuse; only
// the second is counted.
func TestFitBytes(t *testing.T) {
	for _, c := range []struct{ d, k int }{{500, 64}, {2000, 32}, {100, 64}} {
		n := BasisRows(c.k)
		rng := rand.New(rand.NewPCG(9, uint64(c.d)))
		x := make([]float32, n*c.d)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		if _, err := Fit(x, n, c.d, c.k, 1); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := Fit(x, n, c.d, c.k, 1); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		got := int64(after.TotalAlloc - before.TotalAlloc)
		bound := FitBytes(c.d, c.k) + 4*int64(c.d*c.k)
		t.Logf("d=%d k=%d: allocated %d bytes, bound %d", c.d, c.k, got, bound)
		if got > bound {
			t.Errorf("d=%d k=%d: allocated %d bytes, FitBytes plus the matrix is %d", c.d, c.k, got, bound)
		}
	}
}
