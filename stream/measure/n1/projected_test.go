package n1

import (
	"math/rand/v2"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/project"
)

// A fitted map's running reading, kept by insertion batch after batch,
// is the value of the tree built at the end.
func TestProjectedN1Running(t *testing.T) {
	const n, d, k, batch = 240, 30, 12, 40
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, n*d)
	y := make([]int32, n)
	for i := range n {
		y[i] = int32(i % 3)
		for j := range d {
			x[i*d+j] = float32(rng.NormFloat64() + float64(y[i])*0.5)
		}
	}
	p, err := project.Fit(x, project.BasisRows(k), d, k, 3)
	if err != nil {
		t.Fatal(err)
	}
	e := NewProjectedN1(d, p, measure.NormNone)
	for at := 0; at < n; at += batch {
		if err := e.Update(measure.Batch{X: x[at*d : (at+batch)*d], Labels: y[at : at+batch]}); err != nil {
			t.Fatal(err)
		}
		run, err := e.Running()
		if err != nil {
			t.Fatal(err)
		}
		want, err := e.Estimate()
		if err != nil {
			t.Fatal(err)
		}
		if run.Value != want.Value || run.N != at+batch || run.Method != measure.EstimateProjected {
			t.Fatalf("after %d points: running %+v, want the value %v of the full tree", at+batch, run, want.Value)
		}
	}
}
