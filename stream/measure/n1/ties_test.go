package n1

import (
	"math/rand/v2"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/oracle"
	"cxray/stream/measure/mst"
)

// Under the total tie order, N1 equals the float64 reference's Kruskal over
// every pair sorted by (distance, smaller index, larger index), on iris
// (decimal ties), a set full of exact ties and duplicates, and MNIST
// pixels; and the running tree's final reading agrees with Value.
func TestTotalTiesMatchReference(t *testing.T) {
	ix, iy := oracle.Iris(t)
	mx, my := oracle.MNIST(t, "t10k", 600)
	rng := rand.New(rand.NewPCG(9, 9))
	tx := oracle.RandomSet(rng, 400, 3, true)
	ty := make([]int32, 400)
	for i := range ty {
		ty[i] = int32(rng.IntN(3))
	}
	for _, c := range []struct {
		name string
		x    []float32
		y    []int32
		dim  int
	}{{"iris", ix, iy, 4}, {"ties", tx, ty, 3}, {"mnist", mx, my, 784}} {
		e := NewExactN1(c.dim, measure.NormNone)
		e.Ties, e.TieRTol = mst.Total, 0
		for lo := 0; lo < len(c.y); lo += 64 {
			hi := min(lo+64, len(c.y))
			if err := e.Update(measure.Batch{X: c.x[lo*c.dim : hi*c.dim], Labels: c.y[lo:hi]}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Running(); err != nil {
				t.Fatal(err)
			}
		}
		got := value(t, e)
		ref := oracle.ReferenceOnArrays(t, c.x, c.y, c.dim, "--method", "total")
		if got != ref.N1 {
			t.Errorf("%s: N1 under the total order %.6f, reference %.6f", c.name, got, ref.N1)
		}
		if p := e.Conventions().Params(); p["tie_rule"] != "total" || p["tie_rtol"] != 0.0 {
			t.Errorf("%s: conventions %v", c.name, p)
		}
	}
}
