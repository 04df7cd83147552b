package mst_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"cxray/stream/measure/internal/oracle"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/neighbour"
)

// bruteNearest is the definition of FindNearest: every pair's SqDist, the
// minimum of each kind, then the lowest index within the tolerance.
func bruteNearest(x []float32, d int, labels []int32, w []float64, rtol float64) *mst.Nearest {
	n := len(labels)
	lim := func(m float64) float64 {
		if m == 0 || math.IsInf(m, 1) {
			return m
		}
		return m * (1 + rtol)
	}
	r := &mst.Nearest{Same: make([]int32, n), Other: make([]int32, n), NN: make([]int32, n),
		SameD2: make([]float64, n), OtherD2: make([]float64, n)}
	row := make([]float64, n)
	for u := range n {
		minS, minO := math.Inf(1), math.Inf(1)
		for v := range n {
			row[v] = mst.SqDist(x[u*d:u*d+d], x[v*d:v*d+d], w)
			if v == u {
				continue
			}
			if labels[v] == labels[u] {
				minS = min(minS, row[v])
			} else {
				minO = min(minO, row[v])
			}
		}
		r.Same[u], r.Other[u], r.NN[u] = -1, -1, -1
		for v := range n {
			if v == u {
				continue
			}
			same := labels[v] == labels[u]
			if r.NN[u] < 0 && row[v] <= lim(min(minS, minO)) {
				r.NN[u] = int32(v)
			}
			if same && r.Same[u] < 0 && row[v] <= lim(minS) {
				r.Same[u] = int32(v)
			}
			if !same && r.Other[u] < 0 && row[v] <= lim(minO) {
				r.Other[u] = int32(v)
			}
		}
		r.SameD2[u], r.OtherD2[u] = minS, minO
	}
	return r
}

func sameNearest(t *testing.T, name string, got, want *mst.Nearest) {
	t.Helper()
	for u := range want.Same {
		if got.Same[u] != want.Same[u] || got.Other[u] != want.Other[u] || got.NN[u] != want.NN[u] ||
			got.SameD2[u] != want.SameD2[u] || got.OtherD2[u] != want.OtherD2[u] {
			t.Fatalf("%s: point %d: got same %d (%v) other %d (%v) nn %d, want same %d (%v) other %d (%v) nn %d", name, u,
				got.Same[u], got.SameD2[u], got.Other[u], got.OtherD2[u], got.NN[u],
				want.Same[u], want.SameD2[u], want.Other[u], want.OtherD2[u], want.NN[u])
		}
	}
}

// FindNearest equals the brute-force definition on data full of exact ties
// and duplicates (coordinates in {0,1,2}) and on continuous data, with and
// without weights and tie tolerance, with one class, and with classes of
// one point.
func TestFindNearestMatchesBruteForce(t *testing.T) {
	for _, k := range []int{1, 2, 8} {
		t.Run(fmt.Sprintf("K=%d", k), func(t *testing.T) {
			defer mst.SetNearestK(k)()
			findNearestMatchesBruteForce(t)
		})
	}
}

// findNearestMatchesBruteForce is the body of TestFindNearestMatchesBruteForce.
func findNearestMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	rows := int64(0)
	defer func() { t.Logf("%d rows computed again", rows) }()
	for _, ints := range []bool{true, false} {
		for _, n := range []int{1, 2, 3, 40, 131} {
			for _, d := range []int{1, 3, 9, 40} {
				for _, classes := range []int{1, 2, 5} {
					x := oracle.RandomSet(rng, n, d, ints)
					labels := make([]int32, n)
					for i := range labels {
						labels[i] = int32(rng.IntN(classes))
					}
					var w []float64
					if rng.IntN(2) == 0 {
						w = make([]float64, d)
						for i := range w {
							w[i] = float64(rng.IntN(3))
						}
					}
					for _, rtol := range []float64{0, mst.DefaultTieRTol} {
						name := fmt.Sprintf("ints=%v/n=%d/d=%d/k=%d/w=%v/rtol=%g", ints, n, d, classes, w != nil, rtol)
						got, err := mst.FindNearest(x, d, labels, &mst.Options{Weights: w, TieRTol: rtol, Workers: 3})
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						sameNearest(t, name, got, bruteNearest(x, d, labels, w, rtol))
						rows += got.Rows
					}
				}
			}
		}
	}
}

// On MNIST pixels the bounds leave few exact distances, and the per-point
// facts add up to package neighbour's N2 and N3, which find the same
// neighbours by computing every distance.
func TestFindNearestMNIST(t *testing.T) {
	x, y := oracle.MNIST(t, "t10k", 1500)
	const d = 784
	got, err := mst.FindNearest(x, d, y, &mst.Options{TieRTol: mst.DefaultTieRTol})
	if err != nil {
		t.Fatal(err)
	}
	nb, err := neighbour.Build(x, d, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := len(y)
	errs, s, c := 0, 0.0, 0
	for u := range n {
		if y[got.NN[u]] != y[u] {
			errs++
		}
		v := 1 - 1/(math.Sqrt(got.SameD2[u])/math.Sqrt(got.OtherD2[u])+1)
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			s += v
			c++
		}
	}
	if n3 := float64(errs) / float64(n); n3 != nb.N3() {
		t.Errorf("N3 from the neighbours %v, package neighbour %v", n3, nb.N3())
	}
	if n2 := s / float64(c); n2 != nb.N2() {
		t.Errorf("N2 from the neighbours %v, package neighbour %v", n2, nb.N2())
	}
	if per := float64(got.ExactEvals) / float64(n); per > 20 || got.Rows > int64(n/100) {
		t.Errorf("%.1f exact distances per point, %d rows computed again: the bounds do not prune", per, got.Rows)
	}
	t.Logf("n = %d: N3 %.4f, %.2f exact distances per point, %d rows computed again", n, nb.N3(), float64(got.ExactEvals)/float64(n), got.Rows)
}

func TestFindNearestErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		x    []float32
		dim  int
		y    []int32
		opt  *mst.Options
	}{
		{"dim", []float32{1}, 0, []int32{0}, nil},
		{"shape", []float32{1, 2, 3}, 2, []int32{0, 1}, nil},
		{"empty", nil, 1, nil, nil},
		{"nan", []float32{1, float32(math.NaN())}, 1, []int32{0, 1}, nil},
		{"weights", []float32{1, 2}, 1, []int32{0, 1}, &mst.Options{Weights: []float64{1, 2}}},
		{"rtol", []float32{1, 2}, 1, []int32{0, 1}, &mst.Options{TieRTol: 1}},
	} {
		if _, err := mst.FindNearest(c.x, c.dim, c.y, c.opt); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}
