package neighbour

import (
	"math"
	"math/rand/v2"
	"testing"

	"cxray/stream/measure/mst"
)

func randPoints(n, d int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// TestKernelsMatchDefinition checks the 4-pair kernels against the
// one-pair definition, bit for bit, and Euclidean against mst.SqDist.
func TestKernelsMatchDefinition(t *testing.T) {
	for _, d := range []int{1, 3, 4, 7, 8, 13, 64, 257} {
		x := randPoints(11, d, uint64(d))
		for _, k := range []Distance{Euclidean, Manhattan, Gower} {
			m, err := NewMetric(k, x, d)
			if err != nil {
				t.Fatal(err)
			}
			out := make([]float64, 11)
			m.keysRange(x[:d], x, 0, 11, out)
			idx := []int32{10, 3, 5, 7, 1, 0}
			outIdx := make([]float64, len(idx))
			m.keysIdx(x[2*d:3*d], x, idx, outIdx)
			for j := range 11 {
				want := m.key(x[:d], x[j*d:j*d+d])
				if out[j] != want {
					t.Errorf("%v d=%d: key(0,%d) = %v, definition %v", k, d, j, out[j], want)
				}
				if k == Euclidean {
					if s := mst.SqDist(x[:d], x[j*d:j*d+d], nil); s != want {
						t.Errorf("d=%d: squared distance %v, mst.SqDist %v", d, want, s)
					}
				}
			}
			for t2, j := range idx {
				if want := m.key(x[2*d:3*d], x[int(j)*d:int(j)*d+d]); outIdx[t2] != want {
					t.Errorf("%v d=%d: keysIdx %d = %v, want %v", k, d, j, outIdx[t2], want)
				}
			}
		}
	}
}

func TestDistanceValues(t *testing.T) {
	x := []float32{0, 0, 3, 4, 1, 8}
	m, _ := NewMetric(Euclidean, x, 2)
	if d := m.Distance(x[0:2], x[2:4]); d != 5 {
		t.Errorf("euclidean %v", d)
	}
	m, _ = NewMetric(Manhattan, x, 2)
	if d := m.Distance(x[0:2], x[2:4]); d != 7 {
		t.Errorf("manhattan %v", d)
	}
	m, _ = NewMetric(Gower, x, 2) // ranges 3 and 8
	if d := m.Distance(x[0:2], x[2:4]); math.Abs(d-(1+0.5)/2) > 1e-15 {
		t.Errorf("gower %v", d)
	}
	c := []float32{1, 2, 1, 5} // constant first feature contributes 0
	m, _ = NewMetric(Gower, c, 2)
	if d := m.Distance(c[0:2], c[2:4]); d != 0.5 {
		t.Errorf("gower constant feature %v", d)
	}
	for _, s := range []string{"euclidean", "Manhattan", " gower "} {
		if _, err := ParseDistance(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseDistance("cosine"); err == nil {
		t.Error("cosine parsed")
	}
}

// TestN1MatchesMeasure: under Euclidean distance and kept zeros, the tree
// is mst.Build's dense Prim tree.
func TestN1MatchesMeasure(t *testing.T) {
	for _, name := range []string{"wine", "wbcd"} {
		f := fixtureData[name]
		x, y, dim := readCSV(t, f[0], f[1])
		nb, err := Build(x, dim, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := mst.Build(x, dim, &mst.Options{TieRTol: DefaultTieRTol, Method: mst.Dense})
		if err != nil {
			t.Fatal(err)
		}
		p := nb.PrimTree()
		for v := range p {
			if p[v] != tr.Parent[v] {
				t.Fatalf("%s: parent[%d] = %d, mst.Build %d", name, v, p[v], tr.Parent[v])
			}
		}
	}
}

// TestDuplicates pins both zero-distance rules on a set with duplicates
// of different labels.
func TestDuplicates(t *testing.T) {
	// points 0,1 duplicate (labels 0,1); 2,3 duplicate (labels 1,1); 4 far (0)
	x := []float32{0, 0, 1, 1, 10}
	y := []int32{0, 1, 1, 1, 0}
	kept := DefaultOptions()
	nb, err := Build(x, 1, y, &kept)
	if err != nil {
		t.Fatal(err)
	}
	// dense Prim: 0-1 (0, cross), 0-2 (1, cross; strict < keeps 0 over 1),
	// 2-3 (0), 2-4 (81, cross; 3 ties and does not replace 2)
	if got, want := nb.PrimTree(), []int{-1, 0, 0, 2, 2}; !equalInts(got, want) {
		t.Errorf("kept tree %v, want %v", got, want)
	}
	if n1 := nb.N1(); n1 != 4.0/5 {
		t.Errorf("kept N1 = %v, want 0.8", n1)
	}
	// 1-NN: 0→1 (err), 1→0 (err), 2→3, 3→2, 4→2 (err)
	if n3 := nb.N3(); n3 != 3.0/5 {
		t.Errorf("kept N3 = %v, want 0.6", n3)
	}
	ecol := DefaultOptions()
	ecol.ZeroDistances = ZeroECoL
	nb, err = Build(x, 1, y, &ecol)
	if err != nil {
		t.Fatal(err)
	}
	// zero distances are no edges: 0-2 (1), 2-1 (1), 2-3? zero: 0-3 (1)
	// Prim from 0: keys 1:inf(0) 2:1 3:1 4:100 → 2 (parent 0), 3 via 0
	// (strict <, tie keeps 0), 1: via 2? key(1) from 0 is 0→none, from 2 is 1.
	if got, want := nb.PrimTree(), []int{-1, 2, 0, 0, 2}; !equalInts(got, want) {
		t.Errorf("ecol tree %v, want %v", got, want)
	}
	// ECoL's N3: entry 2 of the stable sort with the point in it:
	// 0 → {0,1} → 1 (err); 1 → {0,1} → 1 itself (no err); 2 → 3; 3 → {2,3} → 3 itself; 4 → 2 (err)
	if n3 := nb.N3(); n3 != 2.0/5 {
		t.Errorf("ecol N3 = %v, want 0.4", n3)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBuildErrors(t *testing.T) {
	if _, err := Build([]float32{1, 2}, 1, []int32{0, 0}, nil); err == nil {
		t.Error("one class accepted")
	}
	if _, err := Build([]float32{1, float32(math.NaN())}, 1, []int32{0, 1}, nil); err == nil {
		t.Error("NaN accepted")
	}
	if _, err := Build([]float32{1, 2, 3}, 2, []int32{0, 1}, nil); err == nil {
		t.Error("bad shape accepted")
	}
	o := DefaultOptions()
	o.TieRTol = 0.1
	if _, err := Build([]float32{1, 2}, 1, []int32{0, 1}, &o); err == nil {
		t.Error("bad tolerance accepted")
	}
}

// TestWorkersAgree: the structure does not depend on the number of
// goroutines.
func TestWorkersAgree(t *testing.T) {
	x := randPoints(300, 20, 7)
	y := make([]int32, 300)
	for i := range y {
		y[i] = int32(i % 3)
	}
	var vals []map[string]float64
	for _, w := range []int{1, 2, 3} {
		o := DefaultOptions()
		o.Workers = w
		nb, err := Build(x, 20, y, &o)
		if err != nil {
			t.Fatal(err)
		}
		vals = append(vals, nb.All())
	}
	for _, v := range vals[1:] {
		for k, a := range vals[0] {
			if v[k] != a && !(math.IsNaN(a) && math.IsNaN(v[k])) {
				t.Errorf("%s differs across workers: %v vs %v", k, a, v[k])
			}
		}
	}
}

// TestTwoNNUniform: points uniform in a 3-dimensional cube embedded in 10
// dimensions have intrinsic dimension about 3.
func TestTwoNNUniform(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	n, d := 2000, 10
	x := make([]float32, n*d)
	y := make([]int32, n)
	for i := range n {
		for j := range 3 {
			x[i*d+j] = float32(r.Float64())
		}
		y[i] = int32(i % 2)
	}
	nb, err := Build(x, d, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := nb.TwoNN()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(id-3) > 0.3 {
		t.Errorf("TwoNN = %v, want about 3", id)
	}
}

func TestN4Seeded(t *testing.T) {
	x, y, dim := readCSV(t, "fixtures/iris.csv", "species")
	o := ECoLOptions()
	nb, _ := Build(x, dim, y, &o)
	a, b := nb.N4(), nb.N4()
	if a != b || a < 0 || a > 0.1 {
		t.Errorf("N4 = %v then %v, want the same small value", a, b)
	}
}

func TestParams(t *testing.T) {
	p := ECoLOptions().Params()
	if p["distance"] != "gower" || p["zero_distances"] != "ecol" || p["graph"] != "knn" || p["epsilon"] != 0.15 {
		t.Errorf("params %v", p)
	}
}
