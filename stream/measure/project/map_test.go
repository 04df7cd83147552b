package project

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The matrix depends on (d, k, seed) only, and its entries are ±√(3/k)
// or 0 in the proportions 1/6, 2/3, 1/6.
func TestMapEntries(t *testing.T) {
	p := New(300, 200, 5)
	q := New(300, 200, 5)
	r := New(300, 200, 6)
	if !slices.Equal(p.r, q.r) {
		t.Error("same seed gave different matrices")
	}
	if slices.Equal(p.r, r.r) {
		t.Error("seeds 5 and 6 gave the same matrix")
	}
	s := float32(math.Sqrt(3.0 / 200))
	var plus, minus, zero float64
	for _, v := range p.r {
		switch v {
		case s:
			plus++
		case -s:
			minus++
		case 0:
			zero++
		default:
			t.Fatalf("entry %v not in {±%v, 0}", v, s)
		}
	}
	n := float64(len(p.r))
	// 60000 entries: the standard deviation of a proportion is below 0.002.
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"+", plus / n, 1.0 / 6}, {"-", minus / n, 1.0 / 6}, {"0", zero / n, 2.0 / 3}} {
		if math.Abs(c.got-c.want) > 0.01 {
			t.Errorf("fraction of %s entries %.4f, want %.4f", c.name, c.got, c.want)
		}
	}
	if p.Bytes() != 4*300*200 || p.In() != 300 || p.Out() != 200 || p.Seed() != 5 {
		t.Errorf("Bytes %d In %d Out %d Seed %d", p.Bytes(), p.In(), p.Out(), p.Seed())
	}
}

// The signs of a small matrix, recorded once: generation uses only PCG
// and integer draws, so they are the same on every platform, and a change
// to the construction (which would change every projected value stored by
// earlier runs with the same seed) fails here.
func TestMapGolden(t *testing.T) {
	p := New(7, 5, 42)
	signs := make([]byte, len(p.r))
	for i, v := range p.r {
		switch {
		case v > 0:
			signs[i] = '+'
		case v < 0:
			signs[i] = '-'
		default:
			signs[i] = '0'
		}
	}
	const want = "+00-+000000000+00+-0000-++-0+-+0000"
	if string(signs) != want {
		t.Errorf("signs of New(7, 5, 42) = %q, want %q", signs, want)
	}
}

// Apply is the product x·R.
func TestMapApply(t *testing.T) {
	const n, d, k = 9, 13, 6
	p := New(d, k, 1)
	x := normal(n*d, 7)
	dst := make([]float32, n*k)
	p.Apply(dst, x, n)
	for i := range n {
		for j := range k {
			var s float64
			for l := range d {
				s += float64(x[i*d+l]) * float64(p.r[l*k+j])
			}
			if math.Abs(float64(dst[i*k+j])-s) > 1e-5*(1+math.Abs(s)) {
				t.Fatalf("dst[%d,%d] = %v, want %v", i, j, dst[i*k+j], s)
			}
		}
	}
	// Sizes that do not fit leave dst alone.
	before := slices.Clone(dst)
	p.Apply(dst, x[:d], n)
	if !slices.Equal(dst, before) {
		t.Error("Apply with a short x wrote dst")
	}
}

// Squared distances of random points keep their ratio within the
// Johnson–Lindenstrauss bound, with the mean and spread the construction
// promises: mean 1 and standard deviation √(2/k) over pairs.
func TestMapDistortion(t *testing.T) {
	const n, d, k = 200, 1000, 256
	rng := rand.New(rand.NewPCG(11, 12))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	// A few points close together, as neighbours in real data are.
	for i := 1; i < 5; i++ {
		for j := range d {
			x[i*d+j] = x[j] + 0.01*float32(rng.NormFloat64())
		}
	}
	y := make([]float32, n*k)
	New(d, k, 3).Apply(y, x, n)
	var s, s2, worst float64
	pairs := 0
	for a := range n {
		for b := range a {
			r := sqDist(y[a*k:(a+1)*k], y[b*k:(b+1)*k]) / sqDist(x[a*d:(a+1)*d], x[b*d:(b+1)*d])
			s += r
			s2 += r * r
			worst = math.Max(worst, math.Abs(r-1))
			pairs++
		}
	}
	mean := s / float64(pairs)
	sd := math.Sqrt(s2/float64(pairs) - mean*mean)
	// Achlioptas' bound with β = 1: k ≥ (4+2β)·ln n/(ε²/2 − ε³/3) holds
	// for ε ≈ 0.67 at n = 200, k = 256, with probability ≥ 1 − 1/n.
	eps := 0.0
	for e := 0.01; e < 1; e += 0.001 {
		if 6*math.Log(n)/(e*e/2-e*e*e/3) <= k {
			eps = e
			break
		}
	}
	t.Logf("ratio of squared distances over %d pairs: mean %.4f, sd %.4f (√(2/k) = %.4f), worst |r−1| %.3f, JL ε %.3f", pairs, mean, sd, math.Sqrt(2.0/k), worst, eps)
	// The pairs share points, so the mean varies more than sd/√pairs; its
	// spread over seeds is about 0.005 here.
	if math.Abs(mean-1) > 0.02 {
		t.Errorf("mean ratio %.4f, want 1 ± 0.02", mean)
	}
	if want := math.Sqrt(2.0 / k); math.Abs(sd-want) > 0.2*want {
		t.Errorf("sd of ratios %.4f, want %.4f ± 20%%", sd, want)
	}
	if eps == 0 || worst > eps {
		t.Errorf("worst distortion %.3f beyond the JL bound %.3f", worst, eps)
	}
}

// normal returns n standard normal values drawn with seed.
func normal(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}
