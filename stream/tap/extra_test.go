package tap_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/survey"
	"cxray/stream/plan"
	"cxray/stream/tap"
)

// routed feeds n points of two layers (the input, and a copy scaled by 3)
// to a router with the given workspace.
func routed(t *testing.T, n int, workspace int64) *tap.Router {
	t.Helper()
	layers := []tap.Layer{tap.InputLayer("input", []int{4}), {Index: 1, Name: "h", OpType: "Relu", Shape: []int{4}, Dim: 4}}
	p, err := plan.Make([]int{4, 4}, n, plan.Options{Budget: 1 << 30, Classes: 2})
	if err != nil {
		t.Fatal(err)
	}
	r := tap.NewRouter(layers, p, measure.NormNone, 2, workspace)
	rng := rand.New(rand.NewPCG(1, 2))
	x, h, labels := make([]float32, 4*n), make([]float32, 4*n), make([]int32, n)
	for i := range n {
		labels[i] = int32(i % 2)
		for j := range 4 {
			x[4*i+j] = float32(rng.NormFloat64()) + float32(labels[i])
			h[4*i+j] = 3 * x[4*i+j]
		}
	}
	if err := r.Update(0, measure.Batch{X: x, Labels: labels}); err != nil {
		t.Fatal(err)
	}
	if err := r.Update(1, measure.Batch{X: h, Labels: labels}); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestExtra(t *testing.T) {
	r := routed(t, 200, 1<<30)
	all, _ := survey.Parse("all")
	rows, skipped := r.Extra(1, all, tap.DefaultOptions())
	got := map[string]float64{}
	for _, row := range rows {
		got[row.Measure] = row.Value
		if row.Params["definition"] == nil {
			t.Errorf("%s: no definition", row.Measure)
		}
	}
	if len(skipped) != 0 {
		t.Errorf("skipped %v", skipped)
	}
	if _, ok := got["N1"]; ok {
		t.Error("Euclidean N1 comes from the streaming estimator, not Extra")
	}
	// Layer h is the input scaled by 3: CKA with it is 1.
	for _, m := range []string{"CKA_prev", "CKA_input"} {
		if math.Abs(got[m]-1) > 1e-9 {
			t.Errorf("%s = %v, want 1", m, got[m])
		}
	}
	if len(got) != len(all)-1 {
		t.Errorf("%d measures, want %d: %v", len(got), len(all)-1, got)
	}
	// Gower: N1 is read from the neighbour structure, with its params.
	o := tap.DefaultOptions()
	o.Neighbour = tap.ECoLOptions().Neighbour
	rows, _ = r.Extra(0, []string{"N1"}, o)
	if len(rows) != 1 || rows[0].Measure != "N1" || rows[0].Params["distance"] != "gower" {
		t.Errorf("gower N1 rows %v", rows)
	}
	// The input has no earlier layer for CKA.
	_, skipped = r.Extra(0, []string{"N1", "CKA_prev"}, tap.DefaultOptions())
	if len(skipped) != 1 || !strings.Contains(skipped[0], "no earlier layer") {
		t.Errorf("skipped %v", skipped)
	}
}

// The neighbour structure and the SVMs can outgrow the points: past the
// workspace they are skipped with the reason, and the rest is computed.
func TestExtraBudget(t *testing.T) {
	n := 200
	r := routed(t, n, tap.NeighbourBytes(n)-1)
	rows, skipped := r.Extra(1, []string{"N1", "N2", "Density", "F1", "GDV"}, tap.DefaultOptions())
	if len(rows) != 2 || rows[0].Measure != "F1" || rows[1].Measure != "GDV" {
		t.Errorf("rows %v, want F1 and GDV only", rows)
	}
	if len(skipped) != 2 || !strings.Contains(skipped[0], "neighbour structure") || !strings.Contains(skipped[0], "--memory") {
		t.Errorf("skipped %v", skipped)
	}
}
