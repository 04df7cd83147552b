package tap_test

import (
	"strings"
	"testing"

	"cxray/importer"
	"cxray/runtime"
	"cxray/stream/measure"
	"cxray/stream/plan"
	"cxray/stream/tap"
)

func leNetLayers(t *testing.T) []tap.Layer {
	t.Helper()
	g, err := importer.Load("../../fixtures/models/lenet5_op9.onnx")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := runtime.New(g)
	if err != nil {
		t.Fatal(err)
	}
	sample := []int{1, 28, 28}
	shapes, err := ex.OutputShapes(sample)
	if err != nil {
		t.Fatal(err)
	}
	return tap.FromGraph(g, sample, shapes)
}

func TestFromGraph(t *testing.T) {
	ls := leNetLayers(t)
	// input, 2×(Conv, Relu, MaxPool), Flatten, 3 Gemm, 2 Relu.
	if len(ls) != 13 {
		t.Fatalf("%d layers, want 13: %v", len(ls), ls)
	}
	if ls[0].Name != "input" || ls[0].OpType != "Input" || ls[0].Dim != 784 {
		t.Errorf("layer 0 = %+v", ls[0])
	}
	for i, l := range ls {
		if l.Index != i {
			t.Errorf("layer %q has index %d at position %d", l.Name, l.Index, i)
		}
	}
	if l := ls[1]; l.OpType != "Conv" || l.ShapeString() != "6×28×28" || l.Dim != 4704 {
		t.Errorf("layer 1 = %+v", l)
	}
	if l := ls[len(ls)-1]; l.Name != "output" || l.Dim != 10 {
		t.Errorf("last layer = %+v", l)
	}
}

func TestSelect(t *testing.T) {
	ls := leNetLayers(t)
	got, err := tap.Select(ls, "output, 0,3")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Index != 0 || got[1].Index != 3 || got[2].Name != "output" {
		t.Errorf("Select kept %v, want layers 0, 3 and output in graph order", got)
	}
	if all, _ := tap.Select(ls, "all"); len(all) != len(ls) {
		t.Errorf("all selected %d of %d", len(all), len(ls))
	}
	if _, err := tap.Select(ls, "0,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown layer: %v", err)
	}
}

func TestRouterChecksBatchSize(t *testing.T) {
	layers := []tap.Layer{tap.InputLayer("input", []int{2})}
	p, err := plan.Make([]int{2}, 4, plan.Options{Budget: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	r := tap.NewRouter(layers, p, measure.NormNone, 2, 1<<20)
	labels := []int32{0, 1}
	if err := r.Update(0, []float32{1, 2, 3}, labels, nil); err == nil || !strings.Contains(err.Error(), "input") {
		t.Errorf("3 values for 2 samples of dim 2: %v", err)
	}
	if rows, slots := r.Admit(labels); rows != nil || slots != nil {
		t.Errorf("an exact plan admitted rows %v slots %v, want all (nil)", rows, slots)
	}
	for _, x := range [][]float32{{0, 0, 1, 1}, {0, 1, 1, 0}} {
		if err := r.Update(0, x, labels, nil); err != nil {
			t.Fatal(err)
		}
	}
	e, err := r.Estimate(0, true)
	if err != nil {
		t.Fatal(err)
	}
	// Four corners of the unit square, labels 0, 1, 0, 1 at (0,0), (1,1),
	// (0,1), (1,0). Dense Prim from vertex 0 builds 0–2, 2–1, 0–3 (ties
	// go to the lower index and the earlier parent); the cross edges 2–1
	// and 0–3 touch all four vertices.
	if e.N != 4 || e.Value != 1 || e.Method != "exact" {
		t.Errorf("estimate %+v, want N1 = 1 over 4 points", e)
	}
}

// With a reservoir, one sampler decides for every layer.
func TestRouterSharesTheReservoir(t *testing.T) {
	layers := []tap.Layer{tap.InputLayer("input", []int{3}), {Index: 1, Name: "h", Dim: 300}}
	p, err := plan.Make([]int{3, 300}, 1000, plan.Options{Budget: 1 << 30, Sample: 100, Classes: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	r := tap.NewRouter(layers, p, measure.NormNone, 2, 1<<20)
	labels := make([]int32, 1000)
	for i := range labels {
		labels[i] = int32(i % 2)
	}
	rows, slots := r.Admit(labels)
	if len(rows) < 100 || len(rows) != len(slots) {
		t.Fatalf("admitted %d rows with %d slots", len(rows), len(slots))
	}
	for _, s := range slots {
		if s < 0 || s >= 100 {
			t.Fatalf("slot %d outside the reservoir of 100", s)
		}
	}
}
