package mst

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"cxray/stream/measure/internal/oracle"
)

var allMethods = []Method{Dense, Stepwise, Gram, Lazy}

// withSmallParts makes the tree builders split even small steps among
// workers, so that the tests (and -race) exercise the parallel paths.
func withSmallParts(t *testing.T) {
	a, b := minPerWorker, minPerStepWorker
	minPerWorker, minPerStepWorker = 8, 8
	t.Cleanup(func() { minPerWorker, minPerStepWorker = a, b })
}

// Every method must return the tree of the independent dense Prim in the
// test helpers, on data full of exact ties (coordinates in {0,1,2}, so many
// equal squared distances and duplicate points) and on continuous data,
// with and without feature weights, exact and tolerant ties.
func TestMethodsMatchReferencePrim(t *testing.T) {
	withSmallParts(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, ints := range []bool{true, false} {
		for _, n := range []int{1, 2, 3, 4, 17, 130, 301} {
			for _, d := range []int{1, 2, 5, 33} {
				x := oracle.RandomSet(rng, n, d, ints)
				var w []float64
				if rng.IntN(2) == 0 {
					w = make([]float64, d)
					for i := range w {
						w[i] = float64(rng.IntN(3)) // includes zero weights
					}
				}
				for _, rtol := range []float64{0, DefaultTieRTol} {
					want := oracle.RefPrim(x, d, w, rtol)
					for _, m := range allMethods {
						name := fmt.Sprintf("ints=%v/n=%d/d=%d/w=%v/rtol=%g/%v", ints, n, d, w != nil, rtol, m)
						tr, err := Build(x, d, &Options{Weights: w, TieRTol: rtol, Method: m, Workers: 3})
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if !slices.Equal(tr.Parent, want) {
							t.Errorf("%s: parent differs from the reference Prim\n got %v\nwant %v", name, tr.Parent, want)
						}
						if tr.Stats.Method != m {
							t.Errorf("%s: ran %v", name, tr.Stats.Method)
						}
					}
				}
			}
		}
	}
}

// The paths without the assembly kernel (BLAS products, as with -tags
// openblas; or no AVX2 at all: gonum's pure-Go BLAS and the Go exact
// distance) must give the same trees.
func TestWithoutKernel(t *testing.T) {
	withSmallParts(t)
	oldBLAS, oldKernel := preferBLAS, haveKernel
	defer func() { preferBLAS, haveKernel = oldBLAS, oldKernel }()
	rng := rand.New(rand.NewPCG(7, 8))
	for _, noKernel := range []bool{false, true} {
		preferBLAS, haveKernel = true, oldKernel && !noKernel
		for _, ints := range []bool{true, false} {
			for _, n := range []int{2, 129, 300} {
				d := 1 + rng.IntN(40)
				x := oracle.RandomSet(rng, n, d, ints)
				want := oracle.RefPrim(x, d, nil, DefaultTieRTol)
				for _, m := range []Method{Gram, Stepwise, Lazy} {
					tr, err := Build(x, d, &Options{TieRTol: DefaultTieRTol, Method: m})
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(tr.Parent, want) {
						t.Errorf("no kernel=%v ints=%v n=%d d=%d %v: tree differs from the reference", noKernel, ints, n, d, m)
					}
				}
			}
		}
	}
}

// Order, Weight and Parent must describe one tree: every vertex but 0 is
// added once, after its parent, at the exact squared distance to it.
func TestMSTConsistent(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	x := oracle.RandomSet(rng, 200, 7, false)
	tr, err := Build(x, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	pos := make([]int, 200)
	for i, v := range tr.Order {
		pos[v] = i
	}
	if len(tr.Order) != 200 || tr.Order[0] != 0 || tr.Parent[0] != -1 {
		t.Fatalf("order %v…, parent[0] = %d", tr.Order[:3], tr.Parent[0])
	}
	for v := 1; v < 200; v++ {
		p := tr.Parent[v]
		if p < 0 || pos[p] >= pos[v] {
			t.Fatalf("vertex %d added before its parent %d", v, p)
		}
		if want := SqDist(x[v*7:v*7+7], x[p*7:p*7+7], nil); tr.Weight[v] != want {
			t.Errorf("weight[%d] = %v, want %v", v, tr.Weight[v], want)
		}
	}
}

// Auto must prefer Stepwise on narrow points and fall back
// when the candidate lists do not fit.
func TestAutoFallsBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n := 300
	for _, c := range []struct {
		d    int
		max  int64
		want Method
	}{
		{stepwiseMaxDim, 0, Stepwise},
		{stepwiseMaxDim, workspace(Stepwise, n, stepwiseMaxDim, 1, false) - 1, Dense},
		{stepwiseMaxDim + 1, 0, Lazy},
		{stepwiseMaxDim + 1, workspace(Lazy, n, stepwiseMaxDim+1, 1, false), Lazy},
		{stepwiseMaxDim + 1, workspace(Lazy, n, stepwiseMaxDim+1, 1, false) - 1, Stepwise},
		{stepwiseMaxDim + 1, workspace(Stepwise, n, stepwiseMaxDim+1, 1, false) - 1, Dense},
	} {
		x := oracle.RandomSet(rng, n, c.d, false)
		want := oracle.RefPrim(x, c.d, nil, DefaultTieRTol)
		tr, err := Build(x, c.d, &Options{TieRTol: DefaultTieRTol, MaxWorkspace: c.max, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if tr.Stats.Method != c.want {
			t.Errorf("d %d, MaxWorkspace %d: method %v, want %v", c.d, c.max, tr.Stats.Method, c.want)
		}
		if !slices.Equal(tr.Parent, want) {
			t.Errorf("d %d, MaxWorkspace %d: tree differs from the reference", c.d, c.max)
		}
	}
}

// The bounds must save almost all exact distances on well-spread data (on
// such data nearly every exact distance lowers a key).
func TestBoundsPrune(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	n, d := 1000, 50
	x := oracle.RandomSet(rng, n, d, false)
	for _, m := range []Method{Gram, Stepwise, Lazy} {
		tr, err := Build(x, d, &Options{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if all := int64(n * (n - 1) / 2); tr.Stats.ExactEvals > all/20 {
			t.Errorf("%v: %d exact distances of %d comparisons", m, tr.Stats.ExactEvals, all)
		}
	}
}

// A few points a million times farther out than the rest must not cost the
// others their bounds (the byte code's range follows the bulk of the data).
func TestOutliersKeepBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	n, d := 1000, 20
	x := oracle.RandomSet(rng, n, d, false)
	for _, i := range []int{3, 500, 999} {
		for j := range d {
			x[i*d+j] *= 1e6
		}
	}
	want := oracle.RefPrim(x, d, nil, DefaultTieRTol)
	tr, err := Build(x, d, &Options{TieRTol: DefaultTieRTol, Method: Gram})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tr.Parent, want) {
		t.Error("tree differs from the reference")
	}
	if all := int64(n * (n - 1) / 2); tr.Stats.ExactEvals > all/20 {
		t.Errorf("%d exact distances of %d comparisons", tr.Stats.ExactEvals, all)
	}
}

func TestBuildErrors(t *testing.T) {
	nan := float32(math.NaN())
	for _, c := range []struct {
		x    []float32
		dim  int
		opt  *Options
		want string
	}{
		{[]float32{1, 2}, 0, nil, "dimension"},
		{[]float32{1, 2, 3}, 2, nil, "whole number"},
		{nil, 2, nil, "no points"},
		{[]float32{1, 2, 3, nan}, 2, nil, "sample 1 feature 1 is NaN"},
		{[]float32{1, float32(math.Inf(-1))}, 1, nil, "sample 1 feature 0 is -Inf"},
		{[]float32{1, 2}, 1, &Options{Weights: []float64{1, 2}}, "weights"},
		{[]float32{1, 2}, 1, &Options{Weights: []float64{-1}}, "weight 0"},
		{[]float32{1, 2}, 1, &Options{TieRTol: -1}, "tie tolerance"},
		{[]float32{1, 2}, 1, &Options{TieRTol: math.NaN()}, "tie tolerance"},
		{[]float32{1, 2}, 1, &Options{Method: 42}, "method"},
		{[]float32{1, 2}, 1, &Options{Method: Insert}, "method"},
	} {
		_, err := Build(c.x, c.dim, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Build(%v, %d): error %v, want one containing %q", c.x, c.dim, err, c.want)
		}
	}
}

// Unweighted points are used as they are unless centring pays (MNIST-like
// data); with a large common offset the methods work on a centred copy,
// and must still prune almost every exact distance and give dense Prim's
// tree. Both layouts are checked on a dimension that is not a multiple of 8.
func TestCentredCopy(t *testing.T) {
	withSmallParts(t)
	rng := rand.New(rand.NewPCG(17, 18))
	n, d := 300, 21
	for _, offset := range []float32{0, 1000} {
		x := oracle.RandomSet(rng, n, d, false)
		for i := range x {
			x[i] += offset
		}
		p := newPoints(x, n, d, nil, true)
		copied := &p.y[0] != &x[0]
		p.free()
		if copied != (offset != 0) || (copied && p.stride != 24) || (!copied && p.stride != d) {
			t.Errorf("offset %v: copied %v, stride %d", offset, copied, p.stride)
		}
		want := oracle.RefPrim(x, d, nil, DefaultTieRTol)
		for _, m := range []Method{Gram, Stepwise, Lazy} {
			tr, err := Build(x, d, &Options{TieRTol: DefaultTieRTol, Method: m, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tr.Parent, want) {
				t.Errorf("offset %v %v: tree differs from the reference", offset, m)
			}
			if all := int64(n * (n - 1) / 2); tr.Stats.ExactEvals > all/10 {
				t.Errorf("offset %v %v: %d exact distances of %d comparisons", offset, m, tr.Stats.ExactEvals, all)
			}
		}
	}
}
