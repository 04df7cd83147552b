package n1

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/oracle"
	"cxray/stream/measure/mst"
)

// edgeSet returns the edges of a parent array as sorted pairs.
func edgeSet(parent []int) [][2]int {
	var s [][2]int
	for v, p := range parent {
		if p >= 0 {
			s = append(s, [2]int{min(p, v), max(p, v)})
		}
	}
	slices.SortFunc(s, func(a, b [2]int) int { return a[0]*len(parent) + a[1] - b[0]*len(parent) - b[1] })
	return s
}

// runEdges returns the edges of the tree Running keeps.
func runEdges(e *ExactN1) [][2]int {
	par := e.run.Parent()
	parent := make([]int, len(par))
	for v, p := range par {
		parent[v] = int(p)
	}
	return edgeSet(parent)
}

// sortedWeights returns the exact squared lengths of a tree's edges,
// sorted: the same multiset for every minimum spanning tree of a set.
func sortedWeights(x []float32, d int, edges [][2]int) []float64 {
	w := make([]float64, len(edges))
	for i, e := range edges {
		w[i] = mst.SqDist(x[e[0]*d:e[0]*d+d], x[e[1]*d:e[1]*d+d], nil)
	}
	slices.Sort(w)
	return w
}

// After every batch the running tree must be a minimum spanning tree of
// the prefix (its sorted edge lengths are those of exact dense Prim's).
// Where no insertion met a tie it must be dense Prim's tree under the tie
// rule, so Running equals the N1 of that tree on the prefix; on data full
// of exact ties the insertions must report them, and Value must still
// return dense Prim's value.
func TestRunningMatchesPrim(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, ints := range []bool{false, true} {
		for _, d := range []int{1, 3, 8, 13, 40} {
			n := 240
			x := oracle.RandomSet(rng, n, d, ints)
			y := make([]int32, n)
			for i := range y {
				y[i] = int32(rng.IntN(3))
			}
			name := fmt.Sprintf("ints=%v/d=%d", ints, d)
			e := NewExactN1(d, measure.NormNone)
			seen, sawTie := 0, false
			for seen < n {
				b := min(n-seen, 1+rng.IntN(40))
				if err := e.Update(measure.Batch{X: x[seen*d : (seen+b)*d], Labels: y[seen : seen+b]}); err != nil {
					t.Fatal(err)
				}
				seen += b
				if seen < 2 {
					if _, err := e.Running(); err == nil {
						t.Errorf("%s: Running of %d point: no error", name, seen)
					}
					continue
				}
				got, err := e.Running()
				if err != nil {
					t.Fatal(err)
				}
				st := e.RunningStats()
				if st.N != seen {
					t.Fatalf("%s: running tree has %d points, want %d", name, st.N, seen)
				}
				px := x[:seen*d]
				exactW := sortedWeights(px, d, edgeSet(oracle.RefPrim(px, d, nil, 0)))
				if w := sortedWeights(px, d, runEdges(e)); !slices.Equal(w, exactW) {
					t.Errorf("%s n=%d: running tree is not a minimum spanning tree", name, seen)
				}
				ref := oracle.RefPrim(px, d, nil, mst.DefaultTieRTol)
				want := float64(mst.CrossVertices(ref, y[:seen])) / float64(seen)
				if st.Ties > 0 {
					sawTie = true
					continue
				}
				if !slices.Equal(runEdges(e), edgeSet(ref)) {
					t.Errorf("%s n=%d: no tie met, but the tree differs from dense Prim's", name, seen)
				}
				if got.Value != want {
					t.Errorf("%s n=%d: Running = %v, want %v", name, seen, got, want)
				}
			}
			if ints && d > 1 && !sawTie {
				t.Errorf("%s: no tie reported on data full of them", name)
			}
			if !ints && sawTie {
				t.Errorf("%s: a tie reported on continuous data", name)
			}
			want := float64(mst.CrossVertices(oracle.RefPrim(x, d, nil, mst.DefaultTieRTol), y)) / float64(n)
			got := value(t, e)
			if got != want {
				t.Errorf("%s: Value = %v, want %v", name, got, want)
			}
			if m := e.Stats().Method; (m == mst.Insert) != (e.RunningStats().Ties == 0) {
				t.Errorf("%s: Value used %v with %d ties", name, m, e.RunningStats().Ties)
			}
		}
	}
}

// The insertion must prune almost every new edge with the float32 bounds:
// on continuous data only a few exact distances per point.
func TestRunningPrunes(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	n, d := 1000, 30
	x := oracle.RandomSet(rng, n, d, false)
	e := NewExactN1(d, measure.NormNone)
	fill(t, e, x, make([]int32, n), 100)
	if _, err := e.Running(); err != nil {
		t.Fatal(err)
	}
	if ev := e.RunningStats().ExactEvals; ev > int64(20*n) {
		t.Errorf("%d exact distances for %d points", ev, n)
	}
}

