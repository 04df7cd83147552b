package n1

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
	"cxray/stream/measure/internal/oracle"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/reservoir"
)

// checkSamples checks s against its own definition on the points x: the
// marks of the independent dense Prim's tree, N1 as their mean, and the
// neighbours against a brute force over every pair.
func checkSamples(t *testing.T, name string, s *Samples, x []float32, dim int, w []float64, rtol, n1 float64) {
	t.Helper()
	n := s.N()
	marks := mst.CrossMarks(oracle.RefPrim(x, dim, w, rtol), s.Labels)
	on := 0
	for i := range n {
		if s.OnBoundary[i] != marks[i] {
			t.Fatalf("%s: sample %d on the boundary %v, reference Prim %v", name, i, s.OnBoundary[i], marks[i])
		}
		if s.OnBoundary[i] {
			on++
		}
	}
	if got := float64(on) / float64(n); got != n1 {
		t.Errorf("%s: mean of on_boundary %v, N1 %v", name, got, n1)
	}
	edges := 0
	for _, p := range s.Pairs {
		edges += p.Edges
	}
	for i := range n {
		minS, minO, nn, best := math.Inf(1), math.Inf(1), -1, math.Inf(1)
		for j := range n {
			if j == i {
				continue
			}
			d := mst.SqDist(x[i*dim:(i+1)*dim], x[j*dim:(j+1)*dim], w)
			if s.Labels[j] == s.Labels[i] {
				minS = min(minS, d)
			} else {
				minO = min(minO, d)
			}
			if d < best {
				best, nn = d, j
			}
		}
		if s.SameD[i] != math.Sqrt(minS) || s.OtherD[i] != math.Sqrt(minO) {
			t.Fatalf("%s: sample %d: distances %v, %v, want %v, %v", name, i, s.SameD[i], s.OtherD[i], math.Sqrt(minS), math.Sqrt(minO))
		}
		// Without ties at the minimum the nearest point is unique.
		if rtol == 0 && minS != minO && s.NNOther[i] != (s.Labels[nn] != s.Labels[i]) {
			t.Fatalf("%s: sample %d: nn_other %v", name, i, s.NNOther[i])
		}
	}
}

// The per-sample values of an exact estimator are those of the tree its
// value was read from, whichever way it was read (built, or kept by
// Running's insertions), and their mean is N1 exactly.
func TestExactSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, ints := range []bool{true, false} {
		for _, norm := range []measure.Normalization{measure.NormNone, measure.NormMinMax} {
			for _, running := range []bool{false, true} {
				const n, d = 160, 6
				x := oracle.RandomSet(rng, n, d, ints)
				y := make([]int32, n)
				for i := range y {
					y[i] = int32(rng.IntN(4))
				}
				name := fmt.Sprintf("ints=%v/%v/running=%v", ints, norm, running)
				e := NewExactN1(d, norm)
				for b := 0; b < n; b += 40 {
					if err := e.Update(measure.Batch{X: x[b*d : (b+40)*d], Labels: y[b : b+40]}); err != nil {
						t.Fatal(err)
					}
					if running {
						if _, err := e.Running(); err != nil {
							t.Fatal(err)
						}
					}
				}
				if _, err := e.Samples(); err == nil && !running {
					t.Fatalf("%s: Samples before Value: no error", name)
				}
				v := value(t, e)
				s, err := e.Samples()
				if err != nil {
					t.Fatal(err)
				}
				if s.Method != measure.EstimateExact || len(s.Index) != n || s.Index[n-1] != n-1 {
					t.Errorf("%s: method %q, indices %v", name, s.Method, s.Index)
				}
				checkSamples(t, name, s, x, d, feature.Weights(x, n, d, norm), e.TieRTol, v)
			}
		}
	}
}

// A sampled estimator's per-sample values are those of its kept points
// alone, in stream order, named by their positions in the stream.
func TestSampledSamples(t *testing.T) {
	x, y := oracle.Iris(t)
	for _, m := range []int{150, 60} {
		s := reservoir.New(reservoir.StratifiedCapacity(m, 3), 7)
		e := NewSampledN1(4, s, nil, measure.NormNone)
		for b := 0; b < 150; b += 25 {
			slots := make([]int, 25)
			for i := range slots {
				slots[i] = s.Offer(y[b+i])
			}
			if err := e.Update(measure.Batch{X: x[b*4 : (b+25)*4], Labels: y[b : b+25], Slots: slots}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := e.Samples()
		if err != nil {
			t.Fatal(err)
		}
		if got.N() != m || !slices.IsSorted(got.Index) {
			t.Fatalf("M=%d: %d samples, indices %v", m, got.N(), got.Index)
		}
		kept := make([]float32, 0, m*4)
		for i, q := range got.Index {
			kept = append(kept, x[q*4:(q+1)*4]...)
			if got.Labels[i] != y[q] {
				t.Fatalf("M=%d: sample %d has label %d, stream %d", m, q, got.Labels[i], y[q])
			}
		}
		ex := NewExactN1(4, measure.NormNone)
		if err := ex.Update(measure.Batch{X: kept, Labels: got.Labels}); err != nil {
			t.Fatal(err)
		}
		want := map[int]string{150: measure.EstimateExact, 60: measure.EstimateSampled}[m]
		if got.Method != want {
			t.Errorf("M=%d: method %q, want %q", m, got.Method, want)
		}
		checkSamples(t, fmt.Sprintf("M=%d", m), got, kept, 4, nil, mst.DefaultTieRTol, value(t, ex))
	}
}

// Neighbours that would not fit the workspace are refused, not computed.
func TestSamplesWorkspace(t *testing.T) {
	x, y := oracle.Iris(t)
	e := NewExactN1(4, measure.NormNone)
	if err := e.Update(measure.Batch{X: x, Labels: y}); err != nil {
		t.Fatal(err)
	}
	value(t, e)
	e.MaxWorkspace = 1000
	var we *WorkspaceError
	if _, err := e.Samples(); !errors.As(err, &we) || we.N != 150 {
		t.Errorf("Samples within 1000 bytes: %v, want a WorkspaceError for 150 points", err)
	}
}