func TestRunningSmall(t *testing.T) {
	e := NewExactN1(2, measure.NormNone)
	if _, err := e.Running(); err == nil || !strings.Contains(err.Error(), "at least 2 points") {
		t.Errorf("empty Running: %v", err)
	}
	e.Update(measure.Batch{X: []float32{0, 0}, Labels: []int32{0}})
	if _, err := e.Running(); err == nil {
		t.Error("Running of one point: no error")
	}
	e.Update(measure.Batch{X: []float32{3, 4}, Labels: []int32{1}})
	if v, err := e.Running(); err != nil || v.Value != 1 {
		t.Errorf("two points of two labels: Running = %v, %v; want 1", v.Value, err)
	}
	if e.run.Weight()[1] != 25 {
		t.Errorf("edge length %v, want 25", e.run.Weight()[1])
	}
	e.Update(measure.Batch{X: []float32{3, 5}, Labels: []int32{1}})
	if v, err := e.Running(); err != nil || v.Value != 2.0/3 {
		t.Errorf("three points: Running = %v, %v; want 2/3", v.Value, err)
	}
	if v := value(t, e); v != 2.0/3 || e.Stats().Method != mst.Insert {
		t.Errorf("Value = %v by %v, want 2/3 by the running tree", v, e.Stats().Method)
	}
	// Duplicates: zero-length edges are edges, and three equal points tie.
	d := NewExactN1(1, measure.NormNone)
	d.Update(measure.Batch{X: []float32{5, 5}, Labels: []int32{0, 1}})
	if v, err := d.Running(); err != nil || v.Value != 1 {
		t.Errorf("duplicate pair: Running = %v, %v; want 1", v.Value, err)
	}
	d.Update(measure.Batch{X: []float32{5}, Labels: []int32{1}})
	if _, err := d.Running(); err != nil {
		t.Fatal(err)
	}
	if d.RunningStats().Ties == 0 {
		t.Error("three equal points: no tie reported")
	}
	// Dense Prim: 0-1 (cross), 0-2 (cross) → N1 = 1.
	if v := value(t, d); v != 1 || d.Stats().Method == mst.Insert {
		t.Errorf("Value = %v by %v, want 1 by Prim", v, d.Stats().Method)
	}
	// A near-tie without exact ties: A=(0,0), B=(1,0), C=(0.5+ε, √0.75),
	// ε ≈ 1e-6, so |AB|² = 1, |AC|² ≈ 1+ε, |BC|² ≈ 1-ε. The minimum
	// spanning tree is AB, BC (N1 = 1 with labels 0, 1, 0). Dense Prim
	// with the tolerance takes B first, and C's key 1+ε from A is not
	// replaced by 1-ε from B: AB, AC, N1 = 2/3. The insertion must report
	// the near-tie so that Value returns 2/3.
	nt := NewExactN1(2, measure.NormNone)
	nt.Update(measure.Batch{X: []float32{0, 0, 1, 0, 0.5 + 1e-6, float32(math.Sqrt(0.75))}, Labels: []int32{0, 1, 0}})
	if v, err := nt.Running(); err != nil || v.Value != 1 {
		t.Errorf("near-tie: Running = %v, %v; want 1, the exact minimum spanning tree", v.Value, err)
	}
	if nt.RunningStats().Ties == 0 {
		t.Error("near-tie: not reported")
	}
	if v := value(t, nt); v != 2.0/3 {
		t.Errorf("near-tie: Value = %v, want 2/3", v)
	}
	// A bad tolerance is an error, not a panic.
	d.TieRTol = -1
	if _, err := d.Running(); err == nil {
		t.Error("Running with a negative tolerance: no error")
	}
}

// Under a normalisation Running recomputes: it must equal Value.
func TestRunningNormalized(t *testing.T) {
	rng := rand.New(rand.NewPCG(55, 56))
	n, d := 120, 4
	x := oracle.RandomSet(rng, n, d, false)
	y := make([]int32, n)
	for i := range y {
		y[i] = int32(rng.IntN(2))
	}
	e := NewExactN1(d, measure.NormZScore)
	for i := 0; i < n; i += 30 {
		e.Update(measure.Batch{X: x[i*d : (i+30)*d], Labels: y[i : i+30]})
		r, err := e.Running()
		if err != nil {
			t.Fatal(err)
		}
		if v := value(t, e); r.Value != v {
			t.Errorf("n=%d: Running %v, Value %v", i+30, r, v)
		}
	}
}

// Raw iris read into float32 has ties broken by about 1e-7: exact
// comparisons and the default tolerance give different trees (see
// TestIris). The insertions must report those near-ties, so that Value
// still returns dense Prim's value under each tolerance.
func TestRunningIris(t *testing.T) {
	x, y := oracle.Iris(t)
	for _, c := range []struct {
		rtol float64
		want float64
	}{{0, 13.0 / 150}, {mst.DefaultTieRTol, 14.0 / 150}} {
		e := NewExactN1(4, measure.NormNone)
		e.TieRTol = c.rtol
		for i := 0; i < 150; i += 10 {
			e.Update(measure.Batch{X: x[i*4 : (i+10)*4], Labels: y[i : i+10]})
			if _, err := e.Running(); err != nil {
				t.Fatal(err)
			}
		}
		if got := value(t, e); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("rtol %g: Value = %v, want %v (running ties %d)", c.rtol, got, c.want, e.RunningStats().Ties)
		}
	}
}
